"""The save-time warning for a template that demands títulos not yet due (R9)."""

from regua.letters.demand import demand_warnings
from regua.letters.editing import default_templates


def test_the_default_templates_demand_only_what_is_overdue():
    for fields in default_templates().values():
        assert demand_warnings(fields) == []


def test_a_template_showing_the_whole_total_is_warned_about_each_part():
    fields = dict(default_templates()[3])
    fields["body_text"] += "\nTotal a pagar: {{ totals.updated_amount|money }}\n"
    fields["subject"] = "Débito de {{ totals.balance|money }}"
    warnings = demand_warnings(fields)
    assert [w.split(":")[0] for w in warnings] == ["Assunto", "E-mail (texto)"]
    assert all("overdue_totals" in w for w in warnings)

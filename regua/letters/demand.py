"""A warning, on save, for a template that demands what is not yet due (R9).

``totals`` sums every título of a notice, the not-yet-due ones included; a
demand, a deadline or a warning of consequences may only name what is overdue
(``overdue_totals``). A template is rendered on the sample customer, whose
notice mixes both: if its text shows the whole total, the author is warned. It
is a warning, not a refusal: a template may show the whole total in a neutral
summary, outside any demand.
"""

from collections.abc import Mapping

from regua.letters import formatting
from regua.letters.samples import sample_contexts
from regua.letters.sandbox import compiled

PARTS = ("subject", "body_text", "body_html", "letter_html")
LABELS = {
    "subject": "Assunto",
    "body_text": "E-mail (texto)",
    "body_html": "E-mail (HTML)",
    "letter_html": "Carta (HTML)",
}


def demand_warnings(fields: Mapping[str, str]) -> list[str]:
    """One message per part whose text shows the total of every título, overdue or not."""
    context = sample_contexts()[0]
    whole, overdue = context["totals"], context["overdue_totals"]
    shown = {
        formatting.money(whole.updated_amount),
        formatting.money(whole.balance),
    } - {formatting.money(overdue.updated_amount), formatting.money(overdue.balance)}
    found = []
    for part in PARTS:
        source = fields.get(part, "")
        if not source.strip():
            continue
        try:
            text = compiled(part, source).render(context)
        except Exception:  # noqa: BLE001, S112 - the template check on save reports it
            continue
        if any(amount in text for amount in sorted(shown)):
            found.append(
                f"{LABELS[part]}: o texto mostra o total de todos os títulos (totals), que "
                "inclui os títulos a vencer; para cobrar, avisar de prazo ou de medidas, use "
                "overdue_totals, só com os vencidos (R9)"
            )
    return found

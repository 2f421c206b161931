"""Efetividade: model A against model B in each range with an A/B split (issue 16).

The figures are the effectiveness report's (``regua.dunning.effectiveness``),
grouped by range and model: notices and títulos sent, balance notified, amount
recovered and the share of títulos paid with its 95 % Wilson interval. Below
``MIN_FOR_INTERVAL`` títulos on a side there is no interval: "poucos dados".
"""

import datetime
from dataclasses import dataclass

from regua.dunning import effectiveness as eff
from regua.dunning.models import DelayRange


@dataclass
class Comparison:
    """One range's two models over a period."""

    delay_range: DelayRange
    a: eff.Figures
    b: eff.Figures

    @property
    def sides(self) -> list[eff.Figures]:
        return [self.a, self.b]

    @property
    def few_data(self) -> bool:
        return self.a.few_data or self.b.few_data

    @property
    def verdict(self) -> str:
        """What the two intervals say, in words a manager reads."""
        if self.few_data:
            return (
                f"Poucos dados: cada modelo precisa de pelo menos {eff.MIN_FOR_INTERVAL} títulos "
                "cobrados para comparar."
            )
        assert self.a.interval is not None and self.b.interval is not None
        (a_low, a_high), (b_low, b_high) = self.a.interval, self.b.interval
        if a_high < b_low:
            return "O modelo B recupera mais: os intervalos de 95 % não se sobrepõem."
        if b_high < a_low:
            return "O modelo A recupera mais: os intervalos de 95 % não se sobrepõem."
        return "Os intervalos de 95 % se sobrepõem: a diferença pode ser acaso."


def compare(
    date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> list[Comparison]:
    """Each range with a model B today: its model A's figures and its model B's."""
    split = list(
        DelayRange.objects.filter(template_b__isnull=False)
        .select_related("template", "template_b")
        .order_by("start_day", "pk")
    )
    if not split:
        return []
    report = eff.effectiveness(date_from, date_to, eff.BY_RANGE_AND_TEMPLATE)
    rows = {row.key: row for row in report.rows}
    out = []
    for r in split:
        assert r.template_b is not None
        sides = []
        for name, template in (("A", r.template), ("B", r.template_b)):
            key = f"{r.pk}:{template.number}"
            figures = rows.get(key) or eff.Figures(key, "", True)
            figures.label = f"Modelo {name}: {template.number} – {template.name}"
            sides.append(figures)
        out.append(Comparison(r, sides[0], sides[1]))
    return out

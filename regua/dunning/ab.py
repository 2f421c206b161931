"""The A/B split of models in a range (issue 16).

A range may name a second model (``template_b``) and the share of customers who
get it (``share``, a percentage, 1 to 99). Each customer's side is drawn once per
customer and range and stored (``RangeSide``); the draw is a hash of the range's
salt, the range, the customer and the draw's number, so the same customers fall
on the same side in a dry run, in the run that follows it and in the tests.

How long a side lasts. Issue 16: "the side is drawn once per customer and range,
stored, and kept while the customer has open títulos in that range". We read
"open títulos in that range" as the customer's títulos listed in a notice of
that range (its highest range, R6) that are still open (R1): while any is, the
stored side is kept; once none is (all paid, cancelled or settled), the customer's
next notice of that range draws again (the draw's number goes up by one, so the
new side is a fresh draw, not a copy of the old one).
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from regua.dunning.models import DelayRange, Notice, RangeSide

SIDE_A = "A"
SIDE_B = "B"


def new_salt() -> str:
    return secrets.token_hex(8)


def draw_side(salt: str, range_id: int, customer_id: int, draw: int, share: int) -> str:
    """B for ``share`` percent of the customers (hash of salt, range, customer, draw)."""
    digest = hashlib.sha256(f"{salt}:{range_id}:{customer_id}:{draw}".encode()).digest()
    return SIDE_B if int.from_bytes(digest[:8], "big") % 100 < share else SIDE_A


@dataclass(slots=True)
class Side:
    """A customer's side in a range, as a run uses it; ``changed``: to be stored."""

    customer_id: int
    range_id: int
    side: str
    draw: int
    changed: bool


class Sides:
    """The sides of the customers in the active ranges with a model B, for one run."""

    def __init__(self, ranges: dict[int, DelayRange]) -> None:
        self.ranges = ranges
        ids = list(ranges)
        self.stored = {
            (customer_id, range_id): (side, draw)
            for customer_id, range_id, side, draw in RangeSide.objects.filter(
                delay_range_id__in=ids
            ).values_list("customer_id", "delay_range_id", "side", "draw")
        }
        # Customers with a título listed in a notice of the range and still open.
        self.still_open = set(
            Notice.objects.filter(
                delay_range_id__in=ids,
                items__receivable__cancelled=False,
                items__receivable__settled=False,
                items__receivable__amount__gt=F("items__receivable__paid_amount"),
            )
            .values_list("customer_id", "delay_range_id")
            .distinct()
        )

    @classmethod
    def for_run(cls) -> "Sides | None":
        """None when no active range has a model B (the run is as it always was)."""
        ranges = {
            r.pk: r
            for r in DelayRange.objects.filter(
                active=True, template_b__isnull=False, share__isnull=False
            ).select_related("template", "template_b")
        }
        return cls(ranges) if ranges else None

    def side_of(self, customer_id: int, delay_range: DelayRange) -> Side | None:
        """The customer's side in ``delay_range`` (None: the range has no model B)."""
        r = self.ranges.get(delay_range.pk)
        if r is None:
            return None
        key = (customer_id, r.pk)
        stored = self.stored.get(key)
        if stored is not None and key in self.still_open:
            return Side(customer_id, r.pk, stored[0], stored[1], changed=False)
        number = stored[1] + 1 if stored is not None else 1
        assert r.share is not None
        side = draw_side(r.ab_salt, r.pk, customer_id, number, r.share)
        # Within the run the customer keeps this side (a second notice, R6 per título).
        self.stored[key] = (side, number)
        self.still_open.add(key)
        return Side(customer_id, r.pk, side, number, changed=True)

    def template_of(self, side: Side) -> tuple[int, int]:
        """The side's model: (id, number)."""
        r = self.ranges[side.range_id]
        if side.side == SIDE_B:
            assert r.template_b is not None
            return r.template_b.pk, r.template_b.number
        return r.template.pk, r.template.number


def store(sides: list[Side]) -> None:
    """Keep the sides a recorded run drew (a dry run stores nothing)."""
    changed = {(s.customer_id, s.range_id): s for s in sides if s.changed}
    if not changed:
        return
    now = timezone.now()
    RangeSide.objects.bulk_create(
        [
            RangeSide(
                customer_id=s.customer_id,
                delay_range_id=s.range_id,
                side=s.side,
                draw=s.draw,
                drawn_at=now,
            )
            for s in changed.values()
        ],
        update_conflicts=True,
        unique_fields=["customer", "delay_range"],
        update_fields=["side", "draw", "drawn_at"],
        batch_size=1000,
    )

"""R8's re-check: títulos paid meanwhile leave a notice before it is approved or sent."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from regua.audit import log
from regua.dunning import lifecycle
from regua.dunning.models import Notice
from regua.receivables.models import Receivable


@transaction.atomic
def drop_settled_items(notice: Notice, user: str) -> bool:
    """Remove the items whose título is no longer open (R1) and recompute the total.

    Returns False when nothing is left: the notice is then discarded with
    reason "paid" and must not be sent. The removal is written to the audit log.
    """
    # Lock the notice so a reviewer and a worker do not re-check it at once.
    Notice.objects.select_for_update().filter(pk=notice.pk).first()
    items = notice.items.select_related("receivable__branch")
    open_ids = set(
        Receivable.objects.open()
        .filter(pk__in=items.values("receivable_id"))
        .values_list("pk", flat=True)
    )
    gone = [item for item in items if item.receivable_id not in open_ids]
    if not gone:
        return True

    labels = [str(item.receivable) for item in gone]
    notice.items.filter(pk__in=[item.pk for item in gone]).delete()
    total = notice.items.aggregate(total=Sum("balance"))["total"] or Decimal("0.00")
    notice.total_balance = total
    notice.save(update_fields=["total_balance"])
    log.record(
        user,
        "notice.drop_settled_items",
        notice,
        f"Títulos pagos, baixados ou cancelados retirados da carta {notice.pk}: "
        + ", ".join(labels),
        {"removed": labels, "total_balance": str(total)},
    )
    if not notice.items.exists():
        lifecycle.move(notice, lifecycle.DISCARD_PAID, reason="paid")
        log.record(
            user,
            "notice.discard",
            notice,
            f"Carta {notice.pk} descartada: todos os títulos foram pagos.",
            {"reason": "paid"},
        )
        return False
    return True

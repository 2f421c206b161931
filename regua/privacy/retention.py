"""Pruning the notice history after the retention period (R10, LGPD art. 15 and 16).

Only notices in a final state go (sent, failed, discarded, skipped): one still
pending, held, sending, retrying or uncertain is work in progress, whatever its
age. Deleting a notice deletes its items, and with them the R5 block they held
for their títulos and ranges: a título still open, with the same due date and
still inside a range it was dunned for that long ago, may be dunned for that
range again. With the default of five years (1825 days) that is the price of
forgetting; a short period trades more of that for less data kept.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from regua import ptbr
from regua.audit import log
from regua.dunning import lifecycle
from regua.dunning.models import DunningRun, Notice, NoticeItem
from regua.privacy.signals import history_pruning
from regua.privacy.storage import compact_after_commit

DEFAULT_RETENTION_DAYS = 1825


def retention_days() -> int:
    return int(getattr(settings, "REGUA_HISTORY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


@dataclass(frozen=True)
class PruneResult:
    cutoff: datetime.datetime
    older_than_days: int
    notices: int
    items: int
    runs: int
    by_status: dict[str, int]
    dry_run: bool


def prunable_notices(cutoff: datetime.datetime) -> QuerySet[Notice]:
    """The notices made before ``cutoff`` that are in a final state."""
    return Notice.objects.filter(created_at__lt=cutoff, status__in=lifecycle.FINAL)


def prunable_runs(cutoff: datetime.datetime) -> QuerySet[DunningRun]:
    """Runs from before ``cutoff`` left with no notice once the prunable ones are gone."""
    kept = Notice.objects.filter(run=OuterRef("pk")).exclude(
        Q(created_at__lt=cutoff) & Q(status__in=lifecycle.FINAL)
    )
    return DunningRun.objects.filter(created_at__lt=cutoff).exclude(Exists(kept))


def prune_history(
    *, older_than_days: int | None = None, dry_run: bool = False, user: str
) -> PruneResult:
    """Delete final notices (with their items) older than the retention period, and empty runs.

    ``older_than_days`` defaults to ``REGUA_HISTORY_RETENTION_DAYS``. A dry run
    counts what would go and changes nothing; a real one writes one audit entry.
    """
    days = retention_days() if older_than_days is None else older_than_days
    if days < 1:
        raise ValueError("O período de retenção deve ser de pelo menos 1 dia.")
    cutoff = timezone.now() - datetime.timedelta(days=days)
    with transaction.atomic():
        notices = prunable_notices(cutoff)
        by_status = {
            row["status"]: row["n"]
            for row in notices.order_by().values("status").annotate(n=Count("pk"))
        }
        notice_count = sum(by_status.values())
        items = NoticeItem.objects.filter(notice__in=notices).count()
        runs = prunable_runs(cutoff)
        run_count = runs.count()
        result = PruneResult(
            cutoff, days, notice_count, items, run_count, dict(sorted(by_status.items())), dry_run
        )
        if dry_run or (notice_count == 0 and run_count == 0):
            return result

        notice_ids = list(notices.values_list("pk", flat=True))
        history_pruning.send(sender=Notice, notice_ids=notice_ids, user=user)
        # Chunks keep the IN lists within every database's parameter limit; the
        # items go with their notice (CASCADE).
        for start in range(0, len(notice_ids), 500):
            Notice.objects.filter(pk__in=notice_ids[start : start + 500]).delete()
        runs.delete()
        log.record(
            user,
            "privacy.prune_history",
            None,
            f"Histórico anterior a {timezone.localtime(cutoff):%d/%m/%Y %H:%M} removido "
            f"(retenção de {ptbr.count(days, 'dia', 'dias')}): "
            f"{ptbr.count(notice_count, 'carta', 'cartas')}, "
            f"{ptbr.count(items, 'título', 'títulos')} de cartas "
            f"e {ptbr.count(run_count, 'emissão', 'emissões')} sem cartas.",
            {
                "older_than_days": days,
                "cutoff": timezone.localtime(cutoff).isoformat(timespec="seconds"),
                "notices": notice_count,
                "items": items,
                "runs": run_count,
                "by_status": result.by_status,
            },
        )
    compact_after_commit()
    return result

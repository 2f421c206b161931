"""Automatic runs: each active schedule once a day, as user "automatic".

A worker starts a schedule when its time of day has come and no execution
exists since its latest occurrence. The unique (schedule, date) row is taken
before the run starts, so two workers never run the same one. After missed
days (workers down), exactly one catch-up run happens, dated today — never one
per missed day. A schedule restricted to business days (R2's calendar) neither
runs nor catches up on a day without banking.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from regua import ptbr
from regua.audit import log
from regua.delivery import dispatch
from regua.delivery.models import Schedule, ScheduleExecution
from regua.dunning.calendar import PlaceCalendar
from regua.dunning.models import GroupBy
from regua.dunning.runs import execute_run
from regua.dunning.selection import Filters, SelectionError
from regua.inbox.folder import import_before_run
from regua.receivables.models import Branch

logger = logging.getLogger(__name__)

AUTOMATIC = "automatic"
DAY = datetime.timedelta(days=1)
# How far back a missed occurrence is looked for (a month of business days is plenty).
LOOKBACK_DAYS = 40


class ScheduleError(ValueError):
    """A schedule that cannot be saved; the message says why (pt-BR)."""


def _calendar(schedule: Schedule) -> PlaceCalendar:
    """The calendar of the schedule's branch when it filters one, else the national one."""
    code = (schedule.filters or {}).get("branch")
    branch = Branch.objects.filter(code=code).first() if code else None
    return PlaceCalendar(branch.state if branch else "", branch.city if branch else "")


def _runs_on(schedule: Schedule, day: datetime.date, calendar: PlaceCalendar) -> bool:
    return not schedule.business_days_only or calendar.is_business_day(day)


def latest_occurrence(
    schedule: Schedule, now: datetime.datetime, calendar: PlaceCalendar | None = None
) -> datetime.datetime | None:
    """The last moment, up to ``now`` and after the schedule was created, it was meant to run."""
    calendar = calendar or _calendar(schedule)
    local_now = timezone.localtime(now)
    created = timezone.localtime(schedule.created_at) if schedule.created_at else None
    day = local_now.date()
    for _ in range(LOOKBACK_DAYS):
        moment = timezone.make_aware(datetime.datetime.combine(day, schedule.time_of_day))
        if moment <= local_now and _runs_on(schedule, day, calendar):
            return moment if created is None or moment >= created else None
        day -= DAY
    return None


def is_due(schedule: Schedule, now: datetime.datetime | None = None) -> bool:
    """True when the schedule should start now (its regular run, or the one catch-up)."""
    now = now or timezone.now()
    calendar = _calendar(schedule)
    today = timezone.localtime(now).date()
    if not schedule.active or not _runs_on(schedule, today, calendar):
        return False
    occurrence = latest_occurrence(schedule, now, calendar)
    if occurrence is None:
        return False
    return not schedule.executions.filter(date__gte=occurrence.date()).exists()


def run_due_schedules(
    now: datetime.datetime | None = None, *, worker_id: str = ""
) -> list[ScheduleExecution]:
    """Start every schedule that is due; returns the executions this worker started."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    started = []
    for schedule in Schedule.objects.filter(active=True):
        if not is_due(schedule, now):
            continue
        try:
            with transaction.atomic():
                execution = ScheduleExecution.objects.create(
                    schedule=schedule, date=today, worker=worker_id[:100]
                )
        except IntegrityError:
            continue  # another worker took it
        if schedule.import_first:
            # "Importar, depois emitir": without today's file from the ERP, no emission.
            missing = import_before_run()
            if missing:
                logger.warning("agendamento %s não emitiu: %s", schedule.name, missing)
                execution.error = missing
                execution.finished_at = timezone.now()
                execution.save(update_fields=["error", "finished_at"])
                started.append(execution)
                continue
        try:
            result = execute_run(
                today,
                user=AUTOMATIC,
                filters=Filters.from_json(schedule.filters or {}),
                group_by=schedule.group_by,
            )
            execution.run = result.run
            dispatch(result.pending, "queue")
        except SelectionError as e:
            logger.warning(
                "agendamento %s não pôde emitir: %s", schedule.name, " ".join(e.messages)
            )
            execution.error = " ".join(e.messages)
        except Exception as e:
            logger.exception("agendamento %s falhou", schedule.name)
            execution.error = f"{type(e).__name__}: {e}"
        execution.finished_at = timezone.now()
        execution.save(update_fields=["run", "error", "finished_at"])
        started.append(execution)
    return started


def next_run_at(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the next automatic run starts (``now`` when one is due), or None."""
    now = now or timezone.now()
    upcoming = []
    for schedule in Schedule.objects.filter(active=True):
        if is_due(schedule, now):
            return now
        calendar = _calendar(schedule)
        day = timezone.localtime(now).date()
        for _ in range(LOOKBACK_DAYS):
            moment = timezone.make_aware(datetime.datetime.combine(day, schedule.time_of_day))
            if moment > now and _runs_on(schedule, day, calendar):
                upcoming.append(moment)
                break
            day += DAY
    return min(upcoming, default=None)


def parse_time(text: str) -> datetime.time:
    try:
        return datetime.datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        raise ScheduleError(f"Horário {text!r} inválido: use HH:MM (por exemplo 07:30).") from None


def add_schedule(
    user: str,
    *,
    name: str,
    time_of_day: datetime.time,
    business_days_only: bool = True,
    filters: dict | None = None,
    group_by: str = GroupBy.CUSTOMER,
    active: bool = True,
    import_first: bool = False,
) -> Schedule:
    """Create a schedule (audited); filters use a run's JSON shape (``Filters.as_json``)."""
    name = " ".join((name or "").split())
    if not name:
        raise ScheduleError("Informe o nome do agendamento.")
    if group_by not in GroupBy.values:
        raise ScheduleError(f"Agrupamento {group_by!r} inválido (customer ou receivable).")
    if Schedule.objects.filter(name=name).exists():
        raise ScheduleError(f"Já existe um agendamento chamado {name!r}.")
    known = set(Filters.__dataclass_fields__)
    unknown = sorted(set(filters or {}) - known)
    if unknown:
        raise ScheduleError(
            f"{ptbr.plural(len(unknown), 'Filtro desconhecido', 'Filtros desconhecidos')}: "
            f"{', '.join(unknown)} (aceitos: {', '.join(sorted(known))})."
        )
    try:
        parsed = Filters.from_json(filters or {})
        parsed.validate()
    except (SelectionError, ValueError, TypeError) as e:
        raise ScheduleError(f"Filtros inválidos: {e}") from None
    schedule = Schedule.objects.create(
        name=name,
        time_of_day=time_of_day,
        business_days_only=business_days_only,
        filters=parsed.as_json(),
        group_by=group_by,
        active=active,
        import_first=import_first,
        created_by=user,
    )
    log.record(
        user,
        "schedule.add",
        schedule,
        f"Agendamento {name!r} criado: {time_of_day:%H:%M}"
        + (" em dias úteis" if business_days_only else " todos os dias"),
        schedule.describe(),
    )
    return schedule


def remove_schedule(user: str, schedule: Schedule) -> None:
    """Delete a schedule (audited); the runs it made stay in the history."""
    description = schedule.describe()
    log.record(
        user, "schedule.remove", schedule, f"Agendamento {schedule.name!r} removido.", description
    )
    schedule.delete()

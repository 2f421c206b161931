"""What the Painel shows about the installation itself: workers, last delivery, the banner."""

import datetime
from typing import Any

from django.utils import timezone

from regua import ptbr
from regua.delivery.models import ScheduleExecution
from regua.inbox.folder import NOT_ARRIVED
from regua.operations import health


def _moment(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def banner(state: health.Health) -> str:
    """The red banner's text when work waits and no worker is alive; empty otherwise."""
    if not state.unattended:
        return ""
    waiting = []
    if state.notices_waiting:
        waiting.append(
            ptbr.count(state.notices_waiting, "carta esperando envio", "cartas esperando envio")
        )
    if state.schedules_active:
        waiting.append(
            ptbr.count(state.schedules_active, "agendamento ativo", "agendamentos ativos")
        )
    seen = (
        f"Nenhum worker ativo desde {_moment(state.worker_last_seen)}"
        if state.worker_last_seen
        else "Nenhum worker foi visto até agora"
    )
    return (
        f"{seen}, mas há {' e '.join(waiting)}: nada será enviado e nenhum agendamento "
        "será disparado. Inicie o Régua com regua serve (ou regua worker onde os workers rodam)."
    )


def skipped_today() -> list[str]:
    """Schedules that did not emit today because the ERP's file had not arrived."""
    rows = ScheduleExecution.objects.filter(
        date=timezone.localdate(), error__startswith=NOT_ARRIVED
    ).select_related("schedule")
    return [f"Agendamento {row.schedule.name} não emitiu hoje: {row.error}." for row in rows]


def context() -> dict[str, Any]:
    """The Painel's operations part (template ``operations/_painel.html``)."""
    state = health.check()
    return {
        "ops_banner": banner(state),
        "ops_skipped": skipped_today(),
        "ops_workers": ptbr.count(state.workers_alive, "worker ativo", "workers ativos"),
        "ops_workers_alive": state.workers_alive,
        "ops_last_delivery": _moment(state.last_delivery_at),
        "ops_worker_last_seen": _moment(state.worker_last_seen),
        "retry": state.notices_retry,
        "next_retry": _moment(state.next_retry_at),
    }

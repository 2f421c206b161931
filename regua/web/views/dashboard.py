"""Painel: where the money is and what needs a person's attention."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from regua.access.permissions import permission_label
from regua.dunning.models import Notice, NoticeStatus
from regua.operations import painel
from regua.web import aging, charts, manager, no_email
from regua.web.permissions import requires
from regua.web.schedules import next_automatic_run
from regua.web.templatetags.regua_web import brl

# Balances, customers and notices are the collection's own data: the same
# permission as the history. Every group has it; a user in none sees none.
AMOUNTS_PERMISSION = "dunning.view_history"


@requires(None)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The landing page after login; its amounts only for who may see the history."""
    if not request.user.has_perm(AMOUNTS_PERMISSION):
        return render(
            request,
            "web/dashboard_no_access.html",
            {
                "nav": "dashboard",
                "permission_label": permission_label(AMOUNTS_PERMISSION),
            },
        )
    today = timezone.localdate()
    buckets = aging.open_balance_by_bucket(today)
    since = timezone.now() - datetime.timedelta(days=30)
    context = {
        "nav": "dashboard",
        "today": today,
        "bars": aging.bars(buckets),
        # Horizontal bars: labels and amounts in columns of their own, never on top of each other.
        "aging_chart": charts.hbars([(b.label, b.balance, brl(b.balance)) for b in buckets]),
        "total": sum(b.balance for b in buckets),
        "sent_30_days": Notice.objects.filter(status=NoticeStatus.SENT, sent_at__gte=since).count(),
        "failed": Notice.objects.filter(status=NoticeStatus.FAILED).count(),
        "uncertain": Notice.objects.filter(status=NoticeStatus.UNCERTAIN).count(),
        "held": Notice.objects.filter(status=NoticeStatus.HELD).count(),
        "next_run": next_automatic_run(),
        # Workers, last delivery, the banner when nothing runs, retries (regua.operations).
        **painel.context(),
        # DSO, recovered after notices, work lists (regua.web.manager).
        **manager.context(today),
        # Clientes sem e-mail válido, one line per customer (regua.web.no_email).
        **no_email.painel_context(),
    }
    return render(request, "web/dashboard.html", context)

"""A small world every page of the matrix can show: a customer with a sent notice (and its
captured copy)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from regua.delivery.messages import compose
from regua.delivery.models import CapturedEmail, Schedule
from regua.dunning.models import DelayRange, DunningRun, Holiday, Notice
from regua.letters.models import PrintBatch
from regua.receivables.models import Customer, Pause, Receivable
from regua.test import (
    make_branch,
    make_collection,
    make_customer,
    make_notice,
    make_range,
    make_receivable,
)
from regua.web.models import ReviewBatch


@dataclass
class World:
    customer: Customer
    notice: Notice
    user: User
    delay_range: DelayRange
    spare_range: DelayRange
    holiday: Holiday
    schedule: Schedule
    captured: CapturedEmail
    receivable: Receivable
    pause: Pause
    review_batch: ReviewBatch
    print_batch: PrintBatch

    @property
    def run(self) -> DunningRun:
        return self.notice.run

    def arg(self, name: object) -> object:
        """A URL argument: the pk of a world object by its name, else the name itself."""
        found = getattr(self, name, None) if isinstance(name, str) else None
        return found.pk if found is not None else name


def make_world(user: User) -> World:
    branch = make_branch("1")
    customer = make_customer(
        "2001", name="MERCADO BOA VISTA LTDA", billing_email="financeiro@boavista.com.br"
    )
    boleto = make_collection("BK")
    receivable = make_receivable(
        branch,
        customer,
        datetime.date(2026, 11, 10),
        "350.00",
        document="123456",
        collection=boleto,
    )
    delay_range = make_range(1, 30)
    notice = make_notice(
        delay_range,
        [receivable],
        status="sent",
        recipients=["financeiro@boavista.com.br"],
        subject="Aviso de título em aberto",
        body_text="Prezado cliente, consta em aberto o título 123456.",
        body_html="<p>Prezado cliente, consta em aberto o título <b>123456</b>.</p>",
        smtp_response="250 2.0.0 Ok: queued as 4F1A2",
        pdf=b"%PDF-1.4 fake",
    )
    spare_range = make_range(200, 300, template=2)
    captured = CapturedEmail.objects.create(
        notice=notice,
        message_id="<regua.1.0a1b2c3d@exemplo.com.br>",
        from_header="cobranca@exemplo.com.br",
        to=notice.recipients,
        subject=notice.subject,
        body_text=notice.body_text,
        body_html=notice.body_html,
        has_pdf=True,
        raw=compose(
            message_id="<regua.1.0a1b2c3d@exemplo.com.br>",
            date=timezone.now(),
            from_header="cobranca@exemplo.com.br",
            to_headers=notice.recipients,
            cc=[],
            reply_to="",
            subject=notice.subject,
            text=notice.body_text,
            html=notice.body_html,
            pdf=b"%PDF-1.4 fake",
            pdf_name=f"carta-{notice.pk}.pdf",
        ),
    )
    holiday = Holiday.objects.create(
        date=datetime.date(2026, 7, 9), state="SP", name="Revolução Constitucionalista"
    )
    return World(
        customer=customer,
        notice=notice,
        user=user,
        delay_range=delay_range,
        spare_range=spare_range,
        holiday=holiday,
        schedule=Schedule.objects.create(name="Manhã", time_of_day=datetime.time(7, 30)),
        captured=captured,
        receivable=receivable,
        # A lifted pause: lifting it again answers "already lifted" and goes back.
        pause=Pause.objects.create(
            customer=customer,
            reason="agreement",
            created_by="chefe",
            created_at=timezone.now(),
            lifted_by="chefe",
            lifted_at=timezone.now(),
        ),
        print_batch=PrintBatch.objects.create(number=7, created_by="chefe", state="ready"),
        review_batch=ReviewBatch.objects.create(
            action="discard", reason="teste", user="chefe", total=0, finished_at=timezone.now()
        ),
    )

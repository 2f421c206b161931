from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import Q

from regua.receivables.models import Branch, Customer, Receivable


class GenerationType(models.TextChoices):
    EMAIL = "email", "Email"
    EMAIL_AND_LETTER = "email_and_letter", "Email e Carta"


class GroupBy(models.TextChoices):
    CUSTOMER = "customer", "Por filial e cliente"
    RECEIVABLE = "receivable", "Por título"


class NoticeStatus(models.TextChoices):
    """The states of a notice; what each means, allows and becomes: ``regua.dunning.lifecycle``."""

    PENDING = "pending", "Pendente"
    HELD = "held", "Aguardando revisão"
    SENDING = "sending", "Enviando"
    RETRY = "retry", "Nova tentativa"
    SENT = "sent", "Enviada"
    UNCERTAIN = "uncertain", "Incerta"
    FAILED = "failed", "Falhou"
    DISCARDED = "discarded", "Descartada"
    AWAITING_POST = "awaiting_post", "Aguardando postagem"
    SKIPPED = "skipped", "Não enviada"


class DelayRange(models.Model):
    """Faixa de atraso: start_day..end_day of days overdue (negative: before due)."""

    name = models.CharField("nome", max_length=100, blank=True)
    start_day = models.IntegerField("início")
    end_day = models.IntegerField("fim")
    # The letters app sits above dunning: referred to by name, never imported.
    template = models.ForeignKey("letters.LetterTemplate", models.PROTECT, verbose_name="modelo")
    generation = models.CharField(
        "tipo de geração", max_length=20, choices=GenerationType.choices, default="email"
    )
    min_balance = models.DecimalField(
        "saldo mínimo", default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    # WinThor's PCFAIXASATRASO.ENVIARBOLETO: each título's boleto attached as a PDF (R9).
    send_boleto = models.BooleanField(
        "enviar boleto",
        default=False,
        help_text="anexa ao e-mail o boleto de cada título com código de barras válido",
    )
    active = models.BooleanField("ativa", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The A/B split (issue 16): ``share`` percent of the customers get ``template_b``;
    # each customer's side is drawn and kept in RangeSide (see ``regua.dunning.ab``).
    template_b = models.ForeignKey(
        "letters.LetterTemplate",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modelo B",
    )
    share = models.PositiveSmallIntegerField("clientes no modelo B (%)", null=True, blank=True)
    ab_salt = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = "faixa de atraso"
        verbose_name_plural = "faixas de atraso"
        ordering = ["start_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_day__lte=models.F("end_day")), name="range_start_before_end"
            )
        ]
        permissions = [("manage_ranges", "Pode gerenciar faixas de atraso")]

    def __str__(self) -> str:
        return self.name or f"{self.start_day} a {self.end_day} dias"

    def describe(self) -> str:
        """How messages name this range: its name (if any), days and id."""
        days = f"{self.start_day} a {self.end_day} dias"
        label = f"“{self.name}” ({days}" if self.name else f"({days}"
        return f"{label}, id {self.pk})" if self.pk else f"{label})"

    def clean(self) -> None:
        # Forms and the admin get the same no-overlap rule as the CLI and the API (R3).
        from regua.dunning.ranges import check_overlap

        super().clean()
        if self.start_day is not None and self.end_day is not None and self.active:
            check_overlap(self.start_day, self.end_day, exclude=self.pk)


class DunningRun(models.Model):
    """Emitir: one selection + sending pass, with its filters and reference date."""

    created_at = models.DateTimeField("criada em", auto_now_add=True)
    finished_at = models.DateTimeField("concluída em", null=True, blank=True)
    user = models.CharField("usuário", max_length=150)
    reference_date = models.DateField("data de referência")
    filters = models.JSONField("filtros", default=dict, blank=True)
    group_by = models.CharField(
        "agrupamento", max_length=20, choices=GroupBy.choices, default="customer"
    )
    candidates = models.PositiveIntegerField("candidatos", default=0)
    notices = models.PositiveIntegerField("cartas", default=0)
    sent = models.PositiveIntegerField("enviadas", default=0)
    held = models.PositiveIntegerField("em revisão", default=0)
    skipped = models.PositiveIntegerField("não enviadas", default=0)
    failed = models.PositiveIntegerField("com falha", default=0)
    # Renewed by the process that delivers the run's notices itself (`regua run`
    # without --no-wait) until it finishes; a run whose lease ran out unfinished
    # was interrupted (the process was killed): see lifecycle.interrupt_abandoned_runs.
    lease_until = models.DateTimeField(null=True, blank=True)
    interrupted_at = models.DateTimeField("interrompida em", null=True, blank=True)

    class Meta:
        verbose_name = "emissão"
        verbose_name_plural = "emissões"
        ordering = ["-created_at", "-id"]
        permissions = [("run_dunning", "Pode emitir cartas de cobrança")]

    def __str__(self) -> str:
        return f"Emissão {self.pk} de {self.reference_date:%d/%m/%Y}"

    @property
    def state_label(self) -> str:
        """How the pages name where the run is: concluída, interrompida or em andamento."""
        if self.interrupted_at is not None:
            return "interrompida"
        return "concluída" if self.finished_at is not None else "em andamento"


class Notice(models.Model):
    """Carta de cobrança: one message from one branch to one customer (R6, R10).

    This row is also the outbox entry: delivery claims it, leases it, retries it.
    Its state changes only through ``regua.dunning.lifecycle``.
    """

    run = models.ForeignKey(DunningRun, models.PROTECT, related_name="notice_set")
    branch = models.ForeignKey(Branch, models.PROTECT, verbose_name="filial")
    # Served by notice_by_customer (customer, created_at): no index of its own.
    customer = models.ForeignKey(Customer, models.PROTECT, verbose_name="cliente", db_index=False)
    delay_range = models.ForeignKey(DelayRange, models.PROTECT, verbose_name="faixa")
    range_start = models.IntegerField("início da faixa")
    range_end = models.IntegerField("fim da faixa")
    # The letters app sits above dunning: referred to by name, never imported.
    template = models.ForeignKey("letters.LetterTemplate", models.PROTECT, verbose_name="modelo")
    template_number = models.PositiveSmallIntegerField("número do modelo")
    generation = models.CharField(max_length=20, choices=GenerationType.choices)
    reference_date = models.DateField("data de referência")
    user = models.CharField("usuário", max_length=150)
    status = models.CharField(
        "situação", max_length=20, choices=NoticeStatus.choices, default="pending"
    )
    reason = models.CharField("motivo", max_length=200, blank=True)
    recipients = models.JSONField("destinatários", default=list, blank=True)
    accepted_recipients = models.JSONField("aceitos pelo servidor", default=list, blank=True)
    refused_recipients = models.JSONField("recusados", default=dict, blank=True)
    subject = models.TextField("assunto", blank=True)
    body_text = models.TextField("mensagem (texto)", blank=True)
    body_html = models.TextField("mensagem (HTML)", blank=True)
    pdf = models.BinaryField("carta (PDF)", null=True, blank=True)
    total_balance = models.DecimalField(
        "saldo total", default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    message_id = models.CharField("Message-ID", max_length=250, blank=True)
    smtp_response = models.TextField("resposta do servidor", blank=True)
    attempts = models.PositiveIntegerField("tentativas", default=0)
    next_attempt_at = models.DateTimeField("próxima tentativa", null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField("criada em", auto_now_add=True)
    sent_at = models.DateTimeField("enviada em", null=True, blank=True)
    reviewed_by = models.CharField("revisada por", max_length=150, blank=True)
    reviewed_at = models.DateTimeField("revisada em", null=True, blank=True)
    # DOMAIN.md's channels: "email", "letter" or "email,letter" (lifecycle.Channel),
    # decided by the run (R7) and at approval (R8).
    channels = models.CharField("canais", max_length=20, default="email")
    # The letter channel: its print batch (letters app, referred to by name), who
    # marked it posted and when, and a return by the post office.
    print_batch = models.ForeignKey(
        "letters.PrintBatch",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name="lote de impressão",
    )
    posted_at = models.DateTimeField("postada em", null=True, blank=True)
    posted_by = models.CharField("postada por", max_length=150, blank=True)
    returned_at = models.DateTimeField("devolvida em", null=True, blank=True)

    class Meta:
        verbose_name = "carta de cobrança"
        verbose_name_plural = "cartas de cobrança"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notice_outbox"),
            models.Index(fields=["customer", "created_at"], name="notice_by_customer"),
        ]
        permissions = [
            ("review_notices", "Pode revisar, aprovar, descartar e reenviar cartas"),
            ("view_history", "Pode ver o histórico de cobrança"),
        ]

    def __str__(self) -> str:
        return f"Carta {self.pk} ({self.get_status_display()})"


class NoticeItem(models.Model):
    """One título of a notice, as it was when the notice was made (R10)."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="items")
    # Served by item_by_receivable (receivable, blocks): no index of its own.
    receivable = models.ForeignKey(
        Receivable, models.PROTECT, related_name="notice_items", db_index=False
    )
    delay_range = models.ForeignKey(DelayRange, models.PROTECT, verbose_name="faixa")
    due_date = models.DateField("vencimento registrado")
    effective_due_date = models.DateField("vencimento efetivo")
    days_overdue = models.IntegerField("dias de atraso")
    range_start = models.IntegerField("início da faixa")
    range_end = models.IntegerField("fim da faixa")
    balance = models.DecimalField("saldo", max_digits=14, decimal_places=2)
    fine = models.DecimalField("multa", null=True, blank=True, max_digits=14, decimal_places=2)
    interest = models.DecimalField("juros", null=True, blank=True, max_digits=14, decimal_places=2)
    updated_amount = models.DecimalField(
        "valor atualizado", null=True, blank=True, max_digits=14, decimal_places=2
    )
    # Mirrors "the notice's state blocks" so the database can hold R5; written only by
    # regua.dunning.lifecycle (its initial value, then keep_blocks_in_step).
    blocks = models.BooleanField(default=True)

    class Meta:
        verbose_name = "título da carta"
        verbose_name_plural = "títulos da carta"
        constraints = [
            # R5 held by the database: one blocking notice per título, due date and range.
            models.UniqueConstraint(
                fields=["receivable", "due_date", "range_start"],
                condition=Q(blocks=True),
                name="one_blocking_notice_per_receivable_range",
            ),
        ]
        indexes = [models.Index(fields=["receivable", "blocks"], name="item_by_receivable")]

    def __str__(self) -> str:
        return (
            f"{self.receivable_id}: {self.days_overdue} dias ({self.range_start}..{self.range_end})"
        )


class Holiday(models.Model):
    """A non-business day the company registers (R2): national when state and city are blank,
    else for the branches of that state (and city)."""

    date = models.DateField("data")
    state = models.CharField("UF", max_length=2, blank=True)
    city = models.CharField("cidade", max_length=100, blank=True)
    name = models.CharField("nome", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "feriado"
        verbose_name_plural = "feriados"
        ordering = ["date", "state", "city"]
        constraints = [
            models.UniqueConstraint(fields=["date", "state", "city"], name="one_holiday_per_place"),
            models.CheckConstraint(
                condition=Q(city="") | ~Q(state=""), name="holiday_city_needs_state"
            ),
        ]
        permissions = [("manage_holidays", "Pode gerenciar feriados")]

    def __str__(self) -> str:
        where = "/".join(part for part in (self.city, self.state) if part) or "nacional"
        return f"{self.date:%d/%m/%Y} {self.name} ({where})".replace("  ", " ")


class CalendarYear(models.Model):
    """Marks that the non-business days of one place and year are in CalendarDay.

    A place is a branch's (state, city) exactly as written on the branch, so the
    selection can join on it; rows are rebuilt when holidays change.
    """

    state = models.CharField(max_length=2, blank=True)
    city = models.CharField(max_length=100, blank=True)
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state", "city", "year"], name="one_calendar_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.city}/{self.state}"


class CalendarDay(models.Model):
    """A non-business day of one place and the business day a due date on it moves to (R2).

    Business days have no row: their effective due date is the date itself.
    """

    state = models.CharField(max_length=2, blank=True)
    city = models.CharField(max_length=100, blank=True)
    date = models.DateField()
    next_business_day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state", "city", "date"], name="one_calendar_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} -> {self.next_business_day} ({self.city}/{self.state})"


class DunningSettings(models.Model):
    """Per-installation switches kept in the database (one row); empty means "use settings"."""

    move_due_dates = models.BooleanField(
        "prorrogar vencimentos em dias não úteis",
        null=True,
        blank=True,
        help_text="vazio: o padrão da instalação (REGUA_MOVE_DUE_DATES)",
    )
    min_interval_days = models.PositiveIntegerField(
        "intervalo mínimo entre cartas ao cliente (dias)",
        null=True,
        blank=True,
        help_text="vazio ou 0: sem intervalo mínimo",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "configuração da cobrança"
        verbose_name_plural = "configurações da cobrança"

    def __str__(self) -> str:
        return "Configuração da cobrança"


class DunningLock(models.Model):
    """Rows that writers lock (SELECT ... FOR UPDATE) so that runs, and range edits,
    happen one at a time across processes (R3, R5)."""

    name = models.CharField(max_length=40, primary_key=True)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def acquire(cls, name: str) -> None:
        """Hold the lock ``name`` until the current transaction ends.

        On PostgreSQL the row lock makes the other writers wait; SQLite's
        IMMEDIATE transactions already let one writer in at a time.
        """
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("DunningLock.acquire needs a transaction")
        if list(cls.objects.select_for_update().filter(name=name).values_list("name", flat=True)):
            return
        try:
            with transaction.atomic():
                cls.objects.create(name=name)
        except IntegrityError:
            pass  # another process created it meanwhile
        list(cls.objects.select_for_update().filter(name=name).values_list("name", flat=True))


class RangeSide(models.Model):
    """A customer's side (A or B) in a range with two models, drawn once and kept."""

    customer = models.ForeignKey(Customer, models.CASCADE, verbose_name="cliente", db_index=False)
    delay_range = models.ForeignKey(DelayRange, models.CASCADE, verbose_name="faixa")
    side = models.CharField("lado", max_length=1, choices=[("A", "A"), ("B", "B")])
    draw = models.PositiveIntegerField("sorteio", default=1)
    drawn_at = models.DateTimeField("sorteado em")

    class Meta:
        verbose_name = "lado do teste A/B"
        verbose_name_plural = "lados do teste A/B"
        constraints = [
            models.UniqueConstraint(fields=["customer", "delay_range"], name="range_side_once")
        ]

    def __str__(self) -> str:
        return f"lado {self.side} do cliente {self.customer_id} na faixa {self.delay_range_id}"

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import F, Q

# WinThor's collection codes that are never collected (DOMAIN: "never dunned").
NEVER_DUNNED_CODES = ("DESD", "CRED", "DEVP", "DEVT", "BNF", "BNFT", "BNFR", "BNTR", "BNRP")


def is_never_dunned(code: str) -> bool:
    """Whether a collection code is one WinThor never collects (BNF* is bonus of any kind)."""
    code = code.strip().upper()
    return code in NEVER_DUNNED_CODES or code.startswith("BNF")


class DoNotDun(models.Model):
    """R4's "do not dun" mark, optionally until a date (a promise, an agreement, protest)."""

    do_not_dun = models.BooleanField("não cobrar", default=False)
    do_not_dun_until = models.DateField("não cobrar até", null=True, blank=True)
    do_not_dun_reason = models.CharField("motivo", max_length=200, blank=True)

    class Meta:
        abstract = True

    def is_blocked_on(self, day: datetime.date) -> bool:
        if not self.do_not_dun:
            return False
        return self.do_not_dun_until is None or day <= self.do_not_dun_until


class Branch(models.Model):
    """The company unit that issued a título: the creditor named on its notices (R9)."""

    code = models.CharField("código", max_length=20, unique=True)
    legal_name = models.CharField("razão social", max_length=200)
    trade_name = models.CharField("nome fantasia", max_length=200, blank=True)
    cnpj = models.CharField("CNPJ", max_length=18, blank=True)
    address = models.CharField("endereço", max_length=200, blank=True)
    district = models.CharField("bairro", max_length=100, blank=True)
    city = models.CharField("cidade", max_length=100, blank=True)
    state = models.CharField("UF", max_length=2, blank=True)
    zip_code = models.CharField("CEP", max_length=9, blank=True)
    phone = models.CharField("telefone", max_length=40, blank=True)
    email = models.CharField("e-mail", max_length=254, blank=True)
    pix_key = models.CharField("chave PIX", max_length=77, blank=True)
    fine_percent = models.DecimalField(
        "multa %", default=Decimal("2.00"), max_digits=7, decimal_places=4
    )
    monthly_interest_percent = models.DecimalField(
        "juros ao mês %", default=Decimal("1.00"), max_digits=7, decimal_places=4
    )

    class Meta:
        verbose_name = "filial"
        verbose_name_plural = "filiais"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.trade_name or self.legal_name}"


class Customer(DoNotDun):
    code = models.CharField("código", max_length=30, unique=True)
    name = models.CharField("nome", max_length=200)
    document = models.CharField("CPF/CNPJ", max_length=18, blank=True)
    email = models.CharField("e-mail", max_length=254, blank=True)
    billing_email = models.CharField(
        "e-mails de cobrança", max_length=1000, blank=True, help_text="separados por ; ou ,"
    )
    phone = models.CharField("telefone", max_length=40, blank=True)
    address = models.CharField("endereço", max_length=200, blank=True)
    district = models.CharField("bairro", max_length=100, blank=True)
    city = models.CharField("cidade", max_length=100, blank=True)
    state = models.CharField("UF", max_length=2, blank=True)
    zip_code = models.CharField("CEP", max_length=9, blank=True)
    # R7: addresses a server refused for good (5xx "user unknown"), lower-cased;
    # cleared when someone edits the customer's e-mails.
    invalid_emails = models.JSONField("e-mails recusados", default=list, blank=True)
    # R7: a letter the post office returned marks the postal address invalid until
    # someone edits the address (an import that changes it, or the customer page).
    postal_address_invalid = models.BooleanField("endereço postal inválido", default=False)
    redacted_at = models.DateTimeField("dados pessoais removidos em", null=True, blank=True)

    class Meta:
        verbose_name = "cliente"
        verbose_name_plural = "clientes"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class CollectionType(models.Model):
    """How a título is collected (CODCOB); some codes are never dunned."""

    code = models.CharField("código", max_length=20, unique=True)
    description = models.CharField("descrição", max_length=200, blank=True)
    dunnable = models.BooleanField("cobrável", default=True)
    fine_percent = models.DecimalField(
        "multa %", null=True, blank=True, max_digits=7, decimal_places=4
    )
    monthly_interest_percent = models.DecimalField(
        "juros ao mês %", null=True, blank=True, max_digits=7, decimal_places=4
    )

    class Meta:
        verbose_name = "tipo de cobrança"
        verbose_name_plural = "tipos de cobrança"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.description}" if self.description else self.code


class ReceivableQuerySet(models.QuerySet["Receivable"]):
    def open(self) -> "ReceivableQuerySet":
        """R1: balance above zero, not cancelled, not settled by a snapshot."""
        return self.filter(cancelled=False, settled=False, amount__gt=F("paid_amount"))


class Receivable(DoNotDun):
    """One installment a customer owes; key = branch + document + installment."""

    # No index of their own: the natural key starts with branch and
    # receivable_by_customer with customer (fewer indexes, faster imports).
    branch = models.ForeignKey(Branch, models.PROTECT, verbose_name="filial", db_index=False)
    document = models.CharField("duplicata", max_length=30)
    installment = models.CharField("prestação", max_length=10)
    customer = models.ForeignKey(Customer, models.PROTECT, verbose_name="cliente", db_index=False)
    issue_date = models.DateField("emissão", null=True, blank=True)
    due_date = models.DateField("vencimento")
    amount = models.DecimalField("valor", max_digits=14, decimal_places=2)
    paid_amount = models.DecimalField(
        "valor pago", default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    paid_date = models.DateField("data do pagamento", null=True, blank=True)
    collection = models.ForeignKey(
        CollectionType, models.PROTECT, null=True, blank=True, verbose_name="cobrança"
    )
    digitable_line = models.CharField("linha digitável", max_length=60, blank=True)
    barcode = models.CharField("código de barras", max_length=60, blank=True)
    # Set by the import when the line or the barcode fails its FEBRABAN check digits
    # (R9): such a boleto is never printed nor attached.
    boleto_invalid = models.BooleanField(
        "boleto inválido",
        default=False,
        help_text="linha digitável ou código de barras com dígito verificador errado",
    )
    our_number = models.CharField("nosso número", max_length=30, blank=True)
    cancelled = models.BooleanField("cancelado", default=False)
    # Set when a snapshot import no longer lists the título: the ERP settled it.
    settled = models.BooleanField("baixado pela carga completa", default=False)
    settled_at = models.DateTimeField("baixado em", null=True, blank=True)
    updated_at = models.DateTimeField("atualizado em", auto_now=True)

    objects = ReceivableQuerySet.as_manager()

    class Meta:
        verbose_name = "título"
        verbose_name_plural = "títulos"
        ordering = ["due_date", "branch", "document", "installment"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "document", "installment"], name="receivable_natural_key"
            ),
        ]
        indexes = [
            # The selection of open títulos by due date (R1, R4) at a million rows.
            models.Index(
                fields=["due_date", "branch", "customer"],
                condition=Q(cancelled=False, settled=False),
                name="receivable_open_by_due",
            ),
            models.Index(fields=["customer", "due_date"], name="receivable_by_customer"),
        ]
        permissions = [("import_data", "Pode importar dados")]

    def __str__(self) -> str:
        return f"{self.branch.code}/{self.document}/{self.installment}"

    @property
    def balance(self) -> Decimal:
        return max(self.amount - self.paid_amount, Decimal("0.00"))

    @property
    def is_open(self) -> bool:
        return not self.cancelled and not self.settled and self.amount > self.paid_amount


class Import(models.Model):
    """One import of títulos or payments: where a payment event came from."""

    kind = models.CharField("tipo", max_length=30)
    filename = models.CharField("arquivo", max_length=255, blank=True)
    user = models.CharField("usuário", max_length=150)
    snapshot = models.BooleanField("carga completa", default=False)
    started_at = models.DateTimeField("iniciada em", auto_now_add=True)

    class Meta:
        verbose_name = "importação"
        verbose_name_plural = "importações"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Importação {self.pk} ({self.kind})"


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", "Pagamento"
    # A snapshot import no longer lists the título: the ERP settled it, we
    # presume paid of its last balance on the import date (negative when it
    # comes back to the open list).
    PRESUMED = "presumed", "Baixa presumida"
    # What a título had paid before events were recorded, at its paid date.
    LEGACY = "legacy", "Pagamento anterior ao registro"


class PaymentEvent(models.Model):
    """One change of a título's paid amount (R1), as an import found it.

    The título keeps only the latest total; these rows keep each step, so a
    payment can be placed after the notices that preceded it.
    """

    receivable = models.ForeignKey(
        Receivable, models.CASCADE, related_name="payment_events", db_index=False
    )
    amount = models.DecimalField("valor", max_digits=14, decimal_places=2)  # negative: reversal
    paid_date = models.DateField("data do pagamento")
    kind = models.CharField("tipo", max_length=10, choices=PaymentKind.choices)
    source = models.ForeignKey(
        Import, models.SET_NULL, null=True, blank=True, verbose_name="importação"
    )
    recorded_at = models.DateTimeField("registrado em")

    class Meta:
        verbose_name = "pagamento registrado"
        verbose_name_plural = "pagamentos registrados"
        ordering = ["paid_date", "id"]
        indexes = [
            models.Index(fields=["receivable", "paid_date"], name="payment_by_receivable"),
            models.Index(fields=["paid_date"], name="payment_by_date"),
        ]

    def __str__(self) -> str:
        return f"{self.receivable_id}: {self.amount} em {self.paid_date:%d/%m/%Y}"


class PauseReason(models.TextChoices):
    """Why a person stopped dunning a customer or a título (R4)."""

    AGREEMENT = "agreement", "Acordo de pagamento"
    PROMISE = "promise", "Promessa de pagamento"
    PROTEST = "protest", "Cartório de protesto"
    DISPUTE = "dispute", "Contestação"


class PauseQuerySet(models.QuerySet["Pause"]):
    def in_force(self, day: datetime.date) -> "PauseQuerySet":
        """Pauses that block at ``day``: not lifted, and without a date or until it (inclusive)."""
        return self.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gte=day))


class Pause(models.Model):
    """R4's "não cobrar até" set by a person in Régua, on a customer or on one título.

    Kept apart from the ERP's ``do_not_dun`` columns (which imports overwrite),
    so an import never lifts it; either one keeps the título out of a run with
    the same reason (``customer_blocked`` / ``receivable_blocked``). A lifted
    pause stays as history of who set and who lifted it.
    """

    customer = models.ForeignKey(
        Customer, models.CASCADE, null=True, blank=True, related_name="pauses"
    )
    receivable = models.ForeignKey(
        Receivable, models.CASCADE, null=True, blank=True, related_name="pauses"
    )
    until = models.DateField("não cobrar até", null=True, blank=True)
    reason = models.CharField("motivo", max_length=20, choices=PauseReason.choices)
    note = models.CharField("observação", max_length=200, blank=True)
    created_by = models.CharField("definida por", max_length=150)
    created_at = models.DateTimeField("definida em")
    lifted_by = models.CharField("retirada por", max_length=150, blank=True)
    lifted_at = models.DateTimeField("retirada em", null=True, blank=True)

    objects = PauseQuerySet.as_manager()

    class Meta:
        verbose_name = "suspensão da cobrança"
        verbose_name_plural = "suspensões da cobrança"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, receivable__isnull=True)
                | Q(customer__isnull=True, receivable__isnull=False),
                name="pause_one_target",
            ),
            # At most one pause not lifted per customer and per título.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(lifted_at__isnull=True, customer__isnull=False),
                name="pause_one_open_per_customer",
            ),
            models.UniqueConstraint(
                fields=["receivable"],
                condition=Q(lifted_at__isnull=True, receivable__isnull=False),
                name="pause_one_open_per_receivable",
            ),
        ]

    def __str__(self) -> str:
        target = self.customer if self.customer_id else self.receivable
        return f"Não cobrar {target}" + (f" até {self.until:%d/%m/%Y}" if self.until else "")

    def in_force_on(self, day: datetime.date) -> bool:
        return self.lifted_at is None and (self.until is None or day <= self.until)

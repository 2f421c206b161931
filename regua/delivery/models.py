"""E-mail settings, per-branch senders, captured messages, the shared sending pace and schedules."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.views.decorators.debug import sensitive_variables

from regua.delivery.addresses import split_addresses
from regua.delivery.encryption import decrypt, encrypt
from regua.dunning.models import DunningRun, GroupBy, Notice
from regua.receivables.models import Branch


class Security(models.TextChoices):
    NONE = "none", "Nenhuma (texto aberto)"
    STARTTLS = "starttls", "STARTTLS"
    SSL = "ssl", "SSL/TLS"


class EmailMode(models.TextChoices):
    SMTP = "smtp", "Enviar pelo servidor SMTP"
    CAPTURE = "capture", "Capturar no banco (demonstração)"


class EmailSettings(models.Model):
    """Configurar e-mail para envio (routine 1213): one row for the installation.

    The password is kept encrypted with Fernet under a key that lives outside
    the database (``regua.delivery.encryption``); nothing here ever returns it
    in clear except ``password()``, which the SMTP code alone calls.
    """

    host = models.CharField("servidor SMTP", max_length=255, blank=True)
    port = models.PositiveIntegerField("porta", default=587)
    security = models.CharField(
        "segurança", max_length=10, choices=Security.choices, default=Security.STARTTLS
    )
    ca_file = models.CharField(
        "arquivo de certificados (CA)",
        max_length=500,
        blank=True,
        help_text="para servidores com certificado próprio da empresa",
    )
    username = models.CharField("usuário", max_length=254, blank=True)
    password_encrypted = models.TextField("senha (criptografada)", blank=True, editable=False)
    from_name = models.CharField("nome do remetente", max_length=200, blank=True)
    from_email = models.CharField("e-mail do remetente", max_length=254, blank=True)
    reply_to = models.CharField("responder para", max_length=254, blank=True)
    cc = models.CharField("cópia (Cc)", max_length=1000, blank=True)
    bcc = models.CharField("cópia oculta (Cco)", max_length=1000, blank=True)
    timeout = models.PositiveIntegerField("tempo limite (segundos)", default=30)
    rate_per_minute = models.PositiveIntegerField(
        "limite de mensagens por minuto", default=0, help_text="0 = sem limite"
    )
    mode = models.CharField("modo", max_length=10, choices=EmailMode.choices, default="smtp")
    updated_at = models.DateTimeField("atualizado em", auto_now=True)
    updated_by = models.CharField("atualizado por", max_length=150, blank=True)

    class Meta:
        verbose_name = "configuração de e-mail"
        verbose_name_plural = "configuração de e-mail"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_email_settings")]
        permissions = [("configure_email", "Pode configurar e-mail para envio")]

    def __str__(self) -> str:
        return f"{self.host or '(sem servidor)'}:{self.port}"

    def __repr__(self) -> str:
        # Never the password, not even encrypted.
        return f"<EmailSettings {self.host}:{self.port} {self.security} {self.mode}>"

    @classmethod
    def load(cls) -> "EmailSettings":
        """The installation's settings, or unsaved defaults when nobody configured them."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def captures(self) -> bool:
        """Messages go to the database, never to a server (demo, development)."""
        return self.mode == EmailMode.CAPTURE or bool(settings.REGUA_EMAIL_CAPTURE)

    @property
    def is_ready(self) -> bool:
        """Enough is configured to deliver: capture mode, or a server and a sender."""
        return self.captures or bool(self.host and self.from_email)

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    @sensitive_variables("raw")
    def set_password(self, raw: str | None) -> None:
        self.password_encrypted = encrypt(raw) if raw else ""

    def password(self) -> str:
        return decrypt(self.password_encrypted) if self.password_encrypted else ""

    def cc_list(self) -> list[str]:
        return split_addresses(self.cc)

    def bcc_list(self) -> list[str]:
        return split_addresses(self.bcc)


class BranchSender(models.Model):
    """A branch's own sender name, address, reply-to and signature on its notices."""

    branch = models.OneToOneField(
        Branch, models.CASCADE, related_name="email_sender", verbose_name="filial"
    )
    from_name = models.CharField("nome do remetente", max_length=200, blank=True)
    from_email = models.CharField("e-mail do remetente", max_length=254, blank=True)
    reply_to = models.CharField("responder para", max_length=254, blank=True)
    signature = models.TextField("assinatura", blank=True)
    updated_at = models.DateTimeField("atualizado em", auto_now=True)

    class Meta:
        verbose_name = "remetente da filial"
        verbose_name_plural = "remetentes das filiais"

    def __str__(self) -> str:
        return f"{self.branch.code}: {self.from_email or '(remetente padrão)'}"


class CapturedEmail(models.Model):
    """A message kept in the database instead of being sent (capture mode)."""

    notice = models.ForeignKey(
        Notice, models.SET_NULL, null=True, blank=True, related_name="captured_emails"
    )
    created_at = models.DateTimeField("capturada em", auto_now_add=True, db_index=True)
    message_id = models.CharField("Message-ID", max_length=250)
    from_header = models.CharField("de", max_length=500)
    to = models.JSONField("para", default=list)
    cc = models.JSONField("cópia", default=list, blank=True)
    bcc = models.JSONField("cópia oculta", default=list, blank=True)
    subject = models.TextField("assunto", blank=True)
    body_text = models.TextField("texto", blank=True)
    body_html = models.TextField("HTML", blank=True)
    has_pdf = models.BooleanField("com PDF", default=False)
    raw = models.BinaryField("mensagem completa")

    class Meta:
        verbose_name = "e-mail capturado"
        verbose_name_plural = "e-mails capturados"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_id} para {', '.join(self.to)}"


class SendingPace(models.Model):
    """The rate limit shared by every worker: the moment the next message may leave.

    One row, updated under a row lock, so workers on several machines share
    one budget of messages per minute.
    """

    next_slot_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ritmo de envio"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_sending_pace")]

    def __str__(self) -> str:
        return f"próximo envio a partir de {self.next_slot_at}"


class Schedule(models.Model):
    """An automatic run: every (business) day at a time of day, as user "automatic"."""

    name = models.CharField("nome", max_length=100, unique=True)
    time_of_day = models.TimeField("horário")
    active = models.BooleanField("ativo", default=True)
    business_days_only = models.BooleanField("somente em dias úteis", default=True)
    filters = models.JSONField("filtros", default=dict, blank=True)
    group_by = models.CharField(
        "agrupamento", max_length=20, choices=GroupBy.choices, default=GroupBy.CUSTOMER
    )
    import_first = models.BooleanField(
        "importar, depois emitir",
        default=False,
        help_text="importa a pasta de importação antes; sem o arquivo do ERP de hoje, não emite",
    )
    created_at = models.DateTimeField("criado em", auto_now_add=True)
    created_by = models.CharField("criado por", max_length=150, blank=True)
    updated_at = models.DateTimeField("atualizado em", auto_now=True)

    class Meta:
        verbose_name = "agendamento"
        verbose_name_plural = "agendamentos"
        ordering = ["time_of_day", "name"]
        permissions = [("manage_schedules", "Pode gerenciar agendamentos")]

    def __str__(self) -> str:
        return f"{self.name} ({self.time_of_day:%H:%M})"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "time": f"{self.time_of_day:%H:%M}",
            "active": self.active,
            "business_days_only": self.business_days_only,
            "filters": self.filters,
            "group_by": self.group_by,
            "import_first": self.import_first,
        }


class ScheduleExecution(models.Model):
    """One day's execution of a schedule; the unique (schedule, date) lets one worker run it."""

    schedule = models.ForeignKey(Schedule, models.CASCADE, related_name="executions")
    date = models.DateField("data")
    started_at = models.DateTimeField("início", auto_now_add=True)
    finished_at = models.DateTimeField("fim", null=True, blank=True)
    worker = models.CharField("worker", max_length=100, blank=True)
    run = models.ForeignKey(DunningRun, models.SET_NULL, null=True, blank=True)
    error = models.TextField("erro", blank=True)

    class Meta:
        verbose_name = "execução de agendamento"
        verbose_name_plural = "execuções de agendamento"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="one_execution_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.schedule.name} em {self.date:%d/%m/%Y}"


class WorkerHeartbeat(models.Model):
    """A worker's sign of life, written every few seconds by its loop (``delivery.heartbeat``)."""

    worker_id = models.CharField("worker", max_length=100, unique=True)
    host = models.CharField("máquina", max_length=100, blank=True)
    pid = models.PositiveIntegerField("processo", null=True, blank=True)
    started_at = models.DateTimeField("início")
    seen_at = models.DateTimeField("visto em", db_index=True)
    stopped_at = models.DateTimeField("encerrado em", null=True, blank=True)
    delivered = models.PositiveIntegerField("cartas tratadas", default=0)
    last_delivery_at = models.DateTimeField("última entrega", null=True, blank=True)

    class Meta:
        verbose_name = "sinal de vida de worker"
        verbose_name_plural = "sinais de vida de workers"
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} visto em {self.seen_at:%d/%m/%Y %H:%M:%S}"

from django.core.exceptions import ValidationError
from django.db import models


class LetterTemplate(models.Model):
    """Modelo de relatório 1, 2 or 3: subject, e-mail bodies and letter of one kind of notice.

    Every text is a Jinja2 template rendered in a sandbox (never Django's
    template language, which is not one). Change templates through
    ``regua.letters.editing.save_template``: it validates, inlines the e-mail's
    CSS into ``body_html_ready`` and writes the audit log.
    """

    number = models.PositiveSmallIntegerField("número", unique=True)
    name = models.CharField("nome", max_length=100)
    subject = models.CharField("assunto", max_length=300)
    body_text = models.TextField("e-mail (texto)")
    body_html = models.TextField("e-mail (HTML)", blank=True)
    letter_html = models.TextField("carta (HTML)", blank=True)
    # body_html with its <style> rules moved into style="" attributes (Gmail and
    # Outlook drop <style>), computed when the template is saved.
    body_html_ready = models.TextField("e-mail (HTML com CSS embutido)", blank=True, editable=False)
    # Written as text blocks (``regua.letters.blocks``): subject and bodies are then
    # built from these on save, around the package's layout; else they are the
    # author's own Jinja.
    uses_blocks = models.BooleanField("editado por blocos de texto", default=False)
    block_subject = models.CharField("assunto (texto)", max_length=300, blank=True)
    block_greeting_company = models.TextField("saudação a uma empresa", blank=True)
    block_greeting_person = models.TextField("saudação a uma pessoa", blank=True)
    block_opening = models.TextField("abertura", blank=True)
    block_demand = models.TextField("pedido de pagamento", blank=True)
    block_reminder = models.TextField("lembrete sem nada vencido", blank=True)
    block_closing = models.TextField("despedida", blank=True)
    updated_at = models.DateTimeField("atualizado em", auto_now=True)

    class Meta:
        verbose_name = "modelo de carta"
        verbose_name_plural = "modelos de carta"
        ordering = ["number"]
        permissions = [("manage_templates", "Pode gerenciar modelos de carta")]

    def __str__(self) -> str:
        return f"{self.number} - {self.name}"

    def clean(self) -> None:
        """The sandbox's checks, for forms: each error on the part it belongs to."""
        from regua.letters.sandbox import validate_template

        errors: dict[str, list[str]] = {}
        for error in validate_template(self.fields()):
            errors.setdefault(error.part, []).append(str(error))
        if errors:
            raise ValidationError(errors)

    def fields(self) -> dict[str, str]:
        """The editable parts, as ``validate_template``, ``preview`` and exports take them."""
        return {name: getattr(self, name) for name in TEMPLATE_PARTS}


# The editable parts of a template, in the order they are shown and exported.
TEMPLATE_PARTS = ("name", "subject", "body_text", "body_html", "letter_html")
# A template written as text blocks: the switch and the blocks (``blocks.py``).
BLOCK_PARTS = (
    "uses_blocks",
    "block_subject",
    "block_greeting_company",
    "block_greeting_person",
    "block_opening",
    "block_demand",
    "block_reminder",
    "block_closing",
)


class LetterSettings(models.Model):
    """One row: what the default "Notificação extrajudicial" says about what comes next.

    The text names a law only when the company writes one in ``legal_basis``:
    the default claims nothing it has not configured.
    """

    final_notice_days = models.PositiveSmallIntegerField(
        "prazo da notificação extrajudicial (dias)",
        default=10,
        help_text="dias, a partir da data de referência, para regularizar antes das medidas",
    )
    final_notice_measures = models.CharField(
        "medidas após o prazo",
        max_length=300,
        default="o encaminhamento dos títulos vencidos a protesto e o registro do débito "
        "em cadastro de proteção ao crédito",
    )
    final_notice_legal_basis = models.CharField(
        "fundamento legal (opcional)",
        max_length=300,
        blank=True,
        help_text="por exemplo a lei que a empresa segue para protesto; vazio, nenhuma lei é citada",
    )
    post_emailed_letters = models.BooleanField(
        "postar também as cartas enviadas por e-mail",
        default=False,
        help_text="ao aprovar uma carta de faixa Email e Carta, ela vai por e-mail e também "
        "para a fila de impressão, quando o cliente tem endereço postal",
    )
    updated_at = models.DateTimeField("atualizado em", auto_now=True)

    class Meta:
        verbose_name = "configuração das cartas"
        verbose_name_plural = "configurações das cartas"

    def __str__(self) -> str:
        return "Configuração das cartas"

    @classmethod
    def load(cls) -> "LetterSettings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings


class PrintBatch(models.Model):
    """Lote de impressão: numbered letters for window envelopes, one PDF, posted together.

    A batch knows its notices (``Notice.print_batch``): a letter enters one batch
    only; printing a batch again is an explicit reprint. Built in the background
    (``regua.letters.printing``), with its progress in ``done`` of ``total``.
    """

    class State(models.TextChoices):
        BUILDING = "building", "em preparação"
        READY = "ready", "pronto para imprimir"
        FAILED = "failed", "falhou"
        POSTED = "posted", "postado"

    number = models.PositiveIntegerField("número", unique=True)
    state = models.CharField(
        "situação", max_length=20, choices=State.choices, default=State.BUILDING
    )
    created_at = models.DateTimeField("criado em", auto_now_add=True)
    created_by = models.CharField("criado por", max_length=150)
    total = models.PositiveIntegerField("cartas", default=0)
    done = models.PositiveIntegerField("cartas prontas", default=0)
    discarded = models.PositiveIntegerField("descartadas por pagamento", default=0)
    pdf = models.BinaryField("PDF do lote", null=True, blank=True)
    error = models.TextField("erro", blank=True)
    printed_times = models.PositiveIntegerField("vezes impresso", default=0)
    posted_at = models.DateTimeField("postado em", null=True, blank=True)
    posted_by = models.CharField("postado por", max_length=150, blank=True)

    class Meta:
        verbose_name = "lote de impressão"
        verbose_name_plural = "lotes de impressão"
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Lote {self.number}"

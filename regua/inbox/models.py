"""What the import folder did with each file, known by its content (SHA-256)."""

from django.db import models


class InboxStatus(models.TextChoices):
    PROCESSING = "processing", "Importando"
    APPLIED = "applied", "Importado"
    DUPLICATE = "duplicate", "Repetido (mesmo conteúdo)"
    WAITING = "waiting", "Aguardando dados de que depende"
    HELD = "held", "Aguardando confirmação"
    REFUSED = "refused", "Recusado"


class InboxFile(models.Model):
    """One file content the folder saw; ERPs reuse names, so the content is the key."""

    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    name = models.CharField("arquivo", max_length=255)
    kind = models.CharField("tipo", max_length=30, blank=True)
    snapshot = models.BooleanField("carga completa", default=False)
    size = models.BigIntegerField("tamanho")
    modified_at = models.DateTimeField("modificado em")
    status = models.CharField("situação", max_length=12, choices=InboxStatus.choices)
    first_seen_at = models.DateTimeField("visto em")
    decided_at = models.DateTimeField("decidido em", null=True, blank=True)
    attempts = models.PositiveIntegerField("tentativas", default=0)
    summary = models.TextField("resumo", blank=True)
    moved_to = models.CharField("movido para", max_length=500, blank=True)

    class Meta:
        verbose_name = "arquivo da pasta de importação"
        verbose_name_plural = "arquivos da pasta de importação"
        ordering = ["-first_seen_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"], name="inbox_by_status")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display().lower()})"

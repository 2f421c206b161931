"""The web app's own table: review batches (approving or discarding many letters at once).

This module also makes Django send ``post_migrate`` for this app (it does so only
for apps with a models module): the seeded groups are refreshed there, after the
permissions of the apps listed before it have been created.
"""

from django.db import models


class ReviewAction(models.TextChoices):
    APPROVE = "approve", "Aprovar"
    DISCARD = "discard", "Descartar"


class ReviewBatch(models.Model):
    """Many held letters approved or discarded with one click, worked in the background (R8).

    The counters grow as the work goes; the page polls them for its progress bar.
    """

    action = models.CharField("ação", max_length=10, choices=ReviewAction.choices)
    reason = models.CharField("motivo", max_length=200, blank=True)
    user = models.CharField("usuário", max_length=150)
    notice_ids = models.JSONField("cartas", default=list)
    total = models.PositiveIntegerField("total", default=0)
    approved = models.PositiveIntegerField("aprovadas", default=0)
    discarded = models.PositiveIntegerField("descartadas", default=0)
    paid = models.PositiveIntegerField("descartadas por pagamento", default=0)
    refused = models.PositiveIntegerField("não alteradas", default=0)
    created_at = models.DateTimeField("criado em", auto_now_add=True)
    finished_at = models.DateTimeField("concluído em", null=True, blank=True)
    error = models.TextField("erro", blank=True)

    class Meta:
        verbose_name = "revisão em lote"
        verbose_name_plural = "revisões em lote"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Revisão em lote {self.pk} ({self.get_action_display()})"

    @property
    def done(self) -> int:
        return self.approved + self.discarded + self.paid + self.refused

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)

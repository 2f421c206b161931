from django.db import models


class AuditEntry(models.Model):
    """One change or decision, with who made it: every later feature writes here (R11)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.CharField("usuário", max_length=150)
    action = models.CharField("ação", max_length=80)
    object_type = models.CharField("tipo do objeto", max_length=80, blank=True)
    object_id = models.CharField("objeto", max_length=80, blank=True)
    description = models.TextField("descrição", blank=True)
    changes = models.JSONField("alterações", default=dict, blank=True)

    class Meta:
        verbose_name = "registro de auditoria"
        verbose_name_plural = "registros de auditoria"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        permissions = [("manage_users", "Pode gerenciar usuários")]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.user}: {self.action}"

from django.db import models
from django.utils import timezone


class LoginAttempt(models.Model):
    """One failed login, kept in the database so every web worker sees the same count."""

    username = models.CharField("usuário", max_length=150)
    ip_address = models.GenericIPAddressField("endereço IP", null=True, blank=True)
    attempted_at = models.DateTimeField("quando", default=timezone.now)

    class Meta:
        verbose_name = "tentativa de acesso com falha"
        verbose_name_plural = "tentativas de acesso com falha"
        ordering = ["-attempted_at", "-id"]
        indexes = [
            models.Index(fields=["username", "attempted_at"], name="attempt_by_username"),
            models.Index(fields=["ip_address", "attempted_at"], name="attempt_by_ip"),
            models.Index(fields=["attempted_at"], name="attempt_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.attempted_at:%d/%m/%Y %H:%M} {self.username} ({self.ip_address or '?'})"

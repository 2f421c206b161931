from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token an integration uses to call the API as one Régua user.

    Only the SHA-256 of the token is stored, with a short prefix that lets a
    person tell tokens apart in a list: the token itself is shown once, when
    it is created, and cannot be read back.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name="usuário"
    )
    name = models.CharField("nome", max_length=100, blank=True)
    prefix = models.CharField("início do token", max_length=16, db_index=True)
    token_hash = models.CharField("SHA-256 do token", max_length=64, unique=True)
    created_at = models.DateTimeField("criado em", auto_now_add=True)
    created_by = models.CharField("criado por", max_length=150, blank=True)
    last_used_at = models.DateTimeField("último uso", null=True, blank=True)
    revoked_at = models.DateTimeField("revogado em", null=True, blank=True)

    class Meta:
        verbose_name = "token de API"
        verbose_name_plural = "tokens de API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        label = self.name or "sem nome"
        return f"{self.prefix}… ({label}, {self.user})"

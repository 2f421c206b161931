from django.db import models


class LetterTemplate(models.Model):
    """Modelo de relatório 1, 2 or 3: subject, e-mail bodies and letter of one kind of notice.

    Every text is a Jinja2 template rendered in a sandbox (never Django's
    template language, which is not one).
    """

    number = models.PositiveSmallIntegerField("número", unique=True)
    name = models.CharField("nome", max_length=100)
    subject = models.CharField("assunto", max_length=300)
    body_text = models.TextField("e-mail (texto)")
    body_html = models.TextField("e-mail (HTML)", blank=True)
    letter_html = models.TextField("carta (HTML)", blank=True)
    updated_at = models.DateTimeField("atualizado em", auto_now=True)

    class Meta:
        verbose_name = "modelo de carta"
        verbose_name_plural = "modelos de carta"
        ordering = ["number"]
        permissions = [("manage_templates", "Pode gerenciar modelos de carta")]

    def __str__(self) -> str:
        return f"{self.number} - {self.name}"

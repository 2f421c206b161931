"""Menu entries that depend on the installation's state, not only on permissions."""

from django import template

from regua.delivery.models import CapturedEmail, EmailSettings

register = template.Library()


@register.simple_tag
def shows_captured_emails() -> bool:
    """ "E-mails capturados" is offered while capture mode is on or some message was captured."""
    return EmailSettings.load().captures or CapturedEmail.objects.exists()

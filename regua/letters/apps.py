from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_templates(sender: AppConfig, plan: list | None = None, **kwargs: Any) -> None:
    # Also after a flush (plan is None then); never on the way back down.
    if plan and any(backwards for _, backwards in plan):
        return
    from regua.letters.editing import ensure_default_templates

    ensure_default_templates()


class LettersConfig(AppConfig):
    verbose_name = "Modelos de carta"
    name = "regua.letters"
    label = "letters"

    def ready(self) -> None:
        post_migrate.connect(_ensure_templates, sender=self)

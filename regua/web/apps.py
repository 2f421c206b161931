from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_groups(sender: AppConfig, **kwargs: Any) -> None:
    from regua.web.groups import sync_groups

    sync_groups()


class WebConfig(AppConfig):
    name = "regua.web"
    label = "web"
    verbose_name = "Páginas"

    def ready(self) -> None:
        # The web app is listed after the apps whose permissions it groups, so
        # when its post_migrate runs their permissions already exist.
        post_migrate.connect(_sync_groups, sender=self, dispatch_uid="regua.web.sync_groups")

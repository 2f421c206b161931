from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "regua.access"
    label = "access"
    verbose_name = "Acesso"

    def ready(self) -> None:
        from regua.access import signals  # noqa: F401  (connects the receivers)

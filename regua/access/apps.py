from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "regua.access"
    label = "access"
    verbose_name = "Acesso"

    def ready(self) -> None:
        from regua.access import checks, signals  # noqa: F401  (registers them)

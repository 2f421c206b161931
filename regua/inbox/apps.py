from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "regua.inbox"
    verbose_name = "Pasta de importação"

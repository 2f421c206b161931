from django.apps import AppConfig


class DunningConfig(AppConfig):
    verbose_name = "Cobrança"
    name = "regua.dunning"
    label = "dunning"

from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    verbose_name = "Títulos a receber"
    name = "regua.receivables"
    label = "receivables"

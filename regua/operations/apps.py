from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "regua.operations"
    verbose_name = "Operação"

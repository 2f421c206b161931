from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "regua.access"
    label = "access"
    verbose_name = "Acesso"

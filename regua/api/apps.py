from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "regua.api"
    label = "api"

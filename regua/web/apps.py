from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "regua.web"
    label = "web"

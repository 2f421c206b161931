from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    verbose_name = "Envio de e-mail"
    name = "regua.delivery"
    label = "delivery"

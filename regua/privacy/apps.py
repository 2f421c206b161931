from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "regua.privacy"
    label = "privacy"
    verbose_name = "Privacidade (LGPD)"

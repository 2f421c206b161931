from django.apps import AppConfig


class LettersConfig(AppConfig):
    verbose_name = "Modelos de carta"
    name = "regua.letters"
    label = "letters"

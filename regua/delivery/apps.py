from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    verbose_name = "Envio de e-mail"
    name = "regua.delivery"
    label = "delivery"

    def ready(self) -> None:
        # Captured e-mails are copies of notices: LGPD's redaction and pruning reach them.
        from regua.delivery import privacy

        privacy.connect()

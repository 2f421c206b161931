from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "regua.privacy"
    label = "privacy"
    verbose_name = "Privacidade (LGPD)"

    def ready(self) -> None:
        # Captured e-mails are copies of notices: LGPD's redaction and pruning reach them.
        from regua.privacy import captured_emails

        captured_emails.connect()

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "regua.privacy"
    label = "privacy"
    verbose_name = "Privacidade (LGPD)"

    def ready(self) -> None:
        # Captured e-mails are copies of notices: LGPD's redaction and pruning reach them.
        from regua.privacy import captured_emails, print_batches

        captured_emails.connect()
        # So are the print batches' PDFs, which hold the letters.
        print_batches.connect()

"""regua restore FILE: a backup put in place in an empty data folder, then migrated."""

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from regua.operations.backups import BackupError, encryption_key_present, restore


class Command(BaseCommand):
    help = (
        "Restaura uma cópia feita por `regua backup` numa pasta de dados vazia "
        "(REGUA_DATA_DIR nova) e aplica as migrações. Nunca sobrescreve um banco com dados."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="ARQUIVO", help="cópia feita por regua backup")

    def handle(self, *args: Any, **options: Any) -> None:
        connections.close_all()
        try:
            copied = restore(Path(options["file"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Banco restaurado em {copied.path}.")
        from regua.delivery.models import EmailSettings

        if EmailSettings.objects.exclude(password_encrypted="").exists() and not (
            encryption_key_present()
        ):
            self.stderr.write(
                "A senha do e-mail está guardada criptografada e a chave não está aqui: copie o "
                "arquivo de chave guardado à parte para a pasta de dados (encryption.key) ou "
                "defina REGUA_ENCRYPTION_KEY antes de enviar. Sem ela, informe a senha de novo "
                "(regua email configure … --password-stdin)."
            )

"""regua backup FILE: a consistent copy of the SQLite database, taken while Régua runs."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from regua import ptbr
from regua.operations.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Copia o banco SQLite para ARQUIVO enquanto o Régua funciona (API de cópia online do "
        "SQLite). A chave de criptografia não vai na cópia: guarde-a à parte. No PostgreSQL, "
        "use pg_dump."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="ARQUIVO", help="arquivo da cópia (não pode existir)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            copied = backup(Path(options["file"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Cópia gravada em {copied.path} ({ptbr.integer(copied.size // 1024)} KB, "
            f"{ptbr.count(copied.tables, 'tabela', 'tabelas')}, integridade conferida)."
        )
        self.stdout.write(
            "A chave de criptografia da senha do e-mail não está na cópia: guarde "
            f"{settings.REGUA_ENCRYPTION_KEY_PATH} (ou REGUA_ENCRYPTION_KEY) em outro lugar."
        )

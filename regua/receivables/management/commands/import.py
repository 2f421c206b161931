"""regua import branches|collection-types|customers|receivables|payments FILE"""

import sys
from argparse import ArgumentParser
from contextlib import ExitStack
from typing import Any, BinaryIO, Final

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from regua import ptbr
from regua.audit.cli import acting_user, add_user_argument
from regua.receivables.importing import KINDS, ImportResult, import_file, write_rejects
from regua.receivables.importing.report import REPORT_FORMATS, write_report

LISTED: Final = 50


class Command(BaseCommand):
    # Imports run from cron, over and over: the system checks (which import
    # every URL and view) would cost each run about a second before any work.
    requires_system_checks: list[str] = []
    help = (
        "Importa filiais, tipos de cobrança, clientes, títulos ou pagamentos de um CSV "
        "ou XLSX. Por padrão o arquivo entra inteiro ou não entra."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=list(KINDS), help="o que o arquivo contém")
        parser.add_argument("file", help="caminho do arquivo CSV ou XLSX (- para a entrada padrão)")
        parser.add_argument(
            "--snapshot",
            action="store_true",
            help="títulos: o arquivo é a lista completa dos títulos em aberto das suas filiais; "
            "os que não constarem são baixados",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="importa as linhas boas e rejeita as ruins (em vez de não importar nada)",
        )
        parser.add_argument(
            "--rejects", metavar="PATH", help="grava as linhas rejeitadas, com o motivo, em PATH"
        )
        parser.add_argument(
            "--report",
            metavar="PATH",
            help="grava os erros e avisos da importação em PATH (um por linha)",
        )
        parser.add_argument(
            "--format",
            dest="report_format",
            choices=REPORT_FORMATS,
            default="csv",
            help="formato de --report: csv (para programas, o padrão) ou csv-br (planilhas)",
        )
        add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options, "receivables.import_data")
        kind, path = options["kind"], options["file"]
        if options["snapshot"] and kind != "receivables":
            raise CommandError("--snapshot só vale para a importação de títulos (receivables).")
        with ExitStack() as stack:
            if path == "-":
                stream: BinaryIO = sys.stdin.buffer
            else:
                try:
                    stream = stack.enter_context(open(path, "rb"))  # noqa: SIM115
                except OSError as exc:
                    raise CommandError(f"Não foi possível abrir {path}: {exc.strerror}.") from None
            bar = None
            if sys.stderr.isatty():
                from tqdm import tqdm  # only for a person watching

                bar = stack.enter_context(tqdm(unit=" linhas", desc="Importando", leave=False))

            def progress(rows: int) -> None:
                assert bar is not None
                bar.update(rows - bar.n)

            try:
                result = import_file(
                    kind,
                    stream,
                    filename=path,
                    user=user,
                    snapshot=options["snapshot"],
                    skip_invalid=options["skip_invalid"],
                    progress=progress if bar is not None else None,
                )
            except DatabaseError as exc:
                # Locked, unreachable or full: nothing was written (one transaction).
                raise CommandError(
                    f"O banco de dados recusou a importação; nada foi gravado ({exc})."
                ) from None
        self.report(result, options.get("rejects"))
        if options.get("report"):
            try:
                count = write_report(result, options["report"], options["report_format"])
            except OSError as exc:
                raise CommandError(
                    f"Não foi possível gravar {options['report']}: {exc.strerror}."
                ) from None
            noun = "problema" if count == 1 else "problemas"
            self.stdout.write(
                f"{count} {noun} gravado{'s' if count != 1 else ''} em {options['report']}."
            )
        if not result.ok:
            raise CommandError(result.summary())

    def report(self, result: ImportResult, rejects: str | None) -> None:
        if result.ignored_columns:
            self.stdout.write("Colunas ignoradas: " + ", ".join(result.ignored_columns))
        for warning in result.warnings[:LISTED]:
            self.stdout.write(f"Aviso: {warning}")
        if result.warning_count > LISTED:
            more = result.warning_count - LISTED
            self.stdout.write(f"… e mais {ptbr.count(more, 'aviso', 'avisos')}.")
        for error in result.errors[:LISTED]:
            self.stderr.write(f"Erro: {error}")
        if result.error_count > LISTED:
            more = result.error_count - LISTED
            self.stderr.write(f"… e mais {ptbr.count(more, 'erro', 'erros')}.")
        if rejects and result.rejected_count:
            count = write_rejects(result, rejects)
            lines = ptbr.count(count, "linha rejeitada gravada", "linhas rejeitadas gravadas")
            self.stdout.write(f"{lines} em {rejects}.")
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.summary()))

"""regua inbox scan [--once] | status [--json] | confirm ID: the ERP's files, picked up."""

import json
import signal
import threading
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from regua import ptbr
from regua.audit.cli import acting_user, add_user_argument
from regua.inbox.folder import Inbox, InboxError, configured_folder, status_counts
from regua.inbox.models import InboxFile, InboxStatus


class Command(BaseCommand):
    help = "Pasta de importação: importa os arquivos que o ERP deixa numa pasta (REGUA_INBOX_DIR)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        scan = actions.add_parser("scan", help="importa os arquivos novos")
        scan.add_argument("--once", action="store_true", help="uma varredura e termina")
        scan.add_argument(
            "--interval", type=float, default=30.0, help="segundos entre varreduras (30)"
        )
        status = actions.add_parser("status", help="o que a pasta fez")
        status.add_argument("--json", action="store_true", help="saída em JSON")
        for sub in (scan, status):
            sub.add_argument(
                "--folder", help="pasta de importação (padrão: REGUA_INBOX_DIR)", default=None
            )
        confirm = actions.add_parser("confirm", help="aplica uma carga completa retida")
        confirm.add_argument("id", type=int, help="número do arquivo (regua inbox status)")
        add_user_argument(confirm)

    def _inbox(self, options: dict[str, Any]) -> Inbox:
        folder = Path(options["folder"]) if options.get("folder") else configured_folder()
        if folder is None:
            raise CommandError(
                "Nenhuma pasta de importação configurada: defina REGUA_INBOX_DIR ou use --folder."
            )
        return Inbox(folder)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except InboxError as error:
            raise CommandError(str(error)) from None

    def _scan(self, options: dict[str, Any]) -> None:
        inbox = self._inbox(options)
        stop = threading.Event()
        if not options["once"]:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        while True:
            close_old_connections()
            outcomes = inbox.scan()
            if options["once"]:
                for outcome in outcomes:
                    self.stdout.write(
                        f"{outcome.name}: {InboxStatus(outcome.status).label}. {outcome.summary}"
                    )
                if not outcomes:
                    self.stdout.write("Nenhum arquivo novo na pasta de importação.")
                return
            if stop.wait(options["interval"]):
                return

    def _status(self, options: dict[str, Any]) -> None:
        counts = status_counts()
        recent = list(InboxFile.objects.order_by("-first_seen_at", "-id")[:20])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "folder": str(options.get("folder") or configured_folder() or ""),
                        "counts": dict(counts),
                        "files": [
                            {
                                "id": f.pk,
                                "name": f.name,
                                "kind": f.kind,
                                "snapshot": f.snapshot,
                                "sha256": f.sha256,
                                "status": f.status,
                                "modified_at": f.modified_at.isoformat(),
                                "first_seen_at": f.first_seen_at.isoformat(),
                                "decided_at": f.decided_at.isoformat() if f.decided_at else None,
                                "attempts": f.attempts,
                                "summary": f.summary,
                                "moved_to": f.moved_to,
                            }
                            for f in recent
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        total = sum(counts.values())
        self.stdout.write(
            f"Pasta de importação: {options.get('folder') or configured_folder() or '(não configurada)'}"
        )
        if not total:
            self.stdout.write("Nenhum arquivo tratado ainda.")
            return
        self.stdout.write(
            ptbr.count(total, "arquivo tratado", "arquivos tratados")
            + ": "
            + ", ".join(
                f"{ptbr.integer(counts[s.value])} {s.label.lower()}"
                for s in InboxStatus
                if counts[s.value]
            )
        )
        for f in recent:
            self.stdout.write(f"{f.pk:>5}  {f.name}  {f.get_status_display()}  {f.summary}")

    def _confirm(self, options: dict[str, Any]) -> None:
        user = acting_user(options, "receivables.import_data")
        row = InboxFile.objects.filter(pk=options["id"]).first()
        if row is None:
            raise CommandError(f"Arquivo {options['id']} não encontrado (veja regua inbox status).")
        folder = Path(row.moved_to).parent.parent
        outcome = Inbox(folder).confirm(row, user)
        self.stdout.write(f"{outcome.name}: {InboxStatus(outcome.status).label}. {outcome.summary}")
        if outcome.status != InboxStatus.APPLIED:
            raise SystemExit(1)

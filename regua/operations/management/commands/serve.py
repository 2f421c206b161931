"""regua serve: the web server, the delivery worker and the scheduler, supervised.

gunicorn serves the pages, the API and the static files (WhiteNoise): it is the
WSGI server Django's deployment guide names first, pure Python, kept by a
steady team, and its master process already restarts a dead web process.
"""

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from regua.operations.logs import stdout_logger
from regua.operations.supervisor import Child, Supervisor


def is_sqlite() -> bool:
    return str(settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3")


def busy_timeout() -> float:
    return float(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 30))


def default_workers() -> int:
    """SQLite has one writer: one (threaded) web process. PostgreSQL: two per core, at most 8."""
    if is_sqlite():
        return 1
    return min(2 * (os.cpu_count() or 1), 8)


class Command(BaseCommand):
    help = (
        "Serve o Régua em produção: servidor web (gunicorn: páginas, API e arquivos estáticos), "
        "o worker de envio e os agendamentos, numa árvore de processos supervisionada."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("REGUA_BIND", "127.0.0.1:8000"),
            help="endereço e porta do servidor web (padrão: 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="processos web (padrão: 1 no SQLite; no PostgreSQL, 2 por núcleo, até 8)",
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="linhas de execução por processo web (4)"
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="só o servidor web (os workers rodam em outras máquinas)",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="não aplica as migrações ao iniciar (instalações com vários servidores web)",
        )
        parser.add_argument(
            "--log-json", action="store_true", help="registros em JSON, um por linha"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"] or default_workers()
        if workers < 1 or options["threads"] < 1:
            raise CommandError("--workers e --threads precisam ser pelo menos 1.")
        os.environ["REGUA_PROCESS_NAME"] = "serve"
        log = stdout_logger("regua.serve", options["log_json"])
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        connections.close_all()

        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "REGUA_LOG_FORMAT": "json" if options["log_json"] else "line",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        }
        # A request waits for SQLite's write lock up to the busy timeout, then
        # answers 503 (regua.operations.middleware); gunicorn's own timeout is
        # above it, so the request is answered, never cut off.
        timeout = int(busy_timeout()) + 30
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:regua.operations.gunicorn_conf",
            "--bind",
            options["bind"],
            "--workers",
            str(workers),
            "--threads",
            str(options["threads"]),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            str(timeout),
        ]
        children = [Child("web", web, {**env, "REGUA_PROCESS_NAME": "web"})]
        if not options["no_worker"]:
            children.append(
                Child(
                    "worker",
                    [sys.executable, "-m", "regua", "worker"],
                    {**env, "REGUA_PROCESS_NAME": "worker"},
                )
            )
            if getattr(settings, "REGUA_INBOX_DIR", ""):
                # The ERP's files picked up (regua.inbox), beside the worker.
                children.append(
                    Child(
                        "inbox",
                        [sys.executable, "-m", "regua", "inbox", "scan"],
                        {**env, "REGUA_PROCESS_NAME": "inbox"},
                    )
                )
        log.info(
            "regua serve em http://%s/ (%s; %d %s web, %d linhas cada%s)",
            options["bind"],
            "SQLite" if is_sqlite() else "PostgreSQL",
            workers,
            "processo" if workers == 1 else "processos",
            options["threads"],
            "" if options["no_worker"] else "; worker e agendamentos",
            extra={"event": "serve", "bind": options["bind"], "workers": workers},
        )
        if is_sqlite() and workers > 1:
            log.warning(
                "SQLite grava um de cada vez: %d processos web só disputam a trava de gravação "
                "(use PostgreSQL para vários processos)",
                workers,
                extra={"event": "warning"},
            )
        code = Supervisor(children, log).run()
        if code:
            raise SystemExit(code)

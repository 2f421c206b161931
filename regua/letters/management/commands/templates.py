"""regua templates: export, import and inspect the letter templates (modelos 1, 2, 3)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from regua.audit.cli import acting_user
from regua.letters import editing
from regua.letters.blocks import PLACEHOLDERS
from regua.letters.management.commands._cli import add_subcommand, subcommands
from regua.letters.models import LetterSettings
from regua.letters.sandbox import FILTERS, VARIABLES

FORMATS = """Formatos: um arquivo .json ({"format": "regua-templates", "version": 1,
"templates": [{"number": 1, "name": ..., "subject": ..., "body_text": ...,
"body_html": ..., "letter_html": ...}, ...]}) ou uma pasta com uma subpasta por
modelo (1, 2, 3), cada uma com name.txt, subject.txt, body.txt, body.html e
letter.html."""


class Command(BaseCommand):
    help = "Exporta, importa e mostra os modelos de carta (1, 2 e 3)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = subcommands(parser)
        export = add_subcommand(
            actions,
            parser,
            "export",
            "Grava os modelos em DESTINO: um arquivo .json, ou uma pasta (criada se faltar).",
            FORMATS,
        )
        export.add_argument("path", metavar="DESTINO", type=Path)
        imp = add_subcommand(
            actions,
            parser,
            "import",
            "Lê os modelos de ORIGEM (arquivo .json ou pasta, como o export grava) e os salva; "
            "um modelo com erro recusa a importação inteira.",
            FORMATS,
        )
        source = imp.add_mutually_exclusive_group(required=True)
        source.add_argument("path", metavar="ORIGEM", type=Path, nargs="?")
        source.add_argument(
            "--defaults", action="store_true", help="restaura os três modelos que vêm com o Régua"
        )
        add_subcommand(actions, parser, "variables", "Lista as variáveis e filtros dos modelos.")
        settings = add_subcommand(
            actions,
            parser,
            "settings",
            "Mostra ou altera o prazo e as medidas da notificação extrajudicial (modelo 3) e "
            "se as cartas enviadas por e-mail também vão pelo correio.",
        )
        settings.add_argument("--notice-days", type=int, metavar="DIAS", help="prazo em dias")
        settings.add_argument("--measures", metavar="TEXTO", help="medidas após o prazo")
        settings.add_argument(
            "--legal-basis", metavar="TEXTO", help="fundamento legal citado (vazio: nenhum)"
        )
        settings.add_argument(
            "--post-emailed-letters",
            choices=["sim", "nao"],
            help="postar também as cartas enviadas por e-mail (padrão: nao)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "handle_" + options["action"])(options)

    def handle_export(self, options: dict[str, Any]) -> None:
        path = editing.export_templates(options["path"])
        self.stdout.write(f"Modelos exportados para {path}")

    def handle_import(self, options: dict[str, Any]) -> None:
        user = acting_user(options, editing.PERMISSION)
        try:
            templates = (
                editing.default_templates()
                if options["defaults"]
                else editing.read_templates(options["path"])
            )
            saved = editing.import_templates(templates, user)
        except editing.ImportRefused as exc:
            raise CommandError(
                "Importação recusada, nenhum modelo foi alterado:\n  " + "\n  ".join(exc.problems)
            ) from None
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=2) from None
        for template in saved:
            self.stdout.write(f"Modelo {template.number} - {template.name}: salvo")

    def handle_variables(self, options: dict[str, Any]) -> None:
        self.stdout.write("Variáveis:")
        for variable in VARIABLES:
            self.stdout.write(f"  {variable.name:28} {variable.description}")
        self.stdout.write("Filtros ({{ valor|filtro }}):")
        for item in FILTERS:
            self.stdout.write(f"  {item.name:28} {item.description}")
        self.stdout.write("Marcadores dos blocos de texto (editados na página do modelo):")
        for placeholder in PLACEHOLDERS:
            self.stdout.write(f"  {'[' + placeholder.name + ']':28} {placeholder.description}")

    def handle_settings(self, options: dict[str, Any]) -> None:
        changes = {
            name: options[option]
            for name, option in (
                ("final_notice_days", "notice_days"),
                ("final_notice_measures", "measures"),
                ("final_notice_legal_basis", "legal_basis"),
            )
            if options[option] is not None
        }
        if options["post_emailed_letters"] is not None:
            changes["post_emailed_letters"] = options["post_emailed_letters"] == "sim"
        if changes:
            user = acting_user(options, editing.PERMISSION)
            try:
                settings = editing.save_letter_settings(user, **changes)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages), returncode=2) from None
            except PermissionDenied as exc:
                raise CommandError(str(exc), returncode=2) from None
        else:
            settings = LetterSettings.load()
        self.stdout.write(f"Prazo da notificação extrajudicial: {settings.final_notice_days} dias")
        self.stdout.write(f"Medidas após o prazo: {settings.final_notice_measures}")
        self.stdout.write(
            f"Fundamento legal: {settings.final_notice_legal_basis or '(nenhum citado)'}"
        )
        self.stdout.write(
            "Postar também as cartas enviadas por e-mail: "
            + ("sim" if settings.post_emailed_letters else "não")
        )

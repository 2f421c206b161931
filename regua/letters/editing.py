"""Changing templates: one way in for the web page, the API and `regua templates import`.

``save_template`` refuses a template with problems (each naming its part and
line), inlines the HTML e-mail's CSS, saves and writes the audit log.
Templates travel as a JSON file or as a folder with one sub-folder per
template number holding ``name.txt``, ``subject.txt``, ``body.txt``,
``body.html`` and ``letter.html`` (the layout of ``letters/defaults/``).
"""

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from regua.access.permissions import User, actor_name
from regua.audit import log
from regua.letters import blocks
from regua.letters.inlining import inline_css
from regua.letters.models import (
    BLOCK_PARTS,
    TEMPLATE_PARTS,
    LetterSettings,
    LetterTemplate,
)
from regua.letters.sandbox import TemplateInvalid, TemplateProblem, validate_template

PERMISSION = "letters.manage_templates"
DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
FILE_NAMES = {
    "name": "name.txt",
    "subject": "subject.txt",
    "body_text": "body.txt",
    "body_html": "body.html",
    "letter_html": "letter.html",
}
NUMBERS = (1, 2, 3)
FORMAT_VERSION = 1


@transaction.atomic
def save_template(number: int, fields: dict[str, Any], user: User) -> LetterTemplate:
    """Validate and save template ``number`` (1, 2 or 3); raises TemplateInvalid, PermissionDenied.

    With ``uses_blocks`` true, the subject and bodies are built from the text
    blocks (``blocks.template_sources``); without it they are taken as given and
    the blocks, when sent, are kept for a later switch back.
    """
    name = actor_name(user, PERMISSION)
    if number not in NUMBERS:
        raise TemplateInvalid(
            [TemplateProblem("name", None, f"modelo {number} não existe (1, 2 ou 3)")]
        )
    values: dict[str, Any] = {part: fields.get(part, "") for part in TEMPLATE_PARTS}
    values["name"] = values["name"].strip()
    template = LetterTemplate.objects.select_for_update().filter(number=number).first()
    block_values: dict[str, Any] = {
        part: fields[part] if part in fields else getattr(template, part, "")
        for part in BLOCK_PARTS
    }
    block_values["uses_blocks"] = bool(fields.get("uses_blocks"))
    if block_values["uses_blocks"]:
        values.update(blocks.template_sources(values["name"], block_values))
    problems = validate_template(values)
    if problems:
        raise TemplateInvalid(problems)
    audited = [*TEMPLATE_PARTS, *BLOCK_PARTS]
    before = None
    if template is None:
        template = LetterTemplate(number=number)
    else:
        before = LetterTemplate(**{part: getattr(template, part) for part in audited})
    for part, value in {**values, **block_values}.items():
        setattr(template, part, value)
    template.body_html_ready = inline_css(values["body_html"])
    changes = log.diff(before, template, audited)
    if before is not None and not changes:
        return template
    template.save()
    log.record(
        name,
        "template.change",
        template,
        f"Modelo {number} ({template.name}) alterado: {', '.join(changes) or 'criado'}",
        changes,
    )
    return template


def save_letter_settings(user: User, **fields: Any) -> LetterSettings:
    """Change the letters' settings (the notification's prazo, medidas, fundamento legal;
    whether e-mailed letters are also posted), audited."""
    name = actor_name(user, PERMISSION)
    settings = LetterSettings.load()
    names = [
        "final_notice_days",
        "final_notice_measures",
        "final_notice_legal_basis",
        "post_emailed_letters",
    ]
    before = LetterSettings(**{n: getattr(settings, n) for n in names})
    for field_name, value in fields.items():
        if field_name not in names:
            raise ValueError(f"configuração desconhecida: {field_name}")
        setattr(settings, field_name, value)
    settings.full_clean()
    changes = log.diff(before, settings, names)
    if changes:
        settings.save()
        log.record(name, "letters.settings", settings, "Configuração das cartas alterada", changes)
    return settings


# Files ------------------------------------------------------------------------


def read_folder(folder: Path) -> dict[int, dict[str, str]]:
    """Templates from a folder of ``<number>/<part file>``; a missing file is an empty part."""
    found: dict[int, dict[str, str]] = {}
    for number in NUMBERS:
        sub = folder / str(number)
        if not sub.is_dir():
            continue
        fields = {}
        for part, file_name in FILE_NAMES.items():
            path = sub / file_name
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            fields[part] = text.strip() if part in ("name", "subject") else text
        found[number] = fields
    if not found:
        raise ValueError(f"nenhuma pasta de modelo (1, 2 ou 3) em {folder}")
    return found


def write_folder(folder: Path, templates: dict[int, dict[str, str]]) -> None:
    for number, fields in templates.items():
        sub = folder / str(number)
        sub.mkdir(parents=True, exist_ok=True)
        for part, file_name in FILE_NAMES.items():
            text = fields.get(part, "")
            if part in ("name", "subject"):
                text += "\n"
            (sub / file_name).write_text(text, encoding="utf-8")


def read_json(path: Path) -> dict[int, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: não é um JSON válido ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("templates"), list):
        raise ValueError(f'{path}: esperado um objeto com a lista "templates"')
    found: dict[int, dict[str, str]] = {}
    for position, entry in enumerate(data["templates"], start=1):
        if not isinstance(entry, dict) or entry.get("number") not in NUMBERS:
            raise ValueError(f'{path}: modelo {position} sem "number" 1, 2 ou 3')
        fields = {part: entry.get(part, "") for part in TEMPLATE_PARTS}
        if not all(isinstance(value, str) for value in fields.values()):
            raise ValueError(f"{path}: modelo {entry['number']} com um campo que não é texto")
        found[entry["number"]] = fields
    return found


def templates_json(templates: dict[int, dict[str, str]]) -> str:
    data = {
        "format": "regua-templates",
        "version": FORMAT_VERSION,
        "templates": [{"number": number, **fields} for number, fields in sorted(templates.items())],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_templates(path: Path) -> dict[int, dict[str, str]]:
    """Templates from a JSON file or a folder, as ``export`` writes them."""
    if path.is_dir():
        return read_folder(path)
    if not path.exists():
        raise ValueError(f"{path}: arquivo ou pasta não encontrado")
    return read_json(path)


def current_templates() -> dict[int, dict[str, str]]:
    return {t.number: t.fields() for t in LetterTemplate.objects.order_by("number")}


def default_templates() -> dict[int, dict[str, str]]:
    """The three ready templates shipped with Régua."""
    return read_folder(DEFAULTS_DIR)


def ensure_default_templates() -> int:
    """Create whichever of templates 1, 2 and 3 is missing, with the shipped content.

    Ranges name templates by number, so the three must always exist; an
    edited template is never touched. Returns how many were created.
    """
    created = 0
    for number, fields in default_templates().items():
        if LetterTemplate.objects.filter(number=number).exists():
            continue
        LetterTemplate.objects.create(
            number=number, body_html_ready=inline_css(fields["body_html"]), **fields
        )
        created += 1
    return created


def export_templates(path: Path) -> Path:
    """Write every template to ``path``: JSON when it ends in .json, else a folder."""
    templates = current_templates()
    if path.suffix.lower() == ".json":
        path.write_text(templates_json(templates), encoding="utf-8")
    else:
        write_folder(path, templates)
    return path


@transaction.atomic
def import_templates(templates: dict[int, dict[str, str]], user: User) -> list[LetterTemplate]:
    """Save every template, or none: the first invalid one refuses the whole import."""
    problems: list[str] = []
    saved = []
    for number, fields in sorted(templates.items()):
        try:
            saved.append(save_template(number, fields, user))
        except TemplateInvalid as exc:
            problems.extend(f"Modelo {number}: {p}" for p in exc.problems)
    if problems:
        raise ImportRefused(problems)
    return saved


class ImportRefused(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))

"""A template written as text blocks: what a finance person edits without Jinja.

The blocks are plain text (greeting, opening paragraph, demand, reminder,
closing, and the subject) with placeholders in brackets, ``[valor total
vencido]``. Each placeholder is looked up in an allow-list (``PLACEHOLDERS``)
that maps it to one expression of the sandbox's variables; any other
bracketed text is refused, naming its block and line. Everything else is
text: in the HTML parts it is escaped, and a brace never starts a Jinja tag.

The layout, the table of títulos, the PIX, the courtesy list of títulos not
yet due and the legal footer come from the package's base (``jinja/blocks_*``),
into which the converted blocks go. The result is an ordinary template
(subject, text e-mail, HTML e-mail, letter): it is validated, stored and
rendered like any other, and shown in full under "avançado".
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from regua.letters.sandbox import BLOCK_LABELS, TemplateInvalid, TemplateProblem

BASE_DIR = Path(__file__).resolve().parent / "jinja"

# The blocks, in the order the page shows them.
BLOCKS = tuple(BLOCK_LABELS)


@dataclass(frozen=True)
class Placeholder:
    name: str  # as written between brackets
    expression: str  # what the sandbox renders
    description: str
    overdue: bool = False  # names what is overdue: not in the reminder, where nothing is
    upcoming: bool = False  # names what is not yet due: never in a demand (R9)


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("nome do cliente", "customer.display_name", "José da Silva; para empresa, o nome"),
    Placeholder("razão social do cliente", "customer.name", "nome ou razão social como no ERP"),
    Placeholder("código do cliente", "customer.code", "código do cliente no ERP"),
    Placeholder("CPF/CNPJ do cliente", "customer.document|document", "documento pontuado"),
    Placeholder("empresa", "(branch.trade_name or branch.legal_name)", "nome fantasia da filial"),
    Placeholder("da empresa", "branch.of_name", '"da Modelo Distribuidora", com o artigo certo'),
    Placeholder("razão social da empresa", "branch.legal_name", "razão social da filial"),
    Placeholder("CNPJ da empresa", "branch.cnpj", "CNPJ da filial"),
    Placeholder("telefone da empresa", "branch.phone", "telefone para dúvidas"),
    Placeholder("e-mail da empresa", "branch.email", "e-mail para dúvidas"),
    Placeholder("data", "reference_date|date", "data de referência: 28/11/2026"),
    Placeholder("data por extenso", "reference_date|long_date", "28 de novembro de 2026"),
    Placeholder("número da carta", "notice.number", "número da carta"),
    Placeholder(
        "prazo para pagamento",
        "notice.payment_deadline|date",
        "data de referência + 5 dias",
        overdue=True,
    ),
    Placeholder(
        "maior atraso", "notice.max_days_overdue|days", '"12 dias": o maior atraso', overdue=True
    ),
    Placeholder(
        "valor total vencido",
        "overdue_totals.updated_amount|money",
        "saldo vencido + multa + juros: o valor cobrado",
        overdue=True,
    ),
    Placeholder(
        "saldo vencido", "overdue_totals.balance|money", "soma dos saldos vencidos", overdue=True
    ),
    Placeholder("multa", "overdue_totals.fine|money", "soma das multas", overdue=True),
    Placeholder("juros", "overdue_totals.interest|money", "soma dos juros", overdue=True),
    Placeholder(
        "títulos vencidos",
        'overdue_totals.count ~ " " ~ '
        'overdue_totals.count|plural("título vencido", "títulos vencidos")',
        '"1 título vencido", "3 títulos vencidos"',
        overdue=True,
    ),
    Placeholder(
        "valor a vencer",
        "upcoming_totals.balance|money",
        "soma dos títulos a vencer (só no lembrete)",
        upcoming=True,
    ),
    Placeholder(
        "títulos a vencer",
        'upcoming_totals.count ~ " " ~ '
        'upcoming_totals.count|plural("título a vencer", "títulos a vencer")',
        '"1 título a vencer", "2 títulos a vencer" (só no lembrete)',
        upcoming=True,
    ),
    Placeholder("dias de prazo da notificação", "final_notice.days|days", '"10 dias"'),
    Placeholder(
        "data-limite da notificação", "final_notice.deadline|date", "data de referência + prazo"
    ),
    Placeholder("medidas após o prazo", "final_notice.measures", "como configuradas"),
)
_BY_NAME = {" ".join(p.name.casefold().split()): p for p in PLACEHOLDERS}
_PLACEHOLDER = re.compile(r"\[([^\[\]\n]*)\]")


def chip(name: str) -> str:
    return f"[{name}]"


def _placeholder(name: str) -> Placeholder | None:
    return _BY_NAME.get(" ".join(name.casefold().split()))


def block_problems(block: str, text: str) -> list[TemplateProblem]:
    """Unknown or misplaced placeholders and unpaired brackets, each with its line."""
    problems = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        rest = _PLACEHOLDER.sub("", line)
        if "[" in rest or "]" in rest:
            problems.append(
                TemplateProblem(
                    block,
                    line_number,
                    "colchete sem par: um marcador se escreve entre [ e ], como "
                    "[valor total vencido]",
                )
            )
        for match in _PLACEHOLDER.finditer(line):
            found = _placeholder(match.group(1))
            if found is None:
                problems.append(
                    TemplateProblem(
                        block,
                        line_number,
                        f"marcador desconhecido {match.group(0)}; use um dos marcadores da lista",
                    )
                )
            elif found.upcoming and block != "block_reminder":
                problems.append(
                    TemplateProblem(
                        block,
                        line_number,
                        f"{match.group(0)} só pode ir no lembrete: o que ainda não venceu "
                        "não se cobra (R9)",
                    )
                )
            elif found.overdue and block == "block_reminder":
                problems.append(
                    TemplateProblem(
                        block,
                        line_number,
                        f"{match.group(0)} não cabe no lembrete: ele sai quando nada venceu",
                    )
                )
    if block == "block_subject" and len(text.splitlines()) > 1:
        problems.append(TemplateProblem(block, 2, "o assunto tem uma linha só"))
    return problems


def _literal(text: str, html: bool) -> str:
    """Text as Jinja source that renders exactly that text (escaped in HTML)."""
    if html:
        text = str(escape(text))
    # Only "{" can open a tag, an expression or a comment.
    return text.replace("{", '{{ "{" }}')


def _line(text: str, html: bool) -> str:
    pieces = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        pieces.append(_literal(text[position : match.start()], html))
        found = _placeholder(match.group(1))
        assert found is not None  # block_problems refused the others
        pieces.append("{{ " + found.expression + " }}")
        position = match.end()
    pieces.append(_literal(text[position:], html))
    return "".join(pieces)


def as_text(text: str) -> str:
    """A block as the source of the text e-mail (and the subject)."""
    return "\n".join(_line(line, html=False) for line in text.strip().splitlines())


def as_html(text: str) -> str:
    """A block as HTML source: a paragraph per blank-line-separated part, <br> within one."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n".join(
        "<p>" + "<br>\n".join(_line(line, html=True) for line in p.splitlines()) + "</p>"
        for p in paragraphs
    )


def _filled(base: str, converted: Mapping[str, str], title: str) -> str:
    filled = base.replace("@@title@@", title)
    for block, source in converted.items():
        filled = filled.replace(f"@@{block.removeprefix('block_')}@@", source)
    return filled


def template_sources(name: str, blocks: Mapping[str, str]) -> dict[str, str]:
    """The subject, text e-mail, HTML e-mail and letter of a template written as blocks.

    Raises TemplateInvalid naming the block and line of every misplaced or
    unknown placeholder.
    """
    texts = {block: str(blocks.get(block) or "") for block in BLOCKS}
    problems = [p for block, text in texts.items() for p in block_problems(block, text)]
    if problems:
        raise TemplateInvalid(problems)
    body = {block: texts[block] for block in BLOCKS if block != "block_subject"}
    title = _literal(name.strip(), html=True)
    return {
        "subject": as_text(texts["block_subject"]),
        "body_text": _filled(
            (BASE_DIR / "blocks_email.txt").read_text(encoding="utf-8"),
            {block: as_text(text) for block, text in body.items()},
            title,
        ),
        "body_html": _filled(
            (BASE_DIR / "blocks_email.html").read_text(encoding="utf-8"),
            {block: as_html(text) for block, text in body.items()},
            title,
        ),
        "letter_html": _filled(
            (BASE_DIR / "blocks_letter.html").read_text(encoding="utf-8"),
            {block: as_html(text) for block, text in body.items()},
            title,
        ),
    }


def resolved(fields: Mapping[str, str]) -> dict[str, str]:
    """The template's fields with its Jinja parts built from the blocks when it uses them."""
    values = dict(fields)
    if values.get("uses_blocks"):
        values.update(template_sources(values.get("name", ""), values))
    return values


# What a template's blocks say before anyone writes them: the wording of the
# shipped template of the same number, in plain text.
_GREETINGS = {
    "block_greeting_company": "Prezados,",
    "block_greeting_person": "Olá, [nome do cliente].",
}
_CONTACT = "Obrigado pela parceria,\n[empresa]"
SUGGESTED_BLOCKS: dict[int, dict[str, str]] = {
    1: {
        "block_subject": "Lembrete de pagamento - [empresa]",
        **_GREETINGS,
        "block_opening": "Este é um lembrete amigável [da empresa]. Em [data por extenso], "
        "identificamos em aberto [títulos vencidos] em nome de [razão social do cliente], "
        "conforme a relação abaixo:",
        "block_demand": "Se ainda não fez o pagamento, pedimos a gentileza de verificar: o valor "
        "atualizado é de [valor total vencido]. Caso já tenha efetuado o pagamento, por favor "
        "desconsidere esta mensagem.",
        "block_reminder": "Este é um lembrete amigável [da empresa]: [títulos a vencer] em nome "
        "de [razão social do cliente], no valor de [valor a vencer]. O pagamento até o "
        "vencimento evita multa e juros.",
        "block_closing": _CONTACT,
    },
    2: {
        "block_subject": "Aviso de débito em atraso - [empresa]",
        **_GREETINGS,
        "block_opening": "Em [data por extenso], constam em aberto [títulos vencidos] em nome de "
        "[razão social do cliente], com atraso de até [maior atraso]:",
        "block_demand": "Pedimos que regularize o valor atualizado de [valor total vencido] até "
        "[prazo para pagamento]. Caso já tenha efetuado o pagamento, por favor desconsidere "
        "esta mensagem.",
        "block_reminder": "Lembramos que [títulos a vencer] em nome de [razão social do cliente] "
        "somam [valor a vencer]. O pagamento até o vencimento evita multa e juros.",
        "block_closing": "Atenciosamente,\n[empresa]",
    },
    3: {
        "block_subject": "Notificação extrajudicial - [empresa]",
        **_GREETINGS,
        "block_opening": "[razão social da empresa], CNPJ [CNPJ da empresa], notifica "
        "[razão social do cliente] ([CPF/CNPJ do cliente]) de que não identificou até "
        "[data por extenso] o pagamento de [títulos vencidos]:",
        "block_demand": "Solicitamos a regularização do valor atualizado de [valor total vencido] "
        "em até [dias de prazo da notificação], até [data-limite da notificação]. Após esse "
        "prazo, poderá ocorrer [medidas após o prazo]. Caso já tenha efetuado o pagamento, "
        "por favor desconsidere esta notificação.",
        "block_reminder": "Lembramos que [títulos a vencer] em nome de [razão social do cliente] "
        "somam [valor a vencer]. O pagamento até o vencimento evita multa e juros.",
        "block_closing": "Atenciosamente,\n[empresa]",
    },
}

"""The Jinja2 sandbox templates run in, the documented variables, and validation.

Templates are written by staff with the "manage templates" permission and
filled with customer data imported from an ERP: neither may reach settings,
files, the database or Python internals. So templates run in an immutable
sandbox with no globals, no loader (no include/import/extends), a short list
of filters, strict undefined names, and a context of frozen dataclasses
(``regua.letters.variables``), never model instances. HTML parts are
autoescaped and have no ``safe`` filter, so customer data is always escaped.

``validate_template`` checks every part before a template is saved: syntax,
forbidden constructs, unknown names, and a rendering against sample data; each
error names the part and the line.
"""

import functools
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment

from regua.letters import formatting
from regua.letters.inlining import InliningError, inline_css
from regua.letters.samples import sample_contexts

PART_LABELS = {
    "name": "Nome",
    "subject": "Assunto",
    "body_text": "E-mail (texto)",
    "body_html": "E-mail (HTML)",
    "letter_html": "Carta (HTML)",
}
HTML_PARTS = frozenset({"body_html", "letter_html"})
REQUIRED_PARTS = ("name", "subject", "body_text")


@dataclass(frozen=True)
class Variable:
    name: str
    description: str


# What the editing page shows: every name a template may use.
VARIABLES: tuple[Variable, ...] = (
    Variable("branch.legal_name", "razão social da filial (credora)"),
    Variable("branch.trade_name", "nome fantasia da filial"),
    Variable("branch.cnpj", "CNPJ da filial"),
    Variable("branch.address", "endereço da filial"),
    Variable("branch.district", "bairro da filial"),
    Variable("branch.city", "cidade da filial"),
    Variable("branch.state", "UF da filial"),
    Variable("branch.zip_code", "CEP da filial"),
    Variable("branch.phone", "telefone para dúvidas"),
    Variable("branch.email", "e-mail para dúvidas"),
    Variable("branch.pix_key", "chave PIX da filial (vazia se não houver)"),
    Variable("branch.code", "código da filial"),
    Variable("customer.name", "nome ou razão social do cliente"),
    Variable("customer.code", "código do cliente"),
    Variable("customer.document", "CPF/CNPJ do cliente"),
    Variable("customer.email", "e-mail do cliente"),
    Variable("customer.phone", "telefone do cliente"),
    Variable("customer.address", "endereço do cliente"),
    Variable("customer.district", "bairro do cliente"),
    Variable("customer.city", "cidade do cliente"),
    Variable("customer.state", "UF do cliente"),
    Variable("customer.zip_code", "CEP do cliente"),
    Variable("items", "lista dos títulos da carta: {% for item in items %}…{% endfor %}"),
    Variable("item.document", "duplicata"),
    Variable("item.installment", "prestação"),
    Variable("item.issue_date", "data de emissão (pode faltar)"),
    Variable("item.due_date", "vencimento"),
    Variable("item.effective_due_date", "vencimento efetivo (próximo dia útil)"),
    Variable("item.days_overdue", "dias de atraso (negativo: faltam dias para vencer)"),
    Variable("item.balance", "saldo"),
    Variable("item.fine_percent", "multa %"),
    Variable("item.interest_percent", "juros ao mês %"),
    Variable("item.fine", "multa na data de referência"),
    Variable("item.interest", "juros pro rata die na data de referência"),
    Variable("item.updated_amount", "valor atualizado (saldo + multa + juros)"),
    Variable("item.digitable_line", "linha digitável do boleto (vazia se não houver)"),
    Variable("item.our_number", "nosso número"),
    Variable("item.collection", "código da cobrança"),
    Variable("totals.count", "quantidade de títulos"),
    Variable("totals.boletos", "quantidade de títulos com linha digitável"),
    Variable("totals.balance", "soma dos saldos"),
    Variable("totals.fine", "soma das multas"),
    Variable("totals.interest", "soma dos juros"),
    Variable("totals.updated_amount", "soma dos valores atualizados"),
    Variable("reference_date", "data de referência da emissão"),
    Variable("notice.number", "número da carta"),
    Variable("notice.range_start", "início da faixa de atraso"),
    Variable("notice.range_end", "fim da faixa de atraso"),
    Variable("notice.max_days_overdue", "maior atraso entre os títulos"),
    Variable("pix", "PIX da carta, ou vazio se a filial não tem chave: {% if pix %}…{% endif %}"),
    Variable("pix.payload", "código PIX copia e cola"),
    Variable("pix.qr", 'imagem do QR Code, para <img src="{{ pix.qr }}">'),
    Variable("pix.amount", "valor do PIX (total atualizado)"),
    Variable("pix.txid", "identificador da transação"),
    Variable("final_notice.days", "prazo da notificação extrajudicial, em dias"),
    Variable("final_notice.deadline", "data-limite (data de referência + prazo)"),
    Variable("final_notice.measures", "medidas após o prazo, como configuradas"),
    Variable("final_notice.legal_basis", "fundamento legal configurado (vazio: nenhum)"),
)
TOP_LEVEL_NAMES = frozenset(
    v.name.split(".")[0] for v in VARIABLES if not v.name.startswith("item.")
)


@dataclass(frozen=True)
class Filter:
    name: str
    description: str


OWN_FILTERS: dict[str, Callable[..., Any]] = {
    "money": formatting.money,
    "decimal": formatting.decimal_br,
    "percent": formatting.percent,
    "date": formatting.short_date,
    "long_date": formatting.long_date,
    "days": formatting.days,
    "due_status": formatting.due_status,
    "document": formatting.document_number,
    "cep": formatting.zip_code,
}
# Jinja's own filters that only transform text or lists.
JINJA_SAFE_FILTERS = (
    "abs",
    "capitalize",
    "center",
    "default",
    "first",
    "join",
    "last",
    "length",
    "lower",
    "replace",
    "sort",
    "sum",
    "title",
    "trim",
    "truncate",
    "upper",
)

FILTERS: tuple[Filter, ...] = (
    Filter("money", "R$ 1.234,56"),
    Filter("decimal", "1.234,56"),
    Filter("percent", "2%"),
    Filter("date", "28/11/2026"),
    Filter("long_date", "28 de novembro de 2026"),
    Filter("days", "3 dias"),
    Filter("due_status", "vence em 3 dias / vence hoje / venceu há 3 dias"),
    Filter("document", "CPF/CNPJ pontuado"),
    Filter("cep", "01001-000"),
    *(Filter(name, "filtro do Jinja2") for name in JINJA_SAFE_FILTERS),
)

MAX_REPEAT = 100_000  # a template may repeat a string, not fill the memory with it


class Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**" and isinstance(right, int) and abs(right) > 100:
            raise SecurityError("potência grande demais")
        if operator_name == "*":
            for seq, count in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(count, int)
                    and len(seq) * count > MAX_REPEAT
                ):
                    raise SecurityError("repetição grande demais")
        return super().call_binop(context, operator_name, left, right)


def _environment(autoescape: bool) -> Sandbox:
    # trim_blocks/lstrip_blocks: a line holding only {% if %} or {% for %}
    # leaves no blank line behind, so text e-mails read as they are written.
    env = Sandbox(
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.clear()  # no range(), lipsum(), dict(), cycler(), joiner(), namespace()
    env.filters = {name: JINJA_FILTERS[name] for name in JINJA_SAFE_FILTERS}
    env.filters["d"] = JINJA_FILTERS["default"]
    env.filters.update(OWN_FILTERS)
    return env


TEXT_ENV = _environment(autoescape=False)
HTML_ENV = _environment(autoescape=True)


def environment_for(part: str) -> Sandbox:
    return HTML_ENV if part in HTML_PARTS else TEXT_ENV


@functools.lru_cache(maxsize=256)
def _compiled(source: str, html: bool) -> JinjaTemplate:
    return (HTML_ENV if html else TEXT_ENV).from_string(source)


def compiled(part: str, source: str) -> JinjaTemplate:
    """The compiled template of one part; compiled once per source text."""
    return _compiled(source, part in HTML_PARTS)


@functools.lru_cache(maxsize=256)
def _names_read(source: str) -> frozenset[str] | None:
    try:
        return frozenset(meta.find_undeclared_variables(TEXT_ENV.parse(source)))
    except TemplateSyntaxError:
        return None


def reads(source: str, name: str) -> bool:
    """Whether a template's source reads the context variable ``name``.

    True also when the source does not parse: rendering it will say why.
    """
    names = _names_read(source)
    return names is None or name in names


def single_line(text: str) -> str:
    """A header holds one line: line breaks and control characters never reach a Subject."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


@dataclass(frozen=True)
class TemplateProblem:
    part: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = PART_LABELS.get(self.part, self.part)
        if self.line:
            where += f", linha {self.line}"
        return f"{where}: {self.message}"


class TemplateInvalid(ValueError):
    def __init__(self, problems: list[TemplateProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


_FORBIDDEN_NODES: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Include, "include não é permitido: o modelo não lê arquivos"),
    (nodes.Import, "import não é permitido: o modelo não lê arquivos"),
    (nodes.FromImport, "import não é permitido: o modelo não lê arquivos"),
    (nodes.Extends, "extends não é permitido: o modelo não lê arquivos"),
    (nodes.Block, "block não é permitido"),
)


def _static_problems(part: str, ast: nodes.Template) -> list[TemplateProblem]:
    """Constructs refused before anything runs, each with its line."""
    problems = []
    for node_type, message in _FORBIDDEN_NODES:
        for node in ast.find_all(node_type):
            problems.append(TemplateProblem(part, node.lineno, message))
    for getattr_node in ast.find_all(nodes.Getattr):
        if getattr_node.attr.startswith("_"):
            problems.append(
                TemplateProblem(
                    part,
                    getattr_node.lineno,
                    f"atributo interno {getattr_node.attr!r} não é permitido",
                )
            )
    for getitem in ast.find_all(nodes.Getitem):
        if isinstance(getitem.arg, nodes.Const) and str(getitem.arg.value).startswith("_"):
            problems.append(
                TemplateProblem(
                    part, getitem.lineno, f"atributo interno {getitem.arg.value!r} não é permitido"
                )
            )
    declared = _declared_names(ast)
    for name in ast.find_all(nodes.Name):
        if name.ctx != "load" or name.name in declared or name.name in TOP_LEVEL_NAMES:
            continue
        problems.append(
            TemplateProblem(
                part,
                name.lineno,
                f"variável desconhecida {name.name!r}; veja a lista de variáveis disponíveis",
            )
        )
    return problems


def _declared_names(ast: nodes.Template) -> set[str]:
    """Names the template binds itself: loop targets, {% set %}, macro arguments."""
    declared = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    if any(True for _ in ast.find_all(nodes.For)):
        declared.add("loop")
    if any(True for _ in ast.find_all((nodes.Macro, nodes.CallBlock))):
        declared.update({"varargs", "kwargs", "caller"})
    return declared


def _line_of(exc: BaseException) -> int | None:
    """The template line an error came from: Jinja rewrites its traceback to point there."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>":
            line = frame.lineno
    return line


def _message(exc: Exception) -> str:
    if isinstance(exc, SecurityError):
        return f"acesso não permitido ({exc})"
    if isinstance(exc, UndefinedError):
        return f"valor indefinido ({exc})"
    return f"erro ao montar o texto ({type(exc).__name__}: {exc})"


def check_part(part: str, source: str, contexts: list[dict[str, Any]]) -> list[TemplateProblem]:
    """Syntax, forbidden constructs and a rendering against each context, for one part."""
    env = environment_for(part)
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        return [TemplateProblem(part, exc.lineno, f"erro de sintaxe: {exc.message}")]
    problems = _static_problems(part, ast)
    if problems:
        return problems
    try:
        template = compiled(part, source)
    except TemplateSyntaxError as exc:  # unknown filter or test, found when compiling
        message = (exc.message or "").replace("No filter named", "filtro desconhecido")
        return [TemplateProblem(part, exc.lineno, message)]
    for context in contexts:
        try:
            template.render(context)
        except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
            return [TemplateProblem(part, _line_of(exc), _message(exc))]
    return []


def _legal_identification_problems(
    fields: Mapping[str, str], contexts: list[dict[str, Any]]
) -> list[TemplateProblem]:
    """CDC art. 42-A: every collection e-mail names the creditor with its CNPJ and address."""
    problems = []
    context = contexts[0]
    branch = context["branch"]
    wanted = {
        "razão social": branch.legal_name,
        "CNPJ": branch.cnpj,
        "endereço": branch.address,
    }
    for part in ("body_text", "body_html"):
        if not fields.get(part, "").strip():
            continue
        rendered = compiled(part, fields[part]).render(context)
        missing = [label for label, value in wanted.items() if value not in rendered]
        if missing:
            problems.append(
                TemplateProblem(
                    part,
                    None,
                    "o e-mail precisa mostrar a razão social, o CNPJ e o endereço da filial "
                    "(CDC art. 42-A); falta: " + ", ".join(missing),
                )
            )
    return problems


def validate_template(fields: Mapping[str, str]) -> list[TemplateProblem]:
    """Every problem of a template's parts, each with its part and line; empty when it may be saved."""
    problems: list[TemplateProblem] = []
    for part in REQUIRED_PARTS:
        if not fields.get(part, "").strip():
            problems.append(TemplateProblem(part, None, "não pode ficar vazio"))
    if len(fields.get("name", "")) > 100:
        problems.append(TemplateProblem("name", None, "no máximo 100 caracteres"))
    if len(fields.get("subject", "")) > 300:
        problems.append(TemplateProblem("subject", None, "no máximo 300 caracteres"))
    contexts = sample_contexts()
    for part in ("subject", "body_text", "body_html", "letter_html"):
        source = fields.get(part, "")
        if source.strip():
            problems.extend(check_part(part, source, contexts))
    if fields.get("body_html", "").strip() and not any(p.part == "body_html" for p in problems):
        try:
            inline_css(fields["body_html"])
        except InliningError as exc:
            problems.append(TemplateProblem("body_html", None, str(exc)))
    if not problems:
        problems.extend(_legal_identification_problems(fields, contexts))
    return problems

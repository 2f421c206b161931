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
import re
import traceback
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.nodes import EvalContext
from jinja2.runtime import LoopContext, Macro, markup_join, str_join
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.utils import pass_context, pass_environment, pass_eval_context
from markupsafe import Markup, escape

from regua.letters import budget, formatting, isolation
from regua.letters.inlining import InliningError, inline_css
from regua.letters.samples import large_sample_context, sample_contexts

PART_LABELS = {
    "name": "Nome",
    "subject": "Assunto",
    "body_text": "E-mail (texto)",
    "body_html": "E-mail (HTML)",
    "letter_html": "Carta (HTML)",
}
# The text blocks of a template written without Jinja (``blocks.py``), as the page names them.
BLOCK_LABELS = {
    "block_subject": "Assunto (texto)",
    "block_greeting_company": "Saudação a uma empresa (CNPJ)",
    "block_greeting_person": "Saudação a uma pessoa (CPF)",
    "block_opening": "Abertura (antes da tabela dos vencidos)",
    "block_demand": "Pedido de pagamento (depois da tabela)",
    "block_reminder": "Lembrete quando nada venceu ainda",
    "block_closing": "Despedida",
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
    Variable(
        "branch.of_name", 'nome com "da", "do" ou "de" antes: "lembrete da Régua Distribuidora"'
    ),
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
    Variable("customer.is_company", "verdadeiro para uma empresa (CNPJ): Prezados"),
    Variable("customer.display_name", 'nome escrito como se escreve: "José da Silva"'),
    Variable(
        "items",
        "TODOS os títulos da carta, vencidos e a vencer: {% for item in items %}…{% endfor %}; "
        "para cobrar, use overdue_items",
    ),
    Variable(
        "overdue_items",
        "os títulos VENCIDOS: os únicos que a carta pode cobrar (R9)",
    ),
    Variable(
        "upcoming_items",
        "os títulos A VENCER: só como cortesia, fora da cobrança, sem multa nem juros",
    ),
    Variable("item.document", "duplicata"),
    Variable("item.installment", "prestação"),
    Variable("item.issue_date", "data de emissão (pode faltar)"),
    Variable("item.due_date", "vencimento"),
    Variable("item.effective_due_date", "vencimento efetivo (próximo dia útil)"),
    Variable("item.due_date_moved", "verdadeiro quando o vencimento caiu em dia sem banco"),
    Variable("item.due_weekday", 'dia da semana do vencimento: "domingo"'),
    Variable("item.overdue", "verdadeiro quando o título está vencido"),
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
    Variable("item.collection_name", 'nome da cobrança: "Boleto bancário"'),
    Variable(
        "item.new_boleto_on_request",
        "vencimento prorrogado depois da emissão do boleto: novo boleto a pedido",
    ),
    Variable("totals.count", "quantidade de títulos"),
    Variable("totals.boletos", "quantidade de títulos com linha digitável"),
    Variable("totals.balance", "soma dos saldos"),
    Variable("totals.fine", "soma das multas"),
    Variable("totals.interest", "soma dos juros"),
    Variable(
        "totals.updated_amount",
        "soma dos valores atualizados de TODOS os títulos, vencidos e a vencer: "
        "não use numa cobrança",
    ),
    Variable("overdue_totals.count", "quantidade de títulos vencidos"),
    Variable("overdue_totals.boletos", "títulos vencidos com linha digitável"),
    Variable("overdue_totals.balance", "soma dos saldos vencidos"),
    Variable("overdue_totals.fine", "soma das multas"),
    Variable("overdue_totals.interest", "soma dos juros"),
    Variable(
        "overdue_totals.updated_amount", "valor atualizado vencido: o valor que a carta cobra"
    ),
    Variable("upcoming_totals.count", "quantidade de títulos a vencer"),
    Variable("upcoming_totals.boletos", "títulos a vencer com linha digitável"),
    Variable("upcoming_totals.balance", "soma dos valores a vencer (sem multa nem juros)"),
    Variable("upcoming_totals.updated_amount", "igual à soma dos valores a vencer"),
    Variable("reference_date", "data de referência da emissão"),
    Variable("notice.number", "número da carta"),
    Variable("notice.range_start", "início da faixa de atraso"),
    Variable("notice.range_end", "fim da faixa de atraso"),
    Variable("notice.max_days_overdue", "maior atraso entre os títulos"),
    Variable("notice.payment_deadline", "prazo para pagar o vencido (data de referência + 5 dias)"),
    Variable("pix", "PIX da carta, ou vazio se a filial não tem chave: {% if pix %}…{% endif %}"),
    Variable("pix.payload", "código PIX copia e cola"),
    Variable("pix.qr", 'imagem do QR Code, para <img src="{{ pix.qr }}">'),
    Variable(
        "pix.amount",
        "valor do PIX: o vencido atualizado; sem nada vencido, o total a vencer",
    ),
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
    "plural": formatting.plural,
    "weekday": formatting.weekday,
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
    Filter("plural", '{{ n|plural("título", "títulos") }}: a palavra certa para a quantidade'),
    Filter("weekday", "domingo"),
    *(Filter(name, "filtro do Jinja2") for name in JINJA_SAFE_FILTERS),
)

MAX_REPEAT = budget.MAX_TEXT  # a template may repeat a string, not fill the memory with it


class BudgetedTemplate(JinjaTemplate):
    """A template whose every rendering runs under the budget of ``budget.py``."""

    part = ""  # set by ``compiled``, to name the part in the budget's errors

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        items = context.get("items")
        count = len(items) if isinstance(items, list | tuple) else 0
        token = budget.CURRENT.set(budget.Budget(count))
        try:
            return super().render(context)
        except budget.TemplateLimitExceeded as exc:
            if self.part:
                exc.within(PART_LABELS.get(self.part, self.part))
            raise
        except RecursionError:
            raise budget.TemplateLimitExceeded(
                f"chamadas encadeadas demais (recursão): o limite é {budget.MAX_DEPTH} níveis",
                PART_LABELS.get(self.part, self.part),
            ) from None
        finally:
            budget.CURRENT.reset(token)


class _LimitedFields:
    """str.format's fields: widths within the limit, values and the result too."""

    produced = 0

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        budget.checked(value, "um valor em format()")
        return super().convert_field(value, conversion)  # type: ignore[misc]

    def format_field(self, value: Any, format_spec: str) -> Any:
        budget.check_format_spec(format_spec)
        budget.checked(value, "um valor em format()")
        piece = super().format_field(value, format_spec)  # type: ignore[misc]
        self.produced += len(piece)
        if self.produced > budget.MAX_TEXT:
            raise budget.too_big("o resultado de format()")
        return piece


class _Formatter(_LimitedFields, SandboxedFormatter):
    pass


class _EscapeFormatter(_LimitedFields, SandboxedEscapeFormatter):
    pass


_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill"})


def _check_text_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse, before it runs, a str method call that would build too big a text."""
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, str | bytes):
        return
    name = getattr(method, "__name__", "")
    for value in (*args, *kwargs.values()):
        budget.checked(value, f"um argumento de {name}()")
    if name in _WIDTH_METHODS:
        width = args[0] if args else kwargs.get("width")
        if isinstance(width, int) and width > budget.MAX_TEXT:
            raise budget.too_big(f"a largura em {name}()")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        if isinstance(size, int) and len(owner) + tabs * max(size, 0) > budget.MAX_TEXT:
            raise budget.too_big("o resultado de expandtabs()")
    elif name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        if isinstance(old, str | bytes) and isinstance(new, str | bytes):
            found = owner.count(old) if old else len(owner) + 1  # type: ignore[arg-type,unused-ignore]
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                found = min(found, args[2])
            if len(owner) + found * max(len(new) - len(old), 0) > budget.MAX_TEXT:
                raise budget.too_big("o resultado de replace()")
    elif (
        name == "join"
        and args
        and isinstance(args[0], list | tuple | str | dict)
        and budget.weight(args[0]) + len(owner) * len(args[0]) > budget.MAX_TEXT
    ):
        raise budget.too_big("o resultado de join()")


class Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with the budget counted in it (see ``budget.py``)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    template_class = BudgetedTemplate

    def _generate(
        self,
        source: nodes.Template,
        name: str | None,
        filename: str | None,
        defer_init: bool = False,
    ) -> str:
        # Jinja's documented hook between parsing and code generation: the
        # budget's counters go into the syntax tree here.
        instrumented = budget.instrument(source)
        instrumented.set_environment(self)
        generated: str = super()._generate(instrumented, name, filename, defer_init)
        return generated

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, int) and abs(right) > 100:
                raise SecurityError("potência grande demais")
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and right > 0
                and left.bit_length() * right > budget.MAX_INT_BITS
            ):
                budget.check_int(1 << (budget.MAX_INT_BITS + 1))
        elif operator_name == "*":
            for seq, count in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(count, int)
                    and count > 0
                    and budget.weight(seq) * count > MAX_REPEAT
                ):
                    raise budget.too_big("a repetição com '*'")
        elif operator_name == "+":
            sizes = [budget.weight(v) for v in (left, right) if isinstance(v, str | list | tuple)]
            if len(sizes) == 2 and sum(sizes) > budget.MAX_TEXT:
                raise budget.too_big("a soma com '+'")
        elif (
            operator_name == "%"
            and isinstance(left, str)
            and budget.percent_size(left, right) > budget.MAX_TEXT
        ):
            raise budget.too_big("o resultado de '%'")
        result = super().call_binop(context, operator_name, left, right)
        if isinstance(result, str | list | tuple):
            budget.current().charge(len(result))
        else:
            budget.check_int(result)
        return result

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        spent = budget.current()
        if isinstance(__obj, LoopContext) and args:
            # loop(children) in a recursive loop: its iterations count too.
            args = (spent.loop(args[0]), *args[1:])
        else:
            _check_text_method(__obj, args, kwargs)
        spent.depth += 1
        try:
            if spent.depth > budget.MAX_DEPTH:
                raise budget.TemplateLimitExceeded(
                    f"chamadas encadeadas demais (recursão): o limite é {budget.MAX_DEPTH} níveis"
                )
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            spent.depth -= 1
        if not isinstance(__obj, Macro) and isinstance(result, str | bytes | list | tuple):
            if len(result) > budget.MAX_TEXT:
                raise budget.too_big("o resultado de uma chamada")
            spent.charge(len(result))
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` with widths and the result within the limit (Jinja's, limited)."""
        if not isinstance(
            value, types.MethodType | types.BuiltinMethodType
        ) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        owner = value.__self__
        if not isinstance(owner, str):
            return None
        text_type: type[str] = type(owner)
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            formatter: SandboxedFormatter
            if isinstance(owner, Markup):
                formatter = _EscapeFormatter(self, escape=owner.escape)
            else:
                formatter = _Formatter(self)
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() recebe exatamente um argumento")
                kwargs, args = args[0], ()
            return text_type(formatter.vformat(owner, args, kwargs))

        return functools.update_wrapper(wrapper, value)


# The filters that turn a value into text check its size before they do.


def _as_text(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def limited(value: Any, *args: Any, **kwargs: Any) -> Any:
        budget.checked(value, f"o valor do filtro {name}")
        return original(value, *args, **kwargs)

    return functools.update_wrapper(limited, original)


def _center(value: Any, width: int = 80) -> str:
    if isinstance(width, int) and width > budget.MAX_TEXT:
        raise budget.too_big("a largura de center")
    return str(JINJA_FILTERS["center"](budget.text_of(value, "o valor de center"), width))


@pass_eval_context
def _replace(eval_ctx: EvalContext, s: Any, old: Any, new: Any, count: int | None = None) -> str:
    text = budget.text_of(s, "o valor de replace")
    before = budget.text_of(old, "o texto procurado por replace")
    after = budget.text_of(new, "o texto posto por replace")
    if eval_ctx.autoescape:
        after = str(escape(after))
    found = text.count(before) if before else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    if len(text) + found * max(len(after) - len(before), 0) > budget.MAX_TEXT:
        raise budget.too_big("o resultado de replace")
    return str(JINJA_FILTERS["replace"](eval_ctx, s, old, new, count))


@pass_eval_context
def _join(eval_ctx: EvalContext, value: Any, d: str = "", attribute: Any = None) -> str:
    values = (
        value
        if isinstance(value, list | tuple | dict | str)
        else list(budget.current().loop(value))
    )
    separator = budget.text_of(d, "o separador de join")
    if attribute is None and budget.weight(values) + len(separator) * len(values) > budget.MAX_TEXT:
        raise budget.too_big("o resultado de join")
    joined = str(JINJA_FILTERS["join"](eval_ctx, values, d, attribute))
    if len(joined) > budget.MAX_TEXT:
        raise budget.too_big("o resultado de join")
    budget.current().charge(len(joined))
    return joined


@pass_environment
def _sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    if isinstance(start, bool) or not isinstance(start, int | float | Decimal):
        raise budget.TemplateLimitExceeded("sum soma apenas números")
    return JINJA_FILTERS["sum"](environment, iterable, attribute, start)


@pass_context
def _loop(context: Any, iterable: Any) -> Any:
    return budget.current().loop(iterable)


@pass_context
def _text(context: Any, value: str, size: int) -> str:
    budget.current().charge(size)
    return value


@pass_context
def _concat(context: Any, values: tuple[Any, ...]) -> str:
    size = sum(budget.weight(v, budget.MAX_TEXT + 1) for v in values)
    if size > budget.MAX_TEXT:
        raise budget.too_big("o texto unido com '~'")
    budget.current().charge(size)
    return str((markup_join if context.eval_ctx.autoescape else str_join)(values))


@pass_context
def _value(context: Any, value: Any) -> Any:
    size = budget.weight(value, budget.MAX_TEXT + 1)
    if size > budget.MAX_TEXT:
        raise budget.too_big("a lista")
    budget.current().charge(size)
    return value


_CURRENT_BUDGET = budget.CURRENT.get


@pass_context
def _finalize(context: Any, value: Any) -> Any:
    """Every ``{{ }}``: its text counted, and refused before it is built when too big."""
    # Kept short: it runs for every {{ }} of every e-mail the worker sends.
    if isinstance(value, str):
        text = value
    elif hasattr(value, "__html__"):
        text = Markup(value.__html__())  # noqa: S704 - what the object says is its HTML
    else:
        text = budget.text_of(value, "o valor mostrado")
    spent = _CURRENT_BUDGET() or budget.current()
    spent.text += len(text)
    if spent.text > spent.max_text:
        raise spent.over_text()
    return text


_LIMITED_FILTERS: dict[str, Callable[..., Any]] = {
    "center": _center,
    "replace": _replace,
    "join": _join,
    "sum": _sum,
    **{
        name: _as_text(name, JINJA_FILTERS[name])
        for name in ("capitalize", "lower", "title", "trim", "truncate", "upper")
    },
}
_BUDGET_FILTERS: dict[str, Callable[..., Any]] = {
    budget.LOOP: _loop,
    budget.TEXT: _text,
    budget.CONCAT: _concat,
    budget.VALUE: _value,
}


def _environment(autoescape: bool) -> Sandbox:
    # trim_blocks/lstrip_blocks: a line holding only {% if %} or {% for %}
    # leaves no blank line behind, so text e-mails read as they are written.
    env = Sandbox(
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.globals.clear()  # no range(), lipsum(), dict(), cycler(), joiner(), namespace()
    env.filters = {name: JINJA_FILTERS[name] for name in JINJA_SAFE_FILTERS}
    env.filters.update(_LIMITED_FILTERS)
    env.filters["d"] = JINJA_FILTERS["default"]
    env.filters.update(OWN_FILTERS)
    # The own filters that read their value as text; the others take numbers and dates.
    env.filters.update({name: _as_text(name, OWN_FILTERS[name]) for name in ("document", "cep")})
    env.filters.update(_BUDGET_FILTERS)
    return env


TEXT_ENV = _environment(autoescape=False)
HTML_ENV = _environment(autoescape=True)


def environment_for(part: str) -> Sandbox:
    return HTML_ENV if part in HTML_PARTS else TEXT_ENV


@functools.lru_cache(maxsize=256)
def compiled(part: str, source: str) -> JinjaTemplate:
    """The compiled template of one part; compiled once per source text."""
    template = environment_for(part).from_string(source)
    assert isinstance(template, BudgetedTemplate)
    template.part = part
    return template


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
        where = PART_LABELS.get(self.part) or BLOCK_LABELS.get(self.part, self.part)
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
    for call in ast.find_all((nodes.Filter, nodes.Test)):
        if call.name.startswith("_"):
            problems.append(
                TemplateProblem(part, call.lineno, f"filtro desconhecido {call.name!r}")
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
    declared.update(macro.name for macro in ast.find_all(nodes.Macro))
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
    if isinstance(exc, budget.TemplateLimitExceeded):
        return exc.text
    if isinstance(exc, RecursionError):
        return f"chamadas encadeadas demais (recursão): o limite é {budget.MAX_DEPTH} níveis"
    if isinstance(exc, MemoryError):
        return "o modelo usou memória demais"
    if isinstance(exc, SecurityError):
        return f"acesso não permitido ({exc})"
    if isinstance(exc, UndefinedError):
        return f"valor indefinido ({exc})"
    return f"erro ao montar o texto ({type(exc).__name__}: {exc})"


# Jinja's syntax errors, as a person who writes Portuguese reads them.
_TOKENS = {
    "end of print statement": "}} (fim da expressão)",
    "end of statement block": "%} (fim da instrução)",
    "end of template": "o fim do modelo",
    "name": "um nome",
    "begin of print statement": "{{ (início de uma expressão)",
    "begin of statement block": "{% (início de uma instrução)",
}


def _token(name: str) -> str:
    return _TOKENS.get(name, f"'{name}'")


def _tags(listed: str) -> str:
    return " ou ".join("{% " + tag + " %}" for tag in re.findall(r"'([^']+)'", listed))


_SYNTAX: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(
            r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\. "
            r"The innermost block that needs to be closed is '([^']+)'\."
        ),
        lambda m: f"o modelo terminou sem fechar o {{% {m[2]} %}}: falta {_tags(m[1])}",
    ),
    (
        re.compile(
            r"Encountered unknown tag '([^']+)'\. Jinja was looking for the following tags: "
            r"(.+?)\. The innermost block that needs to be closed is '([^']+)'\."
        ),
        lambda m: f"{{% {m[1]} %}} fora do lugar: o {{% {m[3]} %}} aberto espera {_tags(m[2])}",
    ),
    (
        re.compile(r"Encountered unknown tag '([^']+)'\.?"),
        lambda m: f"instrução desconhecida {{% {m[1]} %}}",
    ),
    (
        re.compile(r"unexpected end of template, expected '([^']+)'\.?"),
        lambda m: f"o modelo terminou antes do esperado: faltou {_token(m[1])}",
    ),
    (
        re.compile(r"expected token '([^']+)', got '([^']+)'"),
        lambda m: f"esperava {_token(m[1])} e encontrou {_token(m[2])}",
    ),
    (
        re.compile(r"Expected an expression, got '([^']+)'"),
        lambda m: f"faltou uma expressão antes de {_token(m[1])}",
    ),
    (re.compile(r"expected name or number"), lambda m: "esperava um nome ou um número"),
    (
        re.compile(r"unexpected '(.+)', expected '(.+)'"),
        lambda m: f"'{m[1]}' inesperado: esperava '{m[2]}'",
    ),
    (re.compile(r"unexpected '(.+)'"), lambda m: f"'{m[1]}' inesperado"),
    (
        re.compile(r"unexpected char (.+) at \d+"),
        lambda m: f"caractere inesperado {m[1]} (aspas sem par ou símbolo fora de lugar?)",
    ),
    (
        re.compile(r"Missing end of comment tag"),
        lambda m: "comentário {# sem o fechamento #}",
    ),
    (
        re.compile(r"Missing end of raw directive"),
        lambda m: "{% raw %} sem o {% endraw %}",
    ),
    (re.compile(r"tag name expected"), lambda m: "faltou o nome da instrução depois de {%"),
)


def syntax_message(message: str | None) -> str:
    """Jinja's syntax error in Portuguese; one it does not know keeps its own words."""
    text = message or ""
    for pattern, portuguese in _SYNTAX:
        match = pattern.search(text)
        if match:
            return f"erro de sintaxe: {portuguese(match)}"
    return f"erro de sintaxe ({text})"


def check_part(part: str, source: str, contexts: list[dict[str, Any]]) -> list[TemplateProblem]:
    """Syntax, forbidden constructs and a rendering against each context, for one part."""
    env = environment_for(part)
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        return [TemplateProblem(part, exc.lineno, syntax_message(exc.message))]
    problems = _static_problems(part, ast)
    if problems:
        return problems
    try:
        template = compiled(part, source)
    except TemplateSyntaxError as exc:  # unknown filter or test, found when compiling
        message = (
            (exc.message or "")
            .replace("No filter named", "filtro desconhecido")
            .replace("No test named", "teste desconhecido")
        )
        return [TemplateProblem(part, exc.lineno, message)]
    for context in contexts:
        try:
            template.render(context)
        except Exception as exc:  # noqa: BLE001 - whatever a template raises is its problem
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
    """Every problem of a template's parts, each with its part and line; empty when it may be saved.

    The parts are rendered on the samples (two typical customers and one with
    500 títulos) under the budget, in a child process with a time and memory
    limit (``isolation.py``): a template can keep no web worker or command
    waiting longer than that, and comes back as a problem naming the limit.
    """
    plain = {part: str(fields.get(part, "") or "") for part in PART_LABELS}
    try:
        problems: list[TemplateProblem] = isolation.run_limited(_validate, plain)
    except isolation.Overrun as exc:
        part = exc.step or "letter_html"
        return [
            TemplateProblem(
                part,
                None,
                f"a validação {exc}, o limite de um modelo; "
                "simplifique os laços e repetições desta parte",
            )
        ]
    return problems


def _validate(fields: Mapping[str, str]) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    for part in REQUIRED_PARTS:
        if not fields.get(part, "").strip():
            problems.append(TemplateProblem(part, None, "não pode ficar vazio"))
    if len(fields.get("name", "")) > 100:
        problems.append(TemplateProblem("name", None, "no máximo 100 caracteres"))
    if len(fields.get("subject", "")) > 300:
        problems.append(TemplateProblem("subject", None, "no máximo 300 caracteres"))
    contexts = [*sample_contexts(), large_sample_context()]
    for part in ("subject", "body_text", "body_html", "letter_html"):
        source = fields.get(part, "")
        if source.strip():
            isolation.report(part)
            problems.extend(check_part(part, source, contexts))
    if fields.get("body_html", "").strip() and not any(p.part == "body_html" for p in problems):
        isolation.report("body_html")
        try:
            inline_css(fields["body_html"])
        except InliningError as exc:
            problems.append(TemplateProblem("body_html", None, str(exc)))
    if not problems:
        problems.extend(_legal_identification_problems(fields, contexts))
    return problems

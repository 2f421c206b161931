"""How much work one rendering of a template may do, counted inside the sandbox.

A template is a program written by staff. Without a budget, two nested loops
over a long string spin for ever, four nested loops over ``items`` take
minutes for a customer with 200 títulos, and ``center``, ``format``, ``%``,
``replace`` or ``~`` fill the memory. So every rendering runs under a budget:

- **loop iterations**: ``FIXED_ITERATIONS`` plus ``ITERATIONS_PER_ITEM`` for
  each título of the letter, counted on every ``{% for %}`` (recursive calls of
  ``loop()`` included);
- **text produced**: ``FIXED_TEXT`` plus ``TEXT_PER_ITEM`` characters per
  título, counted on everything the template outputs or builds (its literal
  text each time a loop or macro repeats it, every ``{{ }}``, every string or
  list an operation makes);
- **one value** (a string, a list) at most ``MAX_TEXT`` characters, checked
  *before* ``center``, ``str.format``, ``%``, ``replace``, ``join``, ``~``,
  ``+`` or ``*`` build it; integers at most ``MAX_INT_BITS`` bits;
- **calls nested** at most ``MAX_DEPTH`` deep (a macro calling itself,
  ``loop(items)`` in a recursive loop).

The budget is sized per título so a sound template for a customer with 3,000
títulos renders (one loop over ``items`` uses one iteration and some hundreds
of characters per título); a template whose work grows faster than its
títulos is refused on save, when it is rendered on the 500-título sample.
Counting costs a few attribute reads per loop iteration and per ``{{ }}``:
rendering in the worker's hot path stays as fast as before (docs/RELIABILITY.md).
"""

import contextvars
import dataclasses
import datetime
import decimal
import re
from collections.abc import Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateError

MAX_TEXT = 100_000
MAX_INT_BITS = 4_096
MAX_DEPTH = 30
FIXED_ITERATIONS = 10_000
ITERATIONS_PER_ITEM = 100
FIXED_TEXT = 1_000_000
TEXT_PER_ITEM = 10_000

# Names of the sandbox's own filters, put in by ``instrument``; templates may
# not write a filter whose name starts with "_".
LOOP = "_regua_loop"
TEXT = "_regua_text"
CONCAT = "_regua_concat"
VALUE = "_regua_value"


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _titulos(n: int) -> str:
    return f"{_number(n)} título" if n == 1 else f"{_number(n)} títulos"


class TemplateLimitExceeded(TemplateError):
    """A template went past one of its limits; the message says which, in Portuguese."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.text = message  # the limit, without where it happened
        self.where = where  # the template and part, when known

    def within(self, where: str) -> "TemplateLimitExceeded":
        """This error, now naming (also) ``where`` it happened; raised again, it keeps its line."""
        self.where = f"{where}, {self.where}" if self.where else where
        return self

    def __str__(self) -> str:
        return f"{self.where}: {self.text}" if self.where else self.text


def too_big(what: str) -> TemplateLimitExceeded:
    return TemplateLimitExceeded(
        f"tamanho não permitido: {what} passaria de {_number(MAX_TEXT)} caracteres, "
        "o limite de um texto ou lista do modelo"
    )


class Budget:
    """The work left to one rendering."""

    __slots__ = ("depth", "items", "iterations", "max_iterations", "max_text", "text")

    def __init__(self, items: int) -> None:
        self.items = items
        self.iterations = 0
        self.text = 0
        self.depth = 0
        self.max_iterations = FIXED_ITERATIONS + ITERATIONS_PER_ITEM * items
        self.max_text = FIXED_TEXT + TEXT_PER_ITEM * items

    def over_iterations(self) -> TemplateLimitExceeded:
        return TemplateLimitExceeded(
            f"o modelo passou do limite de {_number(self.max_iterations)} repetições de laço "
            f"({_number(FIXED_ITERATIONS)} mais {_number(ITERATIONS_PER_ITEM)} por título; "
            f"esta carta tem {_titulos(self.items)}): evite laços dentro de laços"
        )

    def over_text(self) -> TemplateLimitExceeded:
        return TemplateLimitExceeded(
            f"o modelo passou do limite de {_number(self.max_text)} caracteres de texto "
            f"produzido ({_number(FIXED_TEXT)} mais {_number(TEXT_PER_ITEM)} por título; "
            f"esta carta tem {_titulos(self.items)})"
        )

    def charge(self, characters: int) -> None:
        self.text += characters
        if self.text > self.max_text:
            raise self.over_text()

    def loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for value in iterable:
            self.iterations += 1
            if self.iterations > self.max_iterations:
                raise self.over_iterations()
            yield value

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.depth = 0  # the error unwinds every level at once
            raise TemplateLimitExceeded(
                f"chamadas encadeadas demais (recursão): o limite é {MAX_DEPTH} níveis"
            )


CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "regua_template_budget", default=None
)


def current() -> Budget:
    """The budget of the rendering under way; one with no títulos outside any rendering."""
    budget = CURRENT.get()
    # Outside a rendering (a filter called on its own) the limits of one value
    # still hold; nothing is kept between calls.
    return Budget(0) if budget is None else budget


_CONTAINERS = (list, tuple, set, frozenset, dict)


def weight(value: Any, limit: int = MAX_TEXT) -> int:
    """About how many characters ``str(value)`` gives, counted only up to ``limit``.

    Lists nest and repeat themselves cheaply (``[x, x]`` where ``x`` is a big
    list); counting stops as soon as ``limit`` is passed, so the count itself
    never costs more than ``limit`` steps.
    """
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, _CONTAINERS):
        return _leaf(value)
    total = 0
    stack: list[Any] = [value]
    while stack:
        current_value = stack.pop()
        if isinstance(current_value, str):
            total += len(current_value) + 4
        elif isinstance(current_value, dict):
            total += 2
            stack.extend(current_value.keys())
            stack.extend(current_value.values())
        elif isinstance(current_value, _CONTAINERS):
            total += 2
            stack.extend(current_value)
        else:
            total += _leaf(current_value) + 2
        if total > limit:
            return total
    return total


def _leaf(value: Any) -> int:
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if isinstance(value, decimal.Decimal | float | datetime.date):
        return 40
    if dataclasses.is_dataclass(value):
        return sum(weight(getattr(value, f.name), MAX_TEXT) + 20 for f in dataclasses.fields(value))
    return 40


def checked(value: Any, what: str) -> Any:
    """``value`` when it is no bigger than one value may be, else the error."""
    if isinstance(value, (str, *_CONTAINERS)) and weight(value) > MAX_TEXT:
        raise too_big(what)
    return value


def text_of(value: Any, what: str) -> str:
    """``str(value)``, refused before it is built when it would be too big."""
    if isinstance(value, str):
        return value
    checked(value, what)
    return str(value)


# Format specifications: width and precision of ``%`` and of ``str.format``.
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.DOTALL)
_DIGITS = re.compile(r"\d+")


def percent_size(fmt: str, args: Any) -> int:
    """An upper bound of the length of ``fmt % args``; ``*`` widths are refused."""
    size = len(fmt)
    specs = _PERCENT_SPEC.findall(fmt)
    for width, precision, _ in specs:
        for number in (width, precision):
            if number == "*":
                raise TemplateLimitExceeded("largura '*' em '%' não é permitida")
            if number:
                if len(number) > 7 or int(number) > MAX_TEXT:
                    raise too_big("a largura em '%'")
                size += int(number)
    # Each field may show the whole of the arguments (``%(a)s%(a)s`` with a mapping).
    return size + len(specs) * weight(args, MAX_TEXT + 1)


def check_format_spec(spec: str) -> None:
    """Width and precision of a ``str.format`` field, after its nested fields are filled."""
    for number in _DIGITS.findall(spec):
        if len(number) > 7 or int(number) > MAX_TEXT:
            raise too_big("a largura em format()")


def check_int(value: Any) -> None:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise TemplateLimitExceeded(
            f"número grande demais: o limite é {_number(MAX_INT_BITS)} bits (cerca de 1.200 dígitos)"
        )


# The template's syntax tree, instrumented before it is compiled ------------


def _filter(node: nodes.Expr, name: str, *args: Any, lineno: int) -> nodes.Filter:
    call = nodes.Filter(node, name, [nodes.Const(a) for a in args], [], None, None)
    call.set_lineno(lineno)
    return call


def _literal_text(body: list[nodes.Node]) -> int:
    """Characters of literal text in a body, not counting the bodies that count their own."""
    total = 0
    stack: list[nodes.Node] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.TemplateData):
            total += len(node.data)
        elif isinstance(node, nodes.For | nodes.Macro | nodes.CallBlock):
            continue
        else:
            stack.extend(node.iter_child_nodes())
    return total


def _charge_literal(body: list[nodes.Node], lineno: int) -> list[nodes.Node]:
    size = _literal_text(body)
    if not size:
        return body
    tick = nodes.Output([_filter(nodes.Const(""), TEXT, size, lineno=lineno)])
    tick.set_lineno(lineno)
    return [tick, *body]


class _Instrument:
    def visit(self, node: nodes.Node) -> nodes.Node:
        for field in node.fields:
            value = getattr(node, field, None)
            if isinstance(value, nodes.Node):
                setattr(node, field, self.visit(value))
            elif isinstance(value, list):
                setattr(
                    node,
                    field,
                    [self.visit(v) if isinstance(v, nodes.Node) else v for v in value],
                )
        lineno = node.lineno or 1
        if isinstance(node, nodes.For):
            node.iter = _filter(node.iter, LOOP, lineno=lineno)  # type: ignore[arg-type]
            node.body = _charge_literal(node.body, lineno)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            node.body = _charge_literal(node.body, lineno)
        elif isinstance(node, nodes.Concat):
            joined = nodes.Tuple(node.nodes, "load")
            joined.set_lineno(lineno)
            return _filter(joined, CONCAT, lineno=lineno)
        elif isinstance(node, nodes.List | nodes.Dict) or (
            isinstance(node, nodes.Tuple) and node.ctx == "load"
        ):
            return _filter(node, VALUE, lineno=lineno)
        return node


def instrument(ast: nodes.Template) -> nodes.Template:
    """``ast`` with the budget's counters put in: loops, literal text, ``~`` and literals."""
    instrumented = _Instrument().visit(ast)
    assert isinstance(instrumented, nodes.Template)
    return instrumented

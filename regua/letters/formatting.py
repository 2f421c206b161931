"""Money, numbers and dates written the Brazilian way, for letters and e-mails.

Plain functions (also the sandbox's Jinja filters): Decimal in, text out, never
float, and no dependency on the process locale.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

# The sandbox's filters and the letters use these under this module's name.
from regua.ptbr import decimal_br as decimal_br
from regua.ptbr import money as money
from regua.ptbr import to_decimal as to_decimal

CENT = Decimal("0.01")

MONTHS = (
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
)


def round_cents(value: Decimal) -> Decimal:
    """Rounded half up to cents (0,005 → 0,01), as banks and the ERP do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(value: Decimal | int | str | None) -> str:
    """2 → "2%", 0.0333 → "0,0333%" (as many places as the setting has, at least none)."""
    number = to_decimal(value).normalize()
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{decimal_br(number, places)}%"


def short_date(value: datetime.date | None) -> str:
    """28/11/2026."""
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year}"


def long_date(value: datetime.date | None) -> str:
    """28 de novembro de 2026 (1º for the first day, as Brazilian usage writes it)."""
    if value is None:
        return ""
    day = "1º" if value.day == 1 else str(value.day)
    return f"{day} de {MONTHS[value.month - 1]} de {value.year}"


def days(value: int) -> str:
    """1 → "1 dia", 3 → "3 dias"."""
    return f"{value} dia" if abs(value) == 1 else f"{value} dias"


def due_status(days_overdue: int) -> str:
    """Days overdue (R2: negative before the due date) in words for a customer."""
    if days_overdue < 0:
        return f"vence em {days(-days_overdue)}"
    if days_overdue == 0:
        return "vence hoje"
    return f"venceu há {days(days_overdue)}"


def document_number(value: str) -> str:
    """CPF or CNPJ digits with their usual punctuation; anything else as given."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 14:
        return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
    if len(digits) == 11:
        return f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}"
    return value


def zip_code(value: str) -> str:
    """CEP as 01001-000 when it has its eight digits."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 8 else value


WEEKDAYS = ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira")
WEEKEND = ("sábado", "domingo")


def weekday(value: datetime.date | None) -> str:
    """The day of the week as a letter names it: "segunda-feira" … "sábado", "domingo"."""
    if value is None:
        return ""
    index = value.weekday()
    return WEEKDAYS[index] if index < 5 else WEEKEND[index - 5]


def plural(number: int | Decimal, one: str, many: str) -> str:
    """The word for ``number``: "título" for 1, "títulos" for 0 or 2 and more."""
    return one if abs(number) == 1 else many


# The nouns a company's name starts a phrase with, by the article Portuguese gives them.
_FEMININE_NOUNS = frozenset(
    [
        "distribuidora",
        "casa",
        "farmácia",
        "drogaria",
        "loja",
        "padaria",
        "indústria",
        "industria",
        "fábrica",
        "fabrica",
        "empresa",
        "construtora",
        "transportadora",
        "papelaria",
        "livraria",
        "mercearia",
        "confeitaria",
        "cooperativa",
        "associação",
        "sociedade",
        "clínica",
        "clinica",
        "escola",
        "rede",
        "companhia",
        "importadora",
        "exportadora",
        "agropecuária",
        "agropecuaria",
        "madeireira",
        "metalúrgica",
        "metalurgica",
        "editora",
        "gráfica",
        "grafica",
        "panificadora",
        "sorveteria",
    ]
)
_MASCULINE_NOUNS = frozenset(
    [
        "mercado",
        "supermercado",
        "minimercado",
        "hipermercado",
        "atacado",
        "atacadão",
        "armazém",
        "empório",
        "posto",
        "depósito",
        "deposito",
        "frigorífico",
        "frigorifico",
        "laboratório",
        "laboratorio",
        "hotel",
        "restaurante",
        "banco",
        "grupo",
        "centro",
        "instituto",
        "colégio",
        "colegio",
        "hospital",
        "magazine",
        "açougue",
        "acougue",
        "bar",
        "armarinho",
        "escritório",
        "escritorio",
        "estúdio",
        "estudio",
        "shopping",
    ]
)


def of_name(name: str) -> str:
    """ "de" joined to a company's name as Portuguese writes it.

    "Régua Distribuidora" → "da Régua Distribuidora", "Mercado Central" →
    "do Mercado Central"; a name with no noun known to take an article
    ("Fulano & Cia"; "Comercial Silva", whose first word is an adjective) takes
    none: "de Comercial Silva".
    """
    name = name.strip()
    for word in name.lower().replace(",", " ").replace(".", " ").split():
        if word in _FEMININE_NOUNS:
            return f"da {name}"
        if word in _MASCULINE_NOUNS:
            return f"do {name}"
    return f"de {name}"


_COMPANY_SUFFIXES = ("ltda", "ltda.", "me", "epp", "eireli", "s/a", "s.a.", "sa", "mei", "cia")
_PARTICLES = frozenset({"da", "de", "do", "das", "dos", "e", "di", "du"})


def is_company(document: str, name: str) -> bool:
    """A CNPJ (14 digits), or, without a document, a name ending in a company's suffix."""
    digits = "".join(ch for ch in document if ch.isdigit())
    if digits:
        return len(digits) == 14
    words = name.lower().split()
    return bool(words) and words[-1] in _COMPANY_SUFFIXES


def person_name(name: str) -> str:
    """ "JOSÉ DA SILVA" → "José da Silva": a person's name as a letter addresses it."""
    words = name.split()
    return " ".join(
        w.lower() if i and w.lower() in _PARTICLES else w[:1].upper() + w[1:].lower()
        for i, w in enumerate(words)
    )


# What fits on the window envelope's return line: 85 mm at 6,5 pt, capitals included.
RETURN_LINE_MAX = 56


def fit_words(text: str, limit: int) -> str:
    """``text`` cut after the last whole word that fits in ``limit`` characters, never mid-word."""
    if len(text) <= limit:
        return text
    kept = ""
    for word in text.split():
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > limit:
            break
        kept = candidate
    return kept.rstrip(" -,")


def return_line(
    name: str, address: str, city: str, state: str, limit: int = RETURN_LINE_MAX
) -> str:
    """The sender's line above the window: name, address and city, shortened by whole words.

    The address goes first when the line is too long, then the name loses its
    last words; the city stays, as the post office returns by it.
    """
    place = f"{city}/{state}" if city and state else city or state
    parts = [p for p in (name, address, place) if p]
    full = " - ".join(parts)
    if len(full) <= limit:
        return full
    short = " - ".join(p for p in (name, place) if p)
    if len(short) <= limit:
        return short
    room = limit - len(place) - 3 if place else limit
    kept = fit_words(name, max(room, 0))
    return " - ".join(p for p in (kept, place) if p) if kept else fit_words(short, limit)

"""The boleto itself, attached when a range asks for it (WinThor's ENVIARBOLETO, R9).

One page per título: the payer's receipt above, the "ficha de compensação" below,
laid out as FEBRABAN's specification has it (bank and code, linha digitável, local
de pagamento, vencimento, beneficiário with CNPJ, nosso número, valor do documento,
instructions on fine and interest, pagador with CPF/CNPJ and address) and the
Interleaved 2 of 5 barcode of the stored barcode, drawn as vectors at FEBRABAN's
dimensions (narrow bar 0,254 mm, wide bar three times that, 13 mm tall, 103 mm
long) so a bank's scanner reads it from paper and from the screen alike.

Only a título whose line and barcode pass their check digits gets a boleto (the
import refuses the others as printable); one whose due date was moved after the
boleto was issued does not get the old boleto: its letter says a new one is
available on request.
"""

from __future__ import annotations

import base64
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import jinja2

from regua.dunning.models import Notice
from regua.letters import formatting
from regua.letters.charges import rates_for
from regua.receivables import boleto as codes
from regua.receivables.models import Receivable

# FEBRABAN's bar widths, in millimetres.
NARROW_MM = Decimal("0.254")
WIDE_RATIO = 3
HEIGHT_MM = 13

# Interleaved 2 of 5: each digit is five elements, narrow (n) or wide (w).
_ITF_DIGITS = {
    "0": "nnwwn",
    "1": "wnnnw",
    "2": "nwnnw",
    "3": "wwnnn",
    "4": "nnwnw",
    "5": "wnwnn",
    "6": "nwwnn",
    "7": "nnnww",
    "8": "wnnwn",
    "9": "nwnwn",
}

# The banks a Brazilian company most often issues boletos with: name and the check
# digit printed beside the code ("237-2").
BANKS = {
    "001": ("Banco do Brasil", "9"),
    "033": ("Santander", "7"),
    "041": ("Banrisul", "8"),
    "070": ("BRB", "1"),
    "077": ("Banco Inter", "9"),
    "104": ("Caixa Econômica Federal", "0"),
    "136": ("Unicred", "8"),
    "212": ("Banco Original", "7"),
    "237": ("Bradesco", "2"),
    "260": ("Nu Pagamentos", "7"),
    "336": ("C6 Bank", "0"),
    "341": ("Itaú", "7"),
    "389": ("Mercantil do Brasil", "1"),
    "399": ("HSBC", "9"),
    "422": ("Safra", "7"),
    "748": ("Sicredi", "X"),
    "756": ("Sicoob", "0"),
}


def itf_elements(digits: str) -> list[tuple[bool, int]]:
    """The barcode as (is_bar, width in narrow units), start and stop patterns included."""
    if len(digits) % 2 or not digits.isdigit():
        raise ValueError("Interleaved 2 of 5 codifica um número par de dígitos")
    elements = [(True, 1), (False, 1), (True, 1), (False, 1)]  # start: narrow bar, space…
    for first, second in zip(digits[::2], digits[1::2], strict=True):
        for bar, space in zip(_ITF_DIGITS[first], _ITF_DIGITS[second], strict=True):
            elements.append((True, WIDE_RATIO if bar == "w" else 1))
            elements.append((False, WIDE_RATIO if space == "w" else 1))
    elements += [(True, WIDE_RATIO), (False, 1), (True, 1)]  # stop: wide bar, space, bar
    return elements


def itf_svg(digits: str) -> str:
    """An SVG of the barcode at FEBRABAN's size; units are narrow bars."""
    x = 0
    bars = []
    for is_bar, width in itf_elements(digits):
        if is_bar:
            bars.append(f'<rect x="{x}" y="0" width="{width}" height="1"/>')
        x += width
    width_mm = NARROW_MM * x
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{HEIGHT_MM}mm" '
        f'viewBox="0 0 {x} 1" preserveAspectRatio="none" shape-rendering="crispEdges">'
        f"{''.join(bars)}</svg>"
    )


def itf_data_uri(digits: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(itf_svg(digits).encode()).decode()


@dataclass(frozen=True, slots=True)
class BoletoSlip:
    """What one boleto page shows."""

    bank_code: str
    bank_name: str
    bank_digit: str
    line: str
    barcode: str
    barcode_image: str  # data: URI
    due_date: datetime.date | None
    amount: Decimal | None
    document: str
    issue_date: datetime.date | None
    our_number: str
    payee_name: str
    payee_cnpj: str
    payee_address: str
    payer_name: str
    payer_document: str
    payer_address: str
    instructions: tuple[str, ...]
    convenience: bool


def attachable(receivable: Receivable) -> bool:
    """Whether a título gets its boleto: a valid barcode, for the due date it still has.

    A due date moved after the boleto was issued (prorrogação) leaves the old boleto
    naming the old date: that boleto is not sent, a new one is offered instead. One
    the import stored as invalid is never sent (its check digits are read again too).
    """
    if receivable.boleto_invalid:
        return False
    try:
        read = codes.read(receivable.digitable_line, receivable.barcode)
    except codes.InvalidBoleto:
        return False
    if read is None:
        return False
    due = read.due_date(near=receivable.due_date)
    return due is None or due == receivable.due_date


def _instructions(receivable: Receivable) -> tuple[str, ...]:
    rates = rates_for(receivable.branch, receivable.collection)
    lines = []
    if rates.fine_percent:
        lines.append(f"Após o vencimento, multa de {formatting.percent(rates.fine_percent)}.")
    if rates.monthly_interest_percent:
        lines.append(
            "Juros de mora de "
            f"{formatting.percent(rates.monthly_interest_percent)} ao mês, pro rata die."
        )
    lines.append("Não receber após 60 dias do vencimento sem consultar o beneficiário.")
    return tuple(lines)


def _address(*parts: str) -> str:
    return " – ".join(part for part in parts if part)


def slip_for(receivable: Receivable) -> BoletoSlip:
    """The page of one título's boleto; call only when ``attachable(receivable)``."""
    read = codes.read(receivable.digitable_line, receivable.barcode)
    if read is None:
        raise codes.InvalidBoleto("o título não tem linha digitável nem código de barras")
    line = read.line or codes.line_from_barcode(read.barcode)
    name, digit = BANKS.get(read.bank, (f"Banco {read.bank}", ""))
    branch, customer = receivable.branch, receivable.customer
    return BoletoSlip(
        bank_code=read.bank,
        bank_name="Arrecadação" if read.convenience else name,
        bank_digit=digit,
        line=codes.format_line(line),
        barcode=read.barcode,
        barcode_image=itf_data_uri(read.barcode),
        due_date=read.due_date(near=receivable.due_date),
        amount=read.amount,
        document=f"{receivable.document}/{receivable.installment}",
        issue_date=receivable.issue_date,
        our_number=receivable.our_number,
        payee_name=branch.legal_name,
        payee_cnpj=branch.cnpj,
        payee_address=_address(
            branch.address,
            branch.district,
            f"{branch.city}/{branch.state}" if branch.city else "",
            formatting.zip_code(branch.zip_code) if branch.zip_code else "",
        ),
        payer_name=customer.name,
        payer_document=formatting.document_number(customer.document),
        payer_address=_address(
            customer.address,
            customer.district,
            f"{customer.city}/{customer.state}" if customer.city else "",
            formatting.zip_code(customer.zip_code) if customer.zip_code else "",
        ),
        instructions=_instructions(receivable),
        convenience=read.convenience,
    )


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("regua.letters", "jinja"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_ENV.filters.update(
    money=formatting.money,
    short_date=formatting.short_date,
)


def boletos_html(slips: Sequence[BoletoSlip]) -> str:
    return _ENV.get_template("boleto.html").render(slips=slips)


def notice_boletos_pdf(notice: Notice) -> bytes | None:
    """The boletos a notice's e-mail carries: one PDF, one page per título (R9).

    Only for a range with "enviar boleto" (WinThor's ENVIARBOLETO), and only the
    títulos whose barcode is valid for the due date they still have; None when
    there is none to send.
    """
    if notice.delay_range_id is None or not notice.delay_range.send_boleto:
        return None
    receivables = (
        Receivable.objects.filter(notice_items__notice=notice)
        .select_related("branch", "customer", "collection")
        .order_by("due_date", "document", "installment", "pk")
    )
    slips = [slip_for(r) for r in receivables if attachable(r)]
    return boletos_pdf(slips) if slips else None


def boletos_pdf(slips: Sequence[BoletoSlip]) -> bytes:
    """One PDF, one page per boleto."""
    from regua.letters.pdf import render_pdf

    return render_pdf(boletos_html(slips))

"""A range with "enviar boleto" (ENVIARBOLETO) attaches one PDF of boletos per notice (R9)."""

import datetime
import email
import email.policy
import io
from decimal import Decimal

import pypdf
import pypdfium2
import pytest
import zxingcpp

from regua.delivery import dispatch
from regua.letters.review import approve, list_held
from regua.letters.tests.builders import make_held_notice, pdf_text
from regua.letters.tests.test_approval_sending import smtp_inbox  # noqa: F401 - fixture
from regua.receivables import boleto as codes
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

D = datetime.date


def barcode_for(due: datetime.date, amount: str, free: str) -> str:
    """A bank boleto's barcode (Bradesco) with its general check digit."""
    return codes.bank_boleto("237", due, Decimal(amount), free).barcode


def test_each_titulo_with_a_valid_barcode_gets_its_page_in_one_pdf(smtp_inbox):  # noqa: F811
    branch = make_branch("1", legal_name="DISTRIBUIDORA EXEMPLO LTDA", cnpj="11.222.333/0001-81")
    customer = make_customer(
        name="MERCADO BOA VISTA LTDA", document="45678901000123", billing_email="f@bv.com.br"
    )
    first = barcode_for(D(2026, 11, 2), "480.00", "1234560000000000178000123")
    second = barcode_for(D(2026, 11, 9), "250.00", "1234560000000000278000123")
    moved = barcode_for(D(2026, 11, 5), "300.00", "1234560000000000378000123")
    broken = codes.format_line(codes.line_from_barcode(first)).replace("23791", "23792", 1)
    receivables = [
        make_receivable(branch, customer, D(2026, 11, 2), "480.00", document="B1", barcode=first),
        make_receivable(
            branch,
            customer,
            D(2026, 11, 9),
            "250.00",
            document="B2",
            digitable_line=codes.format_line(codes.line_from_barcode(second)),
        ),
        # Prorrogação: due 16/11 now, its boleto still names 05/11.
        make_receivable(branch, customer, D(2026, 11, 16), "300.00", document="B3", barcode=moved),
        make_receivable(
            branch, customer, D(2026, 11, 3), "90.00", document="B4", digitable_line=broken
        ),
    ]
    delay_range = make_range(1, 60, template=2, generation="email_and_letter", send_boleto=True)
    notice = make_held_notice(delay_range, receivables)
    notice.recipients = ["f@bv.com.br"]
    notice.save()
    list_held()

    dispatch(approve([notice.pk], "ana").done, "now")

    [raw] = smtp_inbox.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    letter, boletos = list(message.iter_attachments())
    assert letter.get_filename() == f"carta-{notice.pk}.pdf"
    assert boletos.get_filename() == f"boletos-{notice.pk}.pdf"
    data = boletos.get_content()
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 2  # B1 and B2 only
    text = pdf_text(data)
    assert "B1/1" in text and "B2/1" in text and "B3/1" not in text and "B4/1" not in text
    read = []
    for page in pypdfium2.PdfDocument(data):
        image = page.render(scale=4).to_pil().convert("L")
        read += [
            r.text
            for r in zxingcpp.read_barcodes(image, formats=zxingcpp.barcode_formats_from_str("ITF"))
        ]
    assert sorted(read) == sorted([first, second])
    letter_text = pdf_text(letter.get_content())
    assert "novo boleto disponível a pedido" in " ".join(letter_text.split())
    assert broken not in letter_text


def test_a_range_without_the_option_attaches_no_boleto(smtp_inbox):  # noqa: F811
    branch = make_branch("1")
    customer = make_customer(name="MERCADO BOA VISTA LTDA", billing_email="f@bv.com.br")
    code = barcode_for(D(2026, 11, 2), "480.00", "1234560000000000178000123")
    receivable = make_receivable(branch, customer, D(2026, 11, 2), "480.00", barcode=code)
    notice = make_held_notice(
        make_range(1, 60, template=2, generation="email_and_letter"), [receivable]
    )
    notice.recipients = ["f@bv.com.br"]
    notice.save()
    list_held()

    dispatch(approve([notice.pk], "ana").done, "now")

    [raw] = smtp_inbox.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    [letter] = list(message.iter_attachments())
    assert letter.get_filename() == f"carta-{notice.pk}.pdf"


def test_a_titulo_stored_as_invalid_gets_no_boleto_attached():
    from regua.letters.boleto import attachable

    branch, customer = make_branch("1"), make_customer()
    barcode = barcode_for(D(2026, 11, 2), "480.00", "1234560000000000178000123")
    valid = make_receivable(branch, customer, D(2026, 11, 2), "480.00", barcode=barcode)
    flagged = make_receivable(
        branch, customer, D(2026, 11, 2), "480.00", barcode=barcode, boleto_invalid=True
    )
    assert attachable(valid)
    assert not attachable(flagged)

"""The attached boleto: FEBRABAN's ficha de compensação with a barcode a scanner reads."""

import datetime
import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from regua.letters import boleto
from regua.receivables import boleto as codes
from regua.test import make_branch, make_collection, make_customer, make_receivable

pytestmark = pytest.mark.django_db

LINE = "23790.00009 00000.283762 40482.385545 1 15380000289601"
DUE = datetime.date(2026, 8, 14)


@pytest.fixture
def receivable():
    branch = make_branch(legal_name="DISTRIBUIDORA EXEMPLO LTDA", cnpj="11.222.333/0001-81")
    customer = make_customer(
        name="MERCADO BOA VISTA LTDA",
        document="10023757000154",
        address="Rua do Comércio, 45",
        district="Centro",
        city="Campinas",
        state="SP",
        zip_code="13010000",
    )
    return make_receivable(
        branch,
        customer,
        DUE,
        "2896.01",
        document="310010",
        installment="2",
        collection=make_collection("237", fine_percent="2.00", monthly_interest_percent="1.00"),
        digitable_line=LINE,
        our_number="00000000002",
    )


def _page_images(pdf: bytes, scale: float = 4.0):
    document = pypdfium2.PdfDocument(pdf)
    return [page.render(scale=scale).to_pil().convert("L") for page in document]


def test_the_itf_pattern_is_febrabans_size():
    elements = boleto.itf_elements("0" * 44)
    units = sum(width for _, width in elements)
    # Start (4) + 22 pairs of 18 narrow units + stop (5): 405 units of 0,254 mm = 102,87 mm.
    assert units == 405
    assert elements[:4] == [(True, 1), (False, 1), (True, 1), (False, 1)]
    assert elements[-3:] == [(True, 3), (False, 1), (True, 1)]
    with pytest.raises(ValueError):
        boleto.itf_elements("123")


def test_the_boleto_pdf_barcode_reads_back_as_the_same_44_digits(receivable):
    assert boleto.attachable(receivable)
    slip = boleto.slip_for(receivable)
    pdf = boleto.boletos_pdf([slip])

    (image,) = _page_images(pdf)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.barcode_formats_from_str("ITF"))
    assert [result.text for result in found] == [codes.read_line(LINE).barcode]


def test_the_ficha_carries_what_febraban_asks_for(receivable):
    pdf = boleto.boletos_pdf([boleto.slip_for(receivable)])
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for expected in (
        "Bradesco",
        "237-2",
        LINE,
        "14/08/2026",
        "R$ 2.896,01",
        "DISTRIBUIDORA EXEMPLO LTDA – CNPJ 11.222.333/0001-81",
        "MERCADO BOA VISTA LTDA – 10.023.757/0001-54",
        "Rua do Comércio, 45",
        "00000000002",
        "310010/2",
        "multa de 2%",
        "Ficha de compensação",
        "Recibo do pagador",
    ):
        assert expected in text, expected


def test_one_page_per_titulo(receivable):
    slip = boleto.slip_for(receivable)
    pdf = boleto.boletos_pdf([slip, slip, slip])
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3


def test_a_titulo_whose_due_date_moved_after_the_boleto_gets_no_boleto(receivable):
    receivable.due_date = DUE + datetime.timedelta(days=10)
    assert not boleto.attachable(receivable)


def test_a_broken_line_or_no_line_gets_no_boleto(receivable):
    digits = codes.only_digits(LINE)
    receivable.digitable_line = digits[:9] + str((int(digits[9]) + 1) % 10) + digits[10:]
    assert not boleto.attachable(receivable)
    receivable.digitable_line = ""
    assert not boleto.attachable(receivable)

import io
from decimal import Decimal

from PIL import Image

from regua.letters import pix
from regua.letters.tests.builders import decode_qr

# DOMAIN.md R9: the central bank's example static payload.
BCB_EXAMPLE = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)


def test_it_reproduces_the_central_banks_example_payload():
    payload = pix.static_payload(
        "123e4567-e12b-12d1-a456-426655440000", "Fulano de Tal", "BRASILIA", txid="***"
    )
    assert payload == BCB_EXAMPLE


def test_its_crc_is_crc16_ccitt_false_over_the_payload_with_6304():
    assert pix.crc16(b"123456789") == 0x29B1  # the algorithm's check value
    assert pix.crc_is_valid(BCB_EXAMPLE)
    assert not pix.crc_is_valid(BCB_EXAMPLE.replace("Tal", "Tao"))


def test_it_writes_the_amount_names_in_ascii_upper_case_and_the_txid():
    payload = pix.static_payload(
        pix.normalise_key("11.222.333/0001-81"),
        pix.merchant_text("Distribuidora São João do Açaí Ltda", pix.NAME_MAX),
        pix.merchant_text("São José dos Campos", pix.CITY_MAX),
        Decimal("1234.5"),
        pix.txid_for("CARTA-42"),
    )
    fields = pix.parse(payload)
    assert fields["00"] == "01"
    assert fields["26"] == "0014br.gov.bcb.pix011411222333000181"
    assert fields["52"] == "0000"
    assert fields["53"] == "986"
    assert fields["54"] == "1234.50"
    assert fields["58"] == "BR"
    assert fields["59"] == "DISTRIBUIDORA SAO JOAO DO"
    assert fields["60"] == "SAO JOSE DOS CA"
    assert fields["62"] == "0507CARTA42"
    assert pix.crc_is_valid(payload)


def test_it_leaves_the_amount_out_when_there_is_none():
    payload = pix.static_payload("a@b.com.br", "X", "Y", Decimal("0"))
    assert "54" not in pix.parse(payload)


def test_it_normalises_keys_as_the_dict_holds_them():
    assert pix.normalise_key(" 123.456.789-09 ") == "12345678909"
    assert pix.normalise_key("Cobranca@Empresa.com.BR") == "cobranca@empresa.com.br"
    assert pix.normalise_key("+55 (11) 99999-8888") == "+5511999998888"


def test_its_qr_image_decodes_back_to_the_payload_and_is_cached():
    payload = pix.static_payload("a@b.com.br", "EMPRESA", "CIDADE", Decimal("10.00"), "CARTA1")
    png = pix.qr_png(payload)
    assert png.startswith(b"\x89PNG")
    assert decode_qr(Image.open(io.BytesIO(png))) == [payload]
    assert pix.qr_png(payload) is png
    assert pix.qr_data_uri(payload).startswith("data:image/png;base64,")


def test_the_central_banks_example_makes_a_sharp_one_bit_qr_with_its_quiet_zone():
    image = Image.open(io.BytesIO(pix.qr_png(BCB_EXAMPLE)))
    assert image.mode == "1"
    modules = len(pix.qr_modules(BCB_EXAMPLE))
    assert image.size == ((modules + 2 * pix.QR_BORDER) * pix.QR_SCALE,) * 2
    # The quiet zone is white all round; the finder pattern's corner is black.
    border = pix.QR_BORDER * pix.QR_SCALE
    assert image.getpixel((border - 1, border - 1)) == 255
    assert image.getpixel((border, border)) == 0
    assert decode_qr(image) == [BCB_EXAMPLE]

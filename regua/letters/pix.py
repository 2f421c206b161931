"""PIX static BR Code ("copia e cola") and its QR image (R9).

The payload is EMV® QRCPS merchant-presented TLV text as the central bank's
"Manual de Padrões para Iniciação do Pix" defines it: each field is a two-digit
id, a two-digit length and the value; field 63 closes it with the CRC16-CCITT
(polynomial 0x1021, initial 0xFFFF: "CCITT-FALSE") of everything before it,
"6304" included.
"""

import base64
import functools
import re
import struct
import unicodedata
import zlib
from decimal import Decimal

import zxingcpp

from regua.letters.formatting import round_cents

GUI = "br.gov.bcb.pix"
NAME_MAX = 25
CITY_MAX = 15
TXID_MAX = 25
NO_TXID = "***"


class PixError(ValueError):
    pass


def crc16(data: bytes) -> int:
    """CRC16-CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise PixError(f"campo {tag} do PIX longo demais ({len(value)} caracteres; máximo 99)")
    return f"{tag}{len(value):02d}{value}"


def ascii_text(text: str) -> str:
    """Accents dropped and whitespace collapsed: "São Paulo" → "Sao Paulo"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = "".join(ch for ch in plain if ch.isprintable())
    return " ".join(plain.split())


def merchant_text(text: str, limit: int) -> str:
    """A merchant name or city as banks expect it: ASCII upper case, within its limit."""
    return ascii_text(text).upper()[:limit].rstrip()


_CPF = re.compile(r"^\d{3}\.\d{3}\.\d{3}-\d{2}$")
_CNPJ = re.compile(r"^\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}$")


def normalise_key(key: str) -> str:
    """A PIX key as the DICT holds it: CPF/CNPJ digits only, e-mails and random keys lower case."""
    key = key.strip()
    if _CPF.match(key) or _CNPJ.match(key):
        return re.sub(r"\D", "", key)
    if key.startswith("+"):
        return "+" + re.sub(r"\D", "", key)
    if "@" in key or re.fullmatch(r"[0-9A-Fa-f-]{36}", key):
        return key.lower()
    return key


def txid_for(text: str) -> str:
    """A static code's transaction id: letters and digits only, at most 25."""
    cleaned = re.sub(r"[^A-Za-z0-9]", "", text)[:TXID_MAX]
    return cleaned or NO_TXID


def static_payload(
    key: str,
    merchant_name: str,
    merchant_city: str,
    amount: Decimal | None = None,
    txid: str = NO_TXID,
) -> str:
    """The "copia e cola" text of a static BR Code.

    ``merchant_name`` and ``merchant_city`` are written as given (accents
    dropped, cut to 25 and 15 characters): callers that build a code for a
    branch pass them through :func:`merchant_text`. The amount (field 54) is
    left out when it is None or zero, so the payer types it.
    """
    if not key:
        raise PixError("chave PIX vazia")
    account = field("00", GUI) + field("01", key)
    parts = [field("00", "01"), field("26", account), field("52", "0000"), field("53", "986")]
    if amount is not None and amount > 0:
        text = f"{round_cents(amount):.2f}"
        if len(text) > 13:
            raise PixError(f"valor do PIX grande demais: {text}")
        parts.append(field("54", text))
    parts += [
        field("58", "BR"),
        field("59", ascii_text(merchant_name)[:NAME_MAX].rstrip()),
        field("60", ascii_text(merchant_city)[:CITY_MAX].rstrip()),
        field("62", field("05", txid)),
    ]
    body = "".join(parts) + "6304"
    return body + f"{crc16(body.encode('ascii')):04X}"


def parse(payload: str) -> dict[str, str]:
    """The top-level fields of a payload, by id (nested ones stay as text)."""
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(payload):
        tag, length = payload[pos : pos + 2], payload[pos + 2 : pos + 4]
        if len(tag) < 2 or not length.isdigit():
            raise PixError(f"PIX malformado na posição {pos}")
        fields[tag] = payload[pos + 4 : pos + 4 + int(length)]
        pos += 4 + int(length)
    return fields


def crc_is_valid(payload: str) -> bool:
    body, crc = payload[:-4], payload[-4:]
    return body.endswith("6304") and f"{crc16(body.encode('ascii')):04X}" == crc


# QR image ------------------------------------------------------------------

QR_SCALE = 4  # pixels per module: 212–244 px for a typical payload, sharp when printed at 35 mm
QR_BORDER = 4  # the quiet zone the standard asks for, in modules


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


# zxing-cpp draws a dark module as byte 0 and a light one as 255; PNG grayscale
# at one bit per pixel has 0 for black, so a dark module becomes the digit "0".
_MODULE_BITS = bytes.maketrans(b"\x00\xff", b"01")


def qr_modules(payload: str) -> list[str]:
    """The QR symbol of a payload as rows of "0" (dark) and "1" (light), without quiet zone.

    Error correction level M, as banks' apps expect; zxing-cpp (C++) picks the
    version and scores the masks as the standard says, in a fraction of a millisecond.
    """
    image = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        add_quiet_zones=False
    )
    height, width = image.shape
    # The image has the buffer protocol; zxing-cpp's stub does not say so.
    bits = bytes(image).translate(_MODULE_BITS).decode("ascii")  # type: ignore[call-overload]
    return [bits[row * width : (row + 1) * width] for row in range(height)]


def _png(rows: list[str], scale: int, border: int) -> bytes:
    """A 1-bit grayscale PNG of a QR symbol, built row by row (faster than a pixel loop)."""
    width = (len(rows) + 2 * border) * scale
    padding = "1" * (-width % 8)
    nbytes = (width + len(padding)) // 8

    def scanline(bits: str) -> bytes:
        wide = bits.replace("0", "0" * scale).replace("1", "1" * scale) + padding
        return b"\x00" + int(wide, 2).to_bytes(nbytes, "big")

    margin = "1" * border
    quiet = scanline("1" * (len(rows) + 2 * border)) * (border * scale)
    lines = [quiet]
    for row in rows:
        lines.append(scanline(margin + row + margin) * scale)
    lines.append(quiet)
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(lines), 9))
        + _chunk(b"IEND", b"")
    )


@functools.lru_cache(maxsize=4096)
def qr_png(payload: str) -> bytes:
    """The QR image of a payload, PNG; cached, since a notice is rendered more than once
    (review, approval, sending) and encoding is the costly part of an e-mail."""
    return _png(qr_modules(payload), QR_SCALE, QR_BORDER)


@functools.lru_cache(maxsize=4096)
def qr_data_uri(payload: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(payload)).decode("ascii")

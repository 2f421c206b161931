"""Hand-built notices and reading helpers for the letters tests."""

import base64
import datetime
import io
import re
from typing import Any

import pypdf
import zxingcpp
from PIL import Image

from regua import test
from regua.dunning.models import DelayRange, DunningRun, Notice
from regua.receivables.models import Receivable

REFERENCE_DATE = datetime.date(2026, 11, 28)


def make_held_notice(
    delay_range: DelayRange,
    receivables: list[Receivable],
    *,
    status: str = "held",
    reference_date: datetime.date = REFERENCE_DATE,
    run: DunningRun | None = None,
    effective_due_dates: dict[int, datetime.date] | None = None,
    user: str = "ana",
    **fields: Any,
) -> Notice:
    """``regua.test.make_notice`` with the letters tests' defaults: held, made on 28/11/2026."""
    return test.make_notice(
        delay_range,
        receivables,
        status=status,
        reference_date=reference_date,
        run=run,
        user=user,
        effective_due_dates=effective_due_dates,
        **fields,
    )


def stored_pdf(notice: Notice) -> bytes:
    notice.refresh_from_db(fields=["pdf"])
    assert notice.pdf is not None
    return bytes(notice.pdf)


def pdf_text(data: bytes | None) -> str:
    assert data is not None
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text with its line breaks joined, for values a layout may wrap."""
    return re.sub(r"\s*\n\s*", " ", text)


def decode_qr(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def qr_in_html(html: str) -> list[str]:
    found = []
    for data in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html):
        found += decode_qr(Image.open(io.BytesIO(base64.b64decode(data))))
    return found


def qr_in_pdf(data: bytes | None) -> list[str]:
    assert data is not None
    found = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            assert image.image is not None
            found += decode_qr(image.image)
    return found

"""Hand-built notices and reading helpers for the letters tests."""

import base64
import datetime
import io
import re
from decimal import Decimal

import pypdf
import zxingcpp
from PIL import Image

from regua.dunning import lifecycle
from regua.dunning.models import DelayRange, DunningRun, Notice, NoticeItem
from regua.receivables.models import Receivable

REFERENCE_DATE = datetime.date(2026, 11, 28)


def make_notice(
    delay_range: DelayRange,
    receivables: list[Receivable],
    *,
    status: str = "held",
    reference_date: datetime.date = REFERENCE_DATE,
    run: DunningRun | None = None,
    effective_due_dates: dict[int, datetime.date] | None = None,
    user: str = "ana",
) -> Notice:
    """A notice as a run makes it; ``effective_due_dates`` maps a receivable's pk to its moved date."""
    first = receivables[0]
    run = run or DunningRun.objects.create(user=user, reference_date=reference_date)
    notice = Notice.objects.create(
        run=run,
        branch=first.branch,
        customer=first.customer,
        delay_range=delay_range,
        range_start=delay_range.start_day,
        range_end=delay_range.end_day,
        template=delay_range.template,
        template_number=delay_range.template.number,
        generation=delay_range.generation,
        reference_date=reference_date,
        user=user,
        status=status,
        total_balance=sum((r.balance for r in receivables), Decimal("0.00")),
    )
    moved = effective_due_dates or {}
    for r in receivables:
        effective = moved.get(r.pk, r.due_date)
        NoticeItem.objects.create(
            notice=notice,
            receivable=r,
            delay_range=delay_range,
            due_date=r.due_date,
            effective_due_date=effective,
            days_overdue=(reference_date - effective).days,
            range_start=delay_range.start_day,
            range_end=delay_range.end_day,
            balance=r.balance,
            blocks=lifecycle.blocks(status),
        )
    return notice


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

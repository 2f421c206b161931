"""Turning a notice into its subject, e-mail bodies and (for letters) PDF.

The letters issue grows this into the full A4 letter, PIX and inlined CSS; the
interface stays: ``render_notice(notice) -> RenderedNotice``.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.html import linebreaks
from jinja2.sandbox import SandboxedEnvironment

from regua.dunning.models import Notice


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    text: str
    html: str
    pdf: bytes | None


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)


def notice_context(notice: Notice) -> dict[str, Any]:
    items = [
        {
            "document": item.receivable.document,
            "installment": item.receivable.installment,
            "issue_date": item.receivable.issue_date,
            "due_date": item.due_date,
            "days_overdue": item.days_overdue,
            "balance": item.balance,
        }
        for item in notice.items.select_related("receivable").order_by("due_date", "id")
    ]
    return {
        "branch": notice.branch,
        "customer": notice.customer,
        "items": items,
        "total_balance": notice.total_balance,
        "reference_date": notice.reference_date,
    }


def render_notice(notice: Notice) -> RenderedNotice:
    env = _environment()
    context = notice_context(notice)
    template = notice.template
    # A header holds one line: whatever a template or a customer's name brings,
    # line breaks never reach the Subject.
    subject = " ".join(env.from_string(template.subject).render(context).split())
    text = env.from_string(template.body_text).render(context)
    if template.body_html:
        html = SandboxedEnvironment(autoescape=True).from_string(template.body_html).render(context)
    else:
        html = linebreaks(text, autoescape=True)
    return RenderedNotice(subject=subject, text=text, html=html, pdf=None)

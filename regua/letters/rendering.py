"""Turning a notice into its subject, e-mail bodies and (for letters) PDF.

One template gives every part: the subject and plain-text e-mail (no
escaping), the HTML e-mail (autoescaped, its CSS inlined when the template was
saved), and the letter (autoescaped, inside the fixed A4 frame of ``pdf.py``).
"""

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.utils.html import linebreaks

from regua.bulk.sql import update_instances
from regua.dunning import lifecycle
from regua.dunning.models import GenerationType, Notice, NoticeItem
from regua.letters import pdf as letter_pdf
from regua.letters.budget import TemplateLimitExceeded
from regua.letters.inlining import inline_css
from regua.letters.isolation import Overrun, report, run_limited
from regua.letters.layouts import email_html, letter_html
from regua.letters.loading import load_items, notice_context
from regua.letters.models import LetterSettings, LetterTemplate
from regua.letters.samples import sample_contexts
from regua.letters.sandbox import (
    TemplateInvalid,
    TemplateProblem,
    compiled,
    reads,
    single_line,
    validate_template,
)
from regua.letters.variables import ItemData


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    text: str
    html: str
    pdf: bytes | None
    # The fine, interest and updated amount each item showed, while the notice is still
    # open for them (see ``freeze_charges``); empty once it is on its way.
    charges: tuple[tuple[NoticeItem, ItemData], ...] = ()


@dataclass(frozen=True)
class Parts:
    """A template's sources as rendering needs them (the HTML e-mail already inlined)."""

    subject: str
    body_text: str
    body_html: str
    letter_html: str
    label: str = ""  # "Modelo 2 (Aviso de débito em atraso)", to name it in errors

    @classmethod
    def of(cls, template: LetterTemplate) -> "Parts":
        return cls(
            subject=template.subject,
            body_text=template.body_text,
            body_html=template.body_html_ready,
            letter_html=template.letter_html,
            label=f"Modelo {template.number} ({template.name})",
        )

    @property
    def reads_final_notice(self) -> bool:
        return any(
            reads(source, "final_notice")
            for source in (self.subject, self.body_text, self.body_html, self.letter_html)
        )


def render_email(parts: Parts, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject (one line), text and HTML of the e-mail."""
    subject = single_line(compiled("subject", parts.subject).render(context))
    text = compiled("body_text", parts.body_text).render(context)
    if parts.body_html:
        html = email_html(context, compiled("body_html", parts.body_html).render(context))
    else:
        html = linebreaks(text, autoescape=True)
    return subject, text, html


def letter_document(parts: Parts, context: dict[str, Any], text: str | None = None) -> str:
    """The letter's whole HTML document; without "Carta (HTML)" the e-mail text is the letter."""
    if parts.letter_html.strip():
        content = compiled("letter_html", parts.letter_html).render(context)
    else:
        if text is None:
            text = compiled("body_text", parts.body_text).render(context)
        content = linebreaks(text, autoescape=True)
    return letter_html(context, content)


def render(parts: Parts, context: dict[str, Any], *, with_pdf: bool) -> RenderedNotice:
    try:
        subject, text, html = render_email(parts, context)
        pdf = letter_pdf.render_pdf(letter_document(parts, context, text)) if with_pdf else None
    except TemplateLimitExceeded as exc:  # the notice fails naming its template and the limit
        if parts.label:
            exc.within(parts.label)
        raise
    return RenderedNotice(subject=subject, text=text, html=html, pdf=pdf)


_CHARGE_FIELDS = ("fine", "interest", "updated_amount")


def freeze_charges(rendered: Iterable[RenderedNotice]) -> None:
    """Write each item's fine, interest and updated amount as its letter showed them (R9, R10).

    The explicit step after rendering, taken by the outbox before sending and by
    approval: rendering itself writes nothing. Items of any number of notices in
    one statement; items that already hold those amounts are left alone.
    """
    changed = []
    for one in rendered:
        for item, shown in one.charges:
            values = (shown.fine, shown.interest, shown.updated_amount)
            if (item.fine, item.interest, item.updated_amount) != values:
                item.fine, item.interest, item.updated_amount = values
                changed.append(item)
    if changed:
        update_instances(changed, _CHARGE_FIELDS)


def _settings_for(parts: Parts) -> LetterSettings:
    """The letter settings, read from the database only for a template that shows them.

    The other templates get the unsaved defaults, which they never show.
    """
    return LetterSettings.load() if parts.reads_final_notice else LetterSettings()


def render_notice(notice: Notice, *, with_pdf: bool | None = None) -> RenderedNotice:
    """The notice as it is sent: e-mail parts, and the PDF letter for "Email e Carta"
    (or as ``with_pdf`` says). The same path as a group's (``render_notices``).

    Writes nothing: ``freeze_charges`` keeps the amounts shown on the items. The PDF
    is rendered afresh (R8 may have dropped títulos since the review); the same
    notice and data always give the same bytes.
    """
    outcome = render_notices([notice], with_pdf=with_pdf)[notice.pk]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def render_notices(
    notices: Sequence[Notice], *, with_pdf: bool | None = None
) -> dict[int, RenderedNotice | Exception]:
    """Each notice rendered, the group in one pass; nothing is written.

    One query reads every notice's títulos and the letter settings are read
    once. A notice that cannot be rendered (a template failing on its data) gets
    its exception; the others are rendered all the same. Branch, customer and
    template should come selected with the notices. ``with_pdf`` None: the PDF
    letter for "Email e Carta" notices only.
    """
    items = load_items(notices)
    parts = {n.template_id: Parts.of(n.template) for n in notices}
    settings = (
        LetterSettings.load()
        if any(p.reads_final_notice for p in parts.values())
        else LetterSettings()
    )
    out: dict[int, RenderedNotice | Exception] = {}
    for notice in notices:
        try:
            built = notice_context(notice, settings, items=items[notice.pk])
            rendered = render(
                parts[notice.template_id],
                built.context,
                with_pdf=(
                    notice.generation == GenerationType.EMAIL_AND_LETTER
                    if with_pdf is None
                    else with_pdf
                ),
            )
        except Exception as e:  # noqa: BLE001 - kept for this notice, reported by the caller
            out[notice.pk] = e
            continue
        if notice.status in lifecycle.OPEN_FOR_RENDERING:
            rendered = replace(rendered, charges=tuple(built.items))
        out[notice.pk] = rendered
    return out


def render_letter(notice: Notice) -> bytes:
    """The PDF letter of a notice, whatever its generation type."""
    rendered = render_notice(notice, with_pdf=True)
    assert rendered.pdf is not None
    return rendered.pdf


def notice_letter_document(notice: Notice) -> str:
    parts = Parts.of(notice.template)
    built = notice_context(notice, _settings_for(parts))
    return letter_document(parts, built.context)


def preview(template_fields: dict[str, str], *, with_pdf: bool = True) -> RenderedNotice:
    """The template (saved or not) rendered on the sample data; raises TemplateInvalid.

    In a child process with a time limit, as validation (``isolation.py``).
    """
    try:
        outcome = run_limited(_preview, dict(template_fields), with_pdf)
    except Overrun as exc:
        problem = TemplateProblem(exc.step or "letter_html", None, f"a prévia {exc}")
        raise TemplateInvalid([problem]) from None
    if isinstance(outcome, list):
        raise TemplateInvalid(outcome)
    assert isinstance(outcome, RenderedNotice)
    return outcome


def _preview(
    template_fields: dict[str, str], with_pdf: bool
) -> RenderedNotice | list[TemplateProblem]:
    problems = validate_template(template_fields)
    if problems:
        return problems
    report("letter_html")
    parts = Parts(
        subject=template_fields["subject"],
        body_text=template_fields["body_text"],
        body_html=inline_css(template_fields.get("body_html", "")),
        letter_html=template_fields.get("letter_html", ""),
    )
    return render(parts, sample_contexts()[0], with_pdf=with_pdf)


_DATA_IMAGE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def html_with_cid(html: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The HTML with its ``data:`` PNG images turned into ``cid:`` references, and the images.

    Gmail and Outlook do not show ``data:`` images: a sender that builds
    multipart/related messages attaches each image inline with its Content-ID.
    """
    images: list[tuple[str, bytes]] = []
    seen: dict[str, str] = {}

    def swap(match: re.Match[str]) -> str:
        data = match.group(1)
        if data not in seen:
            cid = f"img{len(seen) + 1}@regua"
            seen[data] = cid
            images.append((cid, base64.b64decode(data)))
        return f'src="cid:{seen[data]}"'

    return _DATA_IMAGE.sub(swap, html), images

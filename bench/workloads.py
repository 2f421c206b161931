"""Benchmark work that runs inside Django, in a child pointed at the bench database::

    python -m bench.workloads probe
    python -m bench.workloads render --emails 5000 --letters 200
    python -m bench.workloads messages --count 5000 --out FILE
    python -m bench.workloads email-settings --port 2525

Each prints one JSON line. ``probe`` tells which of Régua's parts exist yet,
so a benchmark whose part has not landed says so instead of failing.
"""

import argparse
import gc
import importlib
import json
import os
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import django


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regua.settings")
    django.setup()


def _find(path: str) -> Any:
    """``module:attribute`` if both exist, else None."""
    module_name, _, attr = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, attr, None) if attr else module


def probe() -> dict[str, Any]:
    found = {
        name: _find(path) is not None
        for name, path in {
            "execute_run": "regua.dunning.runs:execute_run",
            "render_notice": "regua.letters.rendering:render_notice",
            "render_pdf": "regua.letters.pdf:render_pdf",
            "notice_message": "regua.delivery.messages:notice_message",
            "email_settings": "regua.delivery.models:EmailSettings",
            "import_file": "regua.receivables.importing:import_file",
        }.items()
    }
    return found


def _one_core() -> int | None:
    """Pin this process to one CPU: B2 measures rendering on one core."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (AttributeError, OSError):
        return None


def _timed(notices: Sequence[Any], work: Callable[[Any], Any]) -> float:
    gc.collect()
    started = time.perf_counter()
    for notice in notices:
        work(notice)
    return time.perf_counter() - started


def render(emails: int, letters: int) -> dict[str, Any]:
    """E-mails (HTML + text, PIX QR) and PDF letters per second through render_notices
    (render_notice one by one before it existed).

    Letters are also rendered by WeasyPrint directly from the same HTML, the floor.
    """
    from regua.dunning.models import GenerationType, Notice

    cpu = _one_core()
    render_notice = _find("regua.letters.rendering:render_notice")
    result: dict[str, Any] = {"cpu": cpu}
    base = Notice.objects.select_related("branch", "customer", "template", "delay_range")
    mail = list(
        base.filter(generation=GenerationType.EMAIL, status="pending").order_by("pk")[:emails]
    )
    if mail:
        render_notice(mail[0])  # warm the caches (templates, fonts) outside the clock
        # As the worker renders them: a claimed group at a time, when Régua can.
        render_notices = _find("regua.letters.rendering:render_notices")
        # Notices a worker claims and renders together (regua.delivery.outbox's group).
        group = _find("regua.delivery.outbox:GROUP_SIZE") or 25
        if render_notices:
            groups = [mail[i : i + group] for i in range(0, len(mail), group)]
            seconds = _timed(groups, render_notices)
            result["grouped"] = group
        else:
            seconds = _timed(mail, render_notice)
        result.update(emails=len(mail), email_seconds=seconds)
        sample = render_notice(mail[-1])
        result["email_has_pix"] = "data:image" in sample.html or "cid:" in sample.html
    held = list(base.filter(generation=GenerationType.EMAIL_AND_LETTER).order_by("pk")[:letters])
    letter = _find("regua.letters.rendering:render_letter") or render_notice
    html_of = _find("regua.letters.rendering:notice_letter_document")
    if held:
        first = letter(held[0])
        if getattr(first, "pdf", None) is None and not isinstance(first, bytes):
            result["letters_unavailable"] = "render_notice ainda não gera o PDF da carta"
        else:
            seconds = _timed(held, letter)
            result.update(letters=len(held), letter_seconds=seconds)
            if html_of is not None:
                result.update(_weasyprint_floor([html_of(n) for n in held]))
    return result


def _weasyprint_floor(htmls: list[str]) -> dict[str, Any]:
    """WeasyPrint alone at its best: the same HTML documents and stylesheet, straight to
    PDF bytes, with the stylesheet and fonts parsed once for all letters."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    pdf = _find("regua.letters.pdf")
    stylesheet = getattr(pdf, "STYLESHEET", None)
    base_url = str(getattr(pdf, "STATIC_DIR", "")) + "/"
    fonts = FontConfiguration()
    sheets = [CSS(filename=str(stylesheet), font_config=fonts)] if stylesheet else []

    def write(html: str) -> bytes:
        return HTML(string=html, base_url=base_url).write_pdf(stylesheets=sheets, font_config=fonts)

    write(htmls[0])
    gc.collect()
    started = time.perf_counter()
    for html in htmls:
        write(html)
    return {"weasyprint_letters": len(htmls), "weasyprint_seconds": time.perf_counter() - started}


def messages(count: int, out: str, parts: int) -> dict[str, Any]:
    """The pending notices' messages, built as the worker builds them, for smtplib.

    Rendered and composed inside a transaction that is rolled back, so the
    notices stay exactly as the worker will find them. Written as ``parts``
    files (OUT.0, OUT.1, …), one per smtplib connection.
    """
    from django.db import transaction
    from django.utils import timezone

    from regua.delivery import messages as m
    from regua.delivery.models import BranchSender, EmailSettings
    from regua.dunning.models import Notice
    from regua.letters.rendering import render_notice

    cfg = EmailSettings.load()
    now = timezone.now()
    built = []
    senders: dict[int, Any] = {}
    with transaction.atomic():
        notices = (
            Notice.objects.filter(status="pending")
            .select_related("branch", "customer", "template")
            .order_by("pk")[:count]
        )
        for notice in notices:
            if notice.branch_id not in senders:
                override = BranchSender.objects.filter(branch_id=notice.branch_id).first()
                senders[notice.branch_id] = m.sender_for(cfg, override)
            sender = senders[notice.branch_id]
            rendered = render_notice(notice)
            notice.subject, notice.body_text, notice.body_html = (
                rendered.subject,
                rendered.text,
                rendered.html,
            )
            notice.pdf = rendered.pdf
            notice.message_id = m.new_message_id(m.domain_of(sender.address), notice.pk)
            outgoing = m.notice_message(notice, sender, now=now)
            built.append((outgoing.envelope_from, [*outgoing.to, *outgoing.copies], outgoing.data))
        transaction.set_rollback(True)
    for part in range(parts):
        with open(f"{out}.{part}", "wb") as f:
            pickle.dump(built[part::parts], f)
    return {"messages": len(built), "bytes": sum(len(b[2]) for b in built)}


def run(date: str) -> dict[str, Any]:
    """A real run without sending, through the function (the command's report left out)."""
    import datetime

    from regua.delivery import dispatch
    from regua.dunning.runs import execute_run

    started = time.perf_counter()
    result = execute_run(datetime.date.fromisoformat(date), user="bench")
    dispatch(result.pending, "queue")
    return {"seconds": time.perf_counter() - started, "notices": len(result.notices)}


def email_settings(port: int) -> dict[str, Any]:
    """Point Régua at the sink: plain SMTP on 127.0.0.1, no password, no pace limit."""
    from regua.delivery.models import EmailSettings

    EmailSettings.objects.update_or_create(
        pk=1,
        defaults={
            "host": "127.0.0.1",
            "port": port,
            "security": "none",
            "from_name": "Cobrança Bench",
            "from_email": "cobranca@bench.example.com.br",
            "timeout": 30,
            "rate_per_minute": 0,
            "mode": "smtp",
        },
    )
    return {"port": port}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workloads")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("probe")
    p = sub.add_parser("render")
    p.add_argument("--emails", type=int, required=True)
    p.add_argument("--letters", type=int, required=True)
    p = sub.add_parser("messages")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--parts", type=int, default=1)
    p = sub.add_parser("run")
    p.add_argument("--date", required=True)
    p = sub.add_parser("email-settings")
    p.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    _setup()
    if args.what == "probe":
        result = probe()
    elif args.what == "render":
        result = render(args.emails, args.letters)
    elif args.what == "messages":
        result = messages(args.count, args.out, args.parts)
    elif args.what == "run":
        result = run(args.date)
    else:
        result = email_settings(args.port)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

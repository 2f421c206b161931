"""The message of a notice: its headers, its parts, and no way to inject a header."""

import base64
import datetime
import email
import email.policy

import pytest

from regua.delivery.messages import (
    MessageError,
    NoRecipients,
    compose,
    encode_words,
    notice_message,
    sender_for,
)
from regua.delivery.models import BranchSender, EmailSettings
from regua.delivery.outbox import deliver_now
from regua.delivery.tests.builders import make_outbox_notice, refreshed, use_server

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def settings_for_tests(**fields) -> EmailSettings:
    values = {
        "host": "127.0.0.1",
        "from_email": "cobranca@exemplo.com.br",
        "from_name": "Cobrança Exemplo",
        "reply_to": "financeiro@exemplo.com.br",
        "cc": "gerente@exemplo.com.br",
        "bcc": "arquivo@exemplo.com.br; auditoria@exemplo.com.br",
    }
    values.update(fields)
    return EmailSettings.objects.create(pk=1, **values)


def built(notice, cfg=None, override=None):
    notice.message_id = notice.message_id or "<regua.1.abc@exemplo.com.br>"
    return notice_message(notice, sender_for(cfg or settings_for_tests(), override), now=NOW)


def test_a_notice_becomes_a_multipart_message_with_every_header():
    notice = make_outbox_notice(
        recipients=["financeiro@cliente.com.br", "dono@cliente.com.br"],
        customer_name="PADARIA SÃO JOÃO",
        subject="Aviso de débito em atraso - Distribuidora Exemplo",
    )

    out = built(notice)
    message = parse(out.data)

    assert message["Message-ID"] == "<regua.1.abc@exemplo.com.br>"
    assert message["From"] == "Cobrança Exemplo <cobranca@exemplo.com.br>"
    assert [a.addr_spec for a in message["To"].addresses] == [
        "financeiro@cliente.com.br",
        "dono@cliente.com.br",
    ]
    assert message["To"].addresses[0].display_name == "PADARIA SÃO JOÃO"
    assert message["Cc"] == "gerente@exemplo.com.br"
    assert message["Reply-To"] == "financeiro@exemplo.com.br"
    assert message["Bcc"] is None  # copies travel in the envelope only
    assert message["Subject"] == "Aviso de débito em atraso - Distribuidora Exemplo"
    assert message["Date"].datetime == NOW
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "consta em aberto o título abaixo." in text
    assert "<p>Prezado cliente,</p>" in html
    assert out.to == ["financeiro@cliente.com.br", "dono@cliente.com.br"]
    assert out.copies == [
        "gerente@exemplo.com.br",
        "arquivo@exemplo.com.br",
        "auditoria@exemplo.com.br",
    ]


def test_a_letter_carries_its_pdf_as_an_attachment():
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    notice = make_outbox_notice(pdf=pdf)

    message = parse(built(notice).data)

    assert message.get_content_type() == "multipart/mixed"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"carta-{notice.pk}.pdf"
    assert attachment.get_content() == pdf
    assert "consta em aberto" in message.get_body(("plain",)).get_content()


def test_the_pix_qr_travels_as_an_inline_image_the_html_refers_to_by_content_id():
    png = bytes.fromhex("89504e470d0a1a0a") + b"qr-code-bytes"
    data_uri = "data:image/png;base64," + base64.b64encode(png).decode()
    notice = make_outbox_notice()
    notice.body_html = f'<p>Pague com PIX:</p><img alt="QR Code PIX" src="{data_uri}">'

    message = parse(built(notice).data)

    html_part = message.get_body(("html",))
    assert "data:image" not in html_part.get_content()
    (image,) = [p for p in message.walk() if p.get_content_type() == "image/png"]
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html_part.get_content()
    assert image.get_content() == png
    assert any(p.get_content_type() == "multipart/related" for p in message.walk())


def test_a_branch_sends_with_its_own_name_address_reply_to_and_signature():
    notice = make_outbox_notice()
    override = BranchSender.objects.create(
        branch=notice.branch,
        from_name="Filial Campinas",
        from_email="campinas@exemplo.com.br",
        reply_to="financeiro.campinas@exemplo.com.br",
        signature="Setor de Cobrança\nFone (19) 3000-0000 <ramal 2>",
    )

    out = built(notice, override=override)
    message = parse(out.data)

    assert message["From"] == "Filial Campinas <campinas@exemplo.com.br>"
    assert message["Reply-To"] == "financeiro.campinas@exemplo.com.br"
    assert out.envelope_from == "cobranca@exemplo.com.br"  # the account that authenticates
    assert (
        message.get_body(("plain",))
        .get_content()
        .endswith("abaixo.\r\n\r\n-- \r\nSetor de Cobrança\r\nFone (19) 3000-0000 <ramal 2>\r\n")
    )
    assert "Fone (19) 3000-0000 &lt;ramal 2&gt;" in message.get_body(("html",)).get_content()


def test_a_customer_name_with_line_breaks_cannot_add_a_header_or_a_recipient():
    notice = make_outbox_notice(
        recipients=["maria@cliente.com.br"],
        customer_name='MARIA\r\nBcc: ladrao@fora.com\r\nX-Injected: "sim"',
    )

    out = built(notice)
    message = parse(out.data)

    assert message["Bcc"] is None
    assert message["X-Injected"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["maria@cliente.com.br"]
    assert "ladrao@fora.com" not in out.to + out.copies
    assert message["To"].addresses[0].display_name.startswith("MARIA Bcc: ladrao@fora.com")


def test_an_address_with_a_line_break_is_left_out_and_reported():
    notice = make_outbox_notice(
        recipients=["maria@cliente.com.br\r\nBcc: ladrao@fora.com", "joao@cliente.com.br"]
    )

    out = built(notice)

    assert out.to == ["joao@cliente.com.br"]
    assert list(out.invalid) == ["maria@cliente.com.br\r\nBcc: ladrao@fora.com"]
    assert "quebra de linha" in out.invalid["maria@cliente.com.br\r\nBcc: ladrao@fora.com"]
    assert b"ladrao" not in out.data


def test_a_subject_with_a_line_break_is_a_clear_failure_not_a_new_header():
    notice = make_outbox_notice(subject="Aviso\r\nBcc: ladrao@fora.com")

    with pytest.raises(MessageError, match="o assunto da carta contém quebra de linha"):
        built(notice)


def test_compose_refuses_any_header_value_with_a_line_break():
    with pytest.raises(MessageError, match="Reply-To"):
        compose(
            message_id="<a@b.com>",
            date=NOW,
            from_header="a@b.com",
            to_headers=["c@d.com"],
            cc=[],
            reply_to="x@y.com\nBcc: z@w.com",
            subject="ok",
            text="t",
            html="h",
        )


def test_a_notice_without_any_valid_address_has_no_recipients():
    notice = make_outbox_notice(recipients=["não é e-mail", "a@@b"])

    with pytest.raises(NoRecipients) as raised:
        built(notice)

    assert set(raised.value.invalid) == {"não é e-mail", "a@@b"}


def test_an_address_already_refused_for_good_is_not_tried_again():
    notice = make_outbox_notice(recipients=["Velho@Cliente.com.br", "novo@cliente.com.br"])
    notice.customer.invalid_emails = ["velho@cliente.com.br"]
    notice.customer.save()

    out = built(refreshed(notice))

    assert out.to == ["novo@cliente.com.br"]
    assert "Velho@Cliente.com.br" in out.invalid


def test_long_and_accented_subjects_are_encoded_and_come_back_intact():
    subject = "Notificação extrajudicial – débitos em atraso " * 6

    encoded = encode_words(subject.strip())

    assert all(len(line) <= 78 for line in encoded.split("\r\n"))
    assert parse(f"Subject: {encoded}\r\n\r\n".encode())["Subject"] == subject.strip()


def test_the_outbox_fails_a_notice_whose_subject_would_inject_a_header(smtp_server):
    use_server(smtp_server)
    notice = make_outbox_notice(subject="Aviso\nBcc: ladrao@fora.com")

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "failed"
    assert notice.reason == "mensagem inválida: o assunto da carta contém quebra de linha"
    assert smtp_server.received == []


def test_the_outbox_skips_a_notice_with_no_valid_address(smtp_server):
    use_server(smtp_server)
    notice = make_outbox_notice(recipients=["sem-arroba"])

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "skipped"
    assert notice.reason == "no_email"
    assert "sem-arroba" in notice.refused_recipients
    assert not notice.items.filter(blocks=True).exists()


def test_a_customer_name_spelling_an_encoded_word_is_shown_as_typed_not_decoded():
    # "=?utf-8?b?QmFuY28gZG8gQnJhc2ls?=" decodes to "Banco do Brasil".
    name = "Loja =?utf-8?b?QmFuY28gZG8gQnJhc2ls?= Ltda"
    notice = make_outbox_notice(recipients=["financeiro@cliente.com.br"], customer_name=name)

    message = parse(built(notice).data)

    assert message["To"].addresses[0].display_name == name
    assert message["To"].addresses[0].addr_spec == "financeiro@cliente.com.br"
    assert "Banco do Brasil" not in str(message["To"])


def test_a_sender_name_spelling_an_encoded_word_is_shown_as_typed_too():
    name = "=?utf-8?q?Banco_Central?="
    message = parse(built(make_outbox_notice(), settings_for_tests(from_name=name)).data)

    assert message["From"].addresses[0].display_name == name

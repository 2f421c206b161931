import datetime
import json

import pytest

from regua.audit.models import AuditEntry
from regua.dunning.models import DunningRun, Notice, NoticeStatus
from regua.letters.editing import default_templates
from regua.letters.inlining import inline_css
from regua.letters.models import LetterTemplate
from regua.letters.tests.builders import make_held_notice, pdf_text
from regua.test import make_branch, make_customer, make_range, make_receivable

D = datetime.date


@pytest.fixture(autouse=True)
def seeded_templates(transactional_db):
    """The commands run in child processes, so the data is committed and flushed after
    each test, taking the templates the migrations seeded with it: seed them again."""
    for number, fields in default_templates().items():
        LetterTemplate.objects.update_or_create(
            number=number, defaults={**fields, "body_html_ready": inline_css(fields["body_html"])}
        )


@pytest.fixture
def held_notices(transactional_db):
    branch = make_branch("1")
    letter_range = make_range(1, 60, template=3, generation="email_and_letter")
    run = DunningRun.objects.create(user="ana", reference_date=D(2026, 11, 28))
    notices = []
    for name in ("ALFA MERCADO LTDA", "BETA COMERCIO LTDA"):
        customer = make_customer(name=name, billing_email="financeiro@cliente.com.br")
        receivable = make_receivable(branch, customer, D(2026, 11, 1), "480.00")
        notices.append(make_held_notice(letter_range, [receivable], run=run))
    return run, notices


def test_templates_export_and_import_through_a_folder(regua_cli, tmp_path):
    folder = tmp_path / "modelos"
    out = regua_cli("templates", "export", str(folder))
    assert out.returncode == 0, out.stderr
    assert (folder / "3" / "letter.html").read_text() == LetterTemplate.objects.get(
        number=3
    ).letter_html
    assert (folder / "1" / "name.txt").read_text() == "Lembrete\n"
    subject = folder / "2" / "subject.txt"
    subject.write_text("Débito em aberto - {{ branch.legal_name }}\n")
    out = regua_cli("templates", "import", str(folder), "--user", "ana")
    assert out.returncode == 0, out.stderr
    assert "Modelo 2 - Aviso de débito em atraso: salvo" in out.stdout
    assert (
        LetterTemplate.objects.get(number=2).subject == "Débito em aberto - {{ branch.legal_name }}"
    )
    [entry] = AuditEntry.objects.filter(action="template.change")
    assert entry.user == "ana" and entry.changes["subject"][1].startswith("Débito em aberto")


def test_templates_import_refuses_the_whole_file_when_one_template_is_invalid(regua_cli, tmp_path):
    path = tmp_path / "modelos.json"
    assert regua_cli("templates", "export", str(path)).returncode == 0
    data = json.loads(path.read_text())
    assert data["format"] == "regua-templates"
    data["templates"][0]["name"] = "Lembrete novo"
    data["templates"][2]["body_text"] = (
        "{{ branch.legal_name }} {{ branch.cnpj }}\n{{ config.items() }}"
    )
    path.write_text(json.dumps(data))
    out = regua_cli("templates", "import", str(path), "--user", "ana")
    assert out.returncode == 1
    assert "nenhum modelo foi alterado" in out.stderr
    assert "Modelo 3: E-mail (texto), linha 2: variável desconhecida 'config'" in out.stderr
    assert LetterTemplate.objects.get(number=1).name == "Lembrete"


def test_review_list_json_is_a_list_of_notices_shaped_like_run_json(
    regua_cli, held_notices, tmp_path
):
    run, notices = held_notices
    out = regua_cli("review", "list", "--json", "--pdf-dir", str(tmp_path), "--user", "ana")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [n["id"] for n in data] == [n.pk for n in notices]
    assert data[0]["status"] == "held"
    assert data[0]["template"] == 3
    assert data[0]["receivables"][0]["balance"] == "480.00"
    assert "ALFA MERCADO LTDA" in pdf_text((tmp_path / f"carta-{notices[0].pk}.pdf").read_bytes())
    assert all(n.pdf for n in Notice.objects.all())


def test_review_approve_and_discard_from_the_command_line(regua_cli, held_notices):
    _, (first, second) = held_notices
    out = regua_cli("review", "approve", str(first.pk), "--no-wait", "--user", "ana")
    assert out.returncode == 0, out.stderr
    assert f"Carta {first.pk}: aprovada" in out.stdout
    out = regua_cli("review", "discard", str(second.pk), "--user", "ana")
    assert out.returncode == 2 and "--reason" in out.stderr
    out = regua_cli(
        "review", "discard", str(second.pk), "--reason", "cliente em acordo", "--user", "ana"
    )
    assert out.returncode == 0, out.stderr
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reviewed_by) == (NoticeStatus.PENDING, "ana")
    assert (second.status, second.reason) == (NoticeStatus.DISCARDED, "cliente em acordo")
    out = regua_cli("review", "approve", str(second.pk), "--no-wait", "--user", "ana")
    assert out.returncode == 1
    assert f"Carta {second.pk}: a carta não está aguardando revisão" in out.stderr


def test_review_print_writes_every_held_letter_of_the_run(regua_cli, held_notices, tmp_path):
    run, _ = held_notices
    target = tmp_path / "cartas.pdf"
    out = regua_cli("review", "print", "--run", str(run.pk), str(target), "--user", "ana")
    assert out.returncode == 0, out.stderr
    text = pdf_text(target.read_bytes())
    assert "ALFA MERCADO LTDA" in text and "BETA COMERCIO LTDA" in text
    assert text.count("Notificação extrajudicial") == 2

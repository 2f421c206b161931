import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from regua.receivables.models import Customer

GOOD = "CODCLI;CLIENTE;EMAILCOB\n3001;LOJA NOVA LTDA;financeiro@lojanova.com.br\n3002;OUTRA LOJA;\n"
BAD = "CODCLI;CLIENTE;EMAILCOB\n3001;LOJA NOVA LTDA;financeiro@lojanova.com.br\n;SEM CODIGO;\n"


def upload(client, content, **options):
    data = {
        "kind": "customers",
        "file": SimpleUploadedFile("clientes.csv", content.encode("utf-8")),
    }
    data.update(options)
    return client.post(reverse("import"), data)


@pytest.mark.django_db
def test_the_check_writes_nothing_and_the_confirmation_imports_the_same_file(client, supervisor):
    client.force_login(supervisor)
    page = upload(client, GOOD)
    html = page.content.decode()
    assert "O arquivo está correto" in html
    assert not Customer.objects.filter(code="3001").exists()
    token = page.context["token"]
    done = client.post(reverse("import_confirm"), {"token": token}).content.decode()
    assert "2 linhas: 2 criados" in done
    assert Customer.objects.get(code="3001").billing_email == "financeiro@lojanova.com.br"


@pytest.mark.django_db
def test_row_level_errors_are_shown_with_line_and_column_and_nothing_is_written(client, supervisor):
    client.force_login(supervisor)
    page = upload(client, BAD)
    html = page.content.decode()
    assert "nada foi gravado" in html
    assert "<td>3</td>" in html  # the spreadsheet's line of the bad row
    assert page.context["token"] is None
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_with_skip_invalid_the_good_rows_are_imported_after_confirming(client, supervisor):
    client.force_login(supervisor)
    page = upload(client, BAD, skip_invalid="on")
    client.post(reverse("import_confirm"), {"token": page.context["token"]})
    assert list(Customer.objects.values_list("code", flat=True)) == ["3001"]


@pytest.mark.django_db
def test_a_token_of_another_session_imports_nothing(client, supervisor):
    client.force_login(supervisor)
    page = upload(client, GOOD)
    token = page.context["token"]
    from django.test import Client

    other = Client()
    other.force_login(supervisor)
    response = other.post(reverse("import_confirm"), {"token": token}, follow=True)
    assert "não está mais disponível" in response.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_an_upload_never_confirmed_is_removed_later(client, supervisor, settings):
    import os
    import time

    from regua.web import imports

    client.force_login(supervisor)
    token = upload(client, GOOD).context["token"]
    kept = settings.MEDIA_ROOT / "imports" / token
    old = time.time() - imports.KEEP_FOR.total_seconds() - 60
    os.utime(kept, (old, old))
    assert imports.forget_abandoned_uploads() == 1
    assert not kept.exists()
    response = client.post(reverse("import_confirm"), {"token": token}, follow=True)
    assert "não está mais disponível" in response.content.decode()

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from regua.api.tests.base import bearer, make_token, make_user
from regua.audit.models import AuditEntry
from regua.receivables.models import Branch, Receivable
from regua.test import make_branch, make_customer, make_receivable

pytestmark = pytest.mark.django_db

ROW = {
    "branch": "1",
    "document": "D1",
    "installment": "1",
    "customer": "C1",
    "issue_date": "2026-10-10",
    "due_date": "2026-11-10",
    "amount": "1234.56",
}


@pytest.fixture
def auth(db):
    make_branch("1")
    make_customer("C1")
    return bearer(make_token(make_user("ana", "receivables.import_data")))


def post_json(client, auth, url, rows):
    return client.post(url, data=json.dumps(rows), content_type="application/json", **auth)


def post_file(client, auth, url, name, content):
    upload = SimpleUploadedFile(name, content)
    return client.post(url, {"file": upload}, **auth)


def test_json_rows_are_upserted_and_counted(client, auth):
    rows = [ROW, {**ROW, "document": "D2", "amount": 99.9}]

    response = post_json(client, auth, "/api/v1/receivables", rows)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["rows"], body["created"], body["updated"], body["errors"]) == (2, 2, 0, [])
    assert body["committed"] is True
    d1 = Receivable.objects.get(document="D1")
    assert (d1.amount, d1.due_date) == (Decimal("1234.56"), datetime.date(2026, 11, 10))
    assert Receivable.objects.get(document="D2").amount == Decimal("99.90")
    assert AuditEntry.objects.filter(user="ana").exists()


def test_sending_the_same_rows_twice_changes_nothing_the_second_time(client, auth):
    post_json(client, auth, "/api/v1/receivables", [ROW])

    body = post_json(client, auth, "/api/v1/receivables", [ROW]).json()

    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 1)


def test_a_changed_due_date_updates_the_titulo(client, auth):
    post_json(client, auth, "/api/v1/receivables", [ROW])

    body = post_json(
        client, auth, "/api/v1/receivables", [{**ROW, "due_date": "2026-12-10"}]
    ).json()

    assert body["updated"] == 1
    assert Receivable.objects.get().due_date == datetime.date(2026, 12, 10)


def test_a_csv_upload_goes_through_the_same_import(client, auth):
    content = (
        "branch;document;installment;customer;due_date;amount\r\n1;D7;1;C1;10/11/2026;1.234,56\r\n"
    ).encode("cp1252")

    response = post_file(client, auth, "/api/v1/receivables", "titulos.csv", content)

    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1
    assert Receivable.objects.get(document="D7").amount == Decimal("1234.56")


def test_an_xlsx_upload_goes_through_the_same_import(client, auth):
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["CODFILIAL", "DUPLIC", "PREST", "CODCLI", "DTVENC", "VALOR"])
    sheet.append(["1", "D8", "2", "C1", datetime.date(2026, 11, 10), 50.25])
    content = io.BytesIO()
    book.save(content)

    response = post_file(client, auth, "/api/v1/receivables", "titulos.xlsx", content.getvalue())

    assert response.status_code == 200, response.json()
    titulo = Receivable.objects.get(document="D8")
    assert (titulo.installment, titulo.amount) == ("2", Decimal("50.25"))


def test_one_bad_row_writes_nothing_and_names_the_row(client, auth):
    rows = [ROW, {**ROW, "document": "D2", "due_date": "31/02/2026"}, {**ROW, "document": "D3"}]

    response = post_json(client, auth, "/api/v1/receivables", rows)

    assert response.status_code == 400
    body = response.json()
    assert body["committed"] is False
    assert body["error"].startswith("Nada foi gravado")
    assert [(e["row"], e["column"], e["value"]) for e in body["errors"]] == [
        (2, "due_date", "31/02/2026")
    ]
    assert body["errors"][0]["text"].startswith("linha 2, coluna due_date")
    assert not Receivable.objects.exists()


def test_a_bad_row_in_a_file_is_numbered_as_in_the_spreadsheet(client, auth):
    content = b"branch,document,installment,customer,due_date,amount\n1,D1,1,C9,2026-11-10,10.00\n"

    response = post_file(client, auth, "/api/v1/receivables", "t.csv", content)

    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "customer")]
    assert not Receivable.objects.exists()


def test_a_snapshot_settles_what_it_no_longer_lists(client, auth):
    branch = make_branch("2")
    gone = make_receivable(
        Branch.objects.get(code="1"),
        make_customer("C2"),
        datetime.date(2026, 10, 1),
        document="OLD",
    )
    other_branch = make_receivable(branch, make_customer("C3"), datetime.date(2026, 10, 1))

    response = client.post(
        "/api/v1/receivables?snapshot=1",
        data=json.dumps([ROW]),
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 200, response.json()
    assert response.json()["snapshot"] is True
    assert response.json()["settled"] == 1
    gone.refresh_from_db()
    other_branch.refresh_from_db()
    assert gone.settled is True
    assert other_branch.settled is False


def test_payments_record_the_total_paid(client, auth):
    post_json(client, auth, "/api/v1/receivables", [ROW])

    response = post_json(
        client,
        auth,
        "/api/v1/payments",
        [
            {
                "branch": "1",
                "document": "D1",
                "installment": "1",
                "paid_amount": "1234.56",
                "paid_date": "2026-11-20",
            }
        ],
    )

    assert response.status_code == 200, response.json()
    titulo = Receivable.objects.get()
    assert titulo.paid_amount == Decimal("1234.56")
    assert not titulo.is_open


def test_payments_take_no_snapshot(client, auth):
    response = client.post(
        "/api/v1/payments?snapshot=1", data="[]", content_type="application/json", **auth
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("[", "JSON inválido"),
        ("{}", "lista JSON de linhas"),
        ("[]", "lista JSON de linhas"),
        ('[{"branch": "1"}, 5]', "Linha 2: cada linha deve ser um objeto"),
        (
            '[{"branch": "1", "document": "D1"}, {"branch": "1"}]',
            "Linha 2: faltam as chaves document",
        ),
        ('[{"branch": {"code": "1"}}]', "Linha 1, chave branch"),
    ],
)
def test_malformed_rows_are_a_bad_request(client, auth, data, message):
    response = client.post(
        "/api/v1/receivables", data=data, content_type="application/json", **auth
    )

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Receivable.objects.exists()


def test_an_upload_without_the_file_field_is_a_bad_request(client, auth):
    response = client.post("/api/v1/receivables", {"arquivo": "x"}, **auth)

    assert response.status_code == 400
    assert "campo file" in response.json()["error"]


def test_another_content_type_is_refused(client, auth):
    response = client.post(
        "/api/v1/receivables", data="branch\n1\n", content_type="text/plain", **auth
    )

    assert response.status_code == 415
    assert "application/json" in response.json()["error"]


def test_an_upload_announcing_more_than_the_limit_is_refused_before_reading(client, auth):
    response = client.post(
        "/api/v1/receivables",
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **auth,
    )

    assert response.status_code == 413
    assert "limite" in response.json()["error"]
    assert not Receivable.objects.exists()

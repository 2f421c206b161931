"""The program-facing exports stay byte for byte what they are: ``--format csv`` and ``--json``.

People get ``csv-br`` (see test_export_csv_br.py); scripts and the ERP read these.
"""

import json

import pytest
from django.core.management import call_command

from regua.dunning.tests.test_history import notices  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db

PINNED_CSV = (
    "\ufeffnotice,run,created_at,sent_at,user,branch,customer,customer_name,recipients,"
    "range_start,range_end,template,generation,status,reason,subject,server_response,document,"
    "installment,due_date,effective_due_date,days_overdue,item_range_start,item_range_end,"
    "balance\r\n"
    "{n3},{r3},2026-11-30 09:00:00,,ana,1,C2,Padaria Boa Vista,,1,15,1,email,skipped,no_email,,,"
    "7002,2,2026-11-20,2026-11-20,10,1,15,99.90\r\n"
    '{n2},{r2},2026-11-30 09:00:00,,bia,1,C1,"\'=HYPERLINK(""http://x"",""pague"")",,16,30,2,'
    "email_and_letter,held,,,,7001,1,2026-11-10,2026-11-10,20,16,30,150.00\r\n"
    '{n1},{r1},2026-11-23 06:00:00,,ana,1,C1,"\'=HYPERLINK(""http://x"",""pague"")",a@c1.com.br,'
    "1,15,1,email,sent,,'-1+1 Aviso,250 OK,7001,1,2026-11-10,2026-11-10,13,1,15,150.00\r\n"
)


def test_the_csv_export_is_byte_for_byte_what_it_was(notices, tmp_path):  # noqa: F811
    path = tmp_path / "historico.csv"
    call_command("history", "export", "--format", "csv", str(path))

    first, second, third = notices
    expected = PINNED_CSV.format(
        n1=first.pk,
        r1=first.run_id,
        n2=second.pk,
        r2=second.run_id,
        n3=third.pk,
        r3=third.run_id,
    )
    assert path.read_bytes() == expected.encode("utf-8")


def _receivable(document, installment, days, start, end, balance):
    return {
        "branch": "1",
        "document": document,
        "installment": installment,
        "days_overdue": days,
        "range": {"start": start, "end": end},
        "balance": balance,
    }


def test_the_json_history_is_byte_for_byte_what_it_was(notices, capsys):  # noqa: F811
    first, second, third = notices
    call_command("history", "--json")

    def notice(n, status, reason, generation, recipients, item, created, user):
        return {
            "id": n.pk,
            "branch": "1",
            "customer": n.customer.code,
            "status": status,
            "reason": reason,
            "range": {"id": n.delay_range_id, "start": n.range_start, "end": n.range_end},
            "template": n.template_number,
            "generation": generation,
            "recipients": recipients,
            "receivables": [item],
            # Extensions (issue 13) come after the keys pinned before them.
            "channels": ["letter"] if status == "awaiting_post" else ["email"],
            "created_at": created,
            "sent_at": None,
            "user": user,
            "posted_at": None,
        }

    expected = [
        notice(
            third,
            "skipped",
            "no_email",
            "email",
            [],
            _receivable("7002", "2", 10, 1, 15, "99.90"),
            "2026-11-30T09:00:00-03:00",
            "ana",
        ),
        notice(
            second,
            "held",
            None,
            "email_and_letter",
            [],
            _receivable("7001", "1", 20, 16, 30, "150.00"),
            "2026-11-30T09:00:00-03:00",
            "bia",
        ),
        notice(
            first,
            "sent",
            None,
            "email",
            ["a@c1.com.br"],
            _receivable("7001", "1", 13, 1, 15, "150.00"),
            "2026-11-23T06:00:00-03:00",
            "ana",
        ),
    ]
    # The same text, key order and indentation included.
    assert capsys.readouterr().out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"

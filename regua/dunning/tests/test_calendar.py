import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from regua.audit.models import AuditEntry
from regua.dunning import calendar
from regua.dunning.models import DunningSettings, Holiday

pytestmark = pytest.mark.django_db

D = datetime.date
SP = ("SP", "São Paulo")
RJ = ("RJ", "Rio de Janeiro")


@pytest.mark.parametrize(
    ("due", "effective"),
    [
        (D(2026, 11, 27), D(2026, 11, 27)),  # Friday: a business day stays
        (D(2026, 11, 28), D(2026, 11, 30)),  # Saturday → Monday
        (D(2026, 11, 29), D(2026, 11, 30)),  # Sunday → Monday
        (D(2026, 11, 19), D(2026, 11, 19)),  # the day before a national holiday
        (D(2026, 11, 20), D(2026, 11, 23)),  # Consciência Negra (Friday) → Monday
        (D(2026, 4, 3), D(2026, 4, 6)),  # Good Friday → Monday
        (D(2026, 4, 21), D(2026, 4, 22)),  # Tiradentes (Tuesday) → Wednesday
        (D(2026, 2, 13), D(2026, 2, 13)),  # Friday before Carnival
        (D(2026, 2, 14), D(2026, 2, 18)),  # Saturday before Carnival → Ash Wednesday
        (D(2026, 2, 16), D(2026, 2, 18)),  # Carnival Monday
        (D(2026, 2, 17), D(2026, 2, 18)),  # Carnival Tuesday
        (D(2026, 2, 18), D(2026, 2, 18)),  # Ash Wednesday: banks open
        (D(2026, 12, 24), D(2026, 12, 24)),  # Christmas Eve is a business day
        (D(2026, 12, 25), D(2026, 12, 28)),  # Christmas (Friday) → Monday
        (D(2026, 12, 30), D(2026, 12, 30)),  # the day before the last business day
        (D(2026, 12, 31), D(2027, 1, 4)),  # last business day (Thursday), New Year, weekend
        (D(2027, 1, 1), D(2027, 1, 4)),  # New Year (Friday) → Monday
        (D(2022, 12, 29), D(2022, 12, 29)),
        (D(2022, 12, 30), D(2023, 1, 2)),  # the 31st is a Saturday: Friday the 30th is closed
        (D(2022, 12, 31), D(2023, 1, 2)),
    ],
)
def test_a_due_date_on_a_non_business_day_moves_to_the_next_business_day(due, effective):
    assert calendar.effective_due_date(SP, due) == effective


def test_a_state_holiday_moves_due_dates_only_in_that_state():
    calendar.add_holiday(D(2026, 7, 9), state="SP", name="Revolução Constitucionalista", user="ana")

    assert calendar.effective_due_date(SP, D(2026, 7, 9)) == D(2026, 7, 10)
    assert calendar.effective_due_date(("SP", "Campinas"), D(2026, 7, 9)) == D(2026, 7, 10)
    assert calendar.effective_due_date(RJ, D(2026, 7, 9)) == D(2026, 7, 9)


def test_a_city_holiday_matches_the_branch_city_without_case_or_accents():
    calendar.add_holiday(D(2026, 11, 19), state="sp", city="sao  paulo", user="ana")

    # Thursday the 19th (city), Friday the 20th (national), then the weekend.
    assert calendar.effective_due_date(SP, D(2026, 11, 19)) == D(2026, 11, 23)
    assert calendar.effective_due_date(("SP", "Campinas"), D(2026, 11, 19)) == D(2026, 11, 19)


def test_a_holiday_registered_after_the_calendar_was_built_takes_effect():
    assert calendar.effective_due_date(SP, D(2026, 12, 30)) == D(2026, 12, 30)

    calendar.add_holiday(D(2026, 12, 30), state="SP", city="São Paulo", user="ana")

    # The 30th is now closed as well as the 31st (the banks' year-end closing).
    assert calendar.effective_due_date(SP, D(2026, 12, 30)) == D(2027, 1, 4)
    assert calendar.effective_due_date(SP, D(2026, 12, 29)) == D(2026, 12, 29)
    assert calendar.effective_due_date(SP, D(2026, 12, 31)) == D(2027, 1, 4)


def test_removing_a_holiday_rebuilds_the_calendar():
    holiday = calendar.add_holiday(D(2026, 7, 9), state="SP", user="ana")
    assert calendar.effective_due_date(SP, D(2026, 7, 9)) == D(2026, 7, 10)

    calendar.remove_holiday(holiday, user="ana")

    assert calendar.effective_due_date(SP, D(2026, 7, 9)) == D(2026, 7, 9)
    assert AuditEntry.objects.filter(action="holiday.remove", user="ana").exists()


@pytest.mark.parametrize("where", ["settings", "database"])
def test_the_move_can_be_switched_off(settings, where):
    if where == "settings":
        settings.REGUA_MOVE_DUE_DATES = False
    else:
        DunningSettings.objects.create(move_due_dates=False)

    assert calendar.effective_due_date(SP, D(2026, 11, 28)) == D(2026, 11, 28)
    assert calendar.due_date_window(SP, D(2026, 11, 30), D(2026, 11, 30)) == (
        D(2026, 11, 30),
        D(2026, 11, 30),
    )


def test_the_database_switch_turns_the_move_back_on(settings):
    settings.REGUA_MOVE_DUE_DATES = False
    DunningSettings.objects.create(move_due_dates=True)

    assert calendar.effective_due_date(SP, D(2026, 11, 28)) == D(2026, 11, 30)


@pytest.mark.parametrize(
    ("first", "last", "window"),
    [
        # Effective Monday 30/11: due Saturday, Sunday or Monday.
        ((2026, 11, 30), (2026, 11, 30), ((2026, 11, 28), (2026, 11, 30))),
        # Effective Saturday only: nothing is due then.
        ((2026, 11, 28), (2026, 11, 28), None),
        # Effective Ash Wednesday: from the Saturday before Carnival.
        ((2026, 2, 18), (2026, 2, 18), ((2026, 2, 14), (2026, 2, 18))),
        # From a Monday (the weekend before leads there) to Carnival Tuesday (ends Friday).
        ((2026, 2, 9), (2026, 2, 17), ((2026, 2, 7), (2026, 2, 13))),
        # Across the year's end: 31/12 is closed, the 4th of January opens.
        ((2027, 1, 4), (2027, 1, 4), ((2026, 12, 31), (2027, 1, 4))),
        ((2026, 12, 30), (2026, 12, 31), ((2026, 12, 30), (2026, 12, 30))),
        # Windows of closed days only, with closed days before them too: nothing.
        ((2026, 11, 29), (2026, 11, 29), None),  # Sunday after Saturday
        ((2027, 2, 9), (2027, 2, 9), None),  # Carnival Tuesday after Monday
        ((2027, 2, 7), (2027, 2, 9), None),  # Sunday to Carnival Tuesday
        ((2027, 1, 1), (2027, 1, 3), None),  # New Year to Sunday, after the closing
        ((2026, 12, 31), (2027, 1, 3), None),  # the closing itself to Sunday
    ],
)
def test_a_window_of_effective_due_dates_becomes_a_window_of_due_dates(first, last, window):
    expected = (D(*window[0]), D(*window[1])) if window else None
    assert calendar.due_date_window(SP, D(*first), D(*last)) == expected


def test_the_window_agrees_with_the_effective_due_date_day_by_day():
    first, last = D(2026, 12, 20), D(2027, 1, 10)
    window = calendar.due_date_window(SP, D(2026, 12, 28), D(2027, 1, 5))
    inside = [
        first + datetime.timedelta(days=n)
        for n in range((last - first).days)
        if D(2026, 12, 28)
        <= calendar.effective_due_date(SP, first + datetime.timedelta(days=n))
        <= D(2027, 1, 5)
    ]
    assert window == (inside[0], inside[-1])
    assert len(inside) == (inside[-1] - inside[0]).days + 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"state": "São Paulo"}, "UF inválida"),
        ({"city": "Campinas"}, "Informe a UF"),
    ],
)
def test_an_invalid_holiday_is_refused_with_a_message(fields, message):
    with pytest.raises(ValidationError, match=message):
        calendar.add_holiday(D(2026, 7, 9), user="ana", **fields)


def test_regua_holidays_add_registers_and_audits(capsys):
    call_command(
        "holidays", "add", "2026-01-25", "--state", "SP", "--city", "São Paulo",
        "--name", "Aniversário de São Paulo", "--user", "ana",
    )  # fmt: skip

    holiday = Holiday.objects.get()
    assert capsys.readouterr().out.strip() == str(holiday.pk)
    assert (holiday.date, holiday.state, holiday.city) == (D(2026, 1, 25), "SP", "São Paulo")
    entry = AuditEntry.objects.get(action="holiday.add")
    assert entry.user == "ana"
    assert entry.object_id == str(holiday.pk)


def test_regua_holidays_list_shows_national_bank_and_registered_holidays(capsys):
    Holiday.objects.create(date=D(2026, 1, 25), state="SP", city="São Paulo", name="Aniversário")

    call_command("holidays", "list", "--year", "2026")

    out = capsys.readouterr().out
    lines = {" ".join(line.split()[:3]) for line in out.splitlines()}
    assert "25/01/2026 cadastrado São Paulo/SP Aniversário" in [
        " ".join(line.split()[:-1]) for line in out.splitlines()
    ]
    assert {
        "01/01/2026 nacional Brasil",
        "16/02/2026 bancário Brasil",
        "17/02/2026 bancário Brasil",
        "20/11/2026 nacional Brasil",
        "31/12/2026 bancário Brasil",
    } <= lines


def test_regua_holidays_list_json(capsys):
    call_command("holidays", "list", "--year", "2022", "--json")

    data = json.loads(capsys.readouterr().out)
    closing = [e for e in data if e["kind"] == "bancário" and e["date"].startswith("2022-12")]
    assert [e["date"] for e in closing] == ["2022-12-30"]
    assert {"id", "date", "name", "kind", "state", "city"} == set(data[0])


def test_regua_holidays_list_shows_the_closing_of_a_place_whose_last_day_is_a_holiday(capsys):
    # Thursday 31/12/2026 is a holiday in São Paulo (city): its banks close on the 30th.
    calendar.add_holiday(D(2026, 12, 31), state="SP", city="São Paulo", name="Local", user="ana")

    call_command("holidays", "list", "--year", "2026", "--json")

    data = json.loads(capsys.readouterr().out)
    closings = [(e["date"], e["state"], e["city"]) for e in data if e["kind"] == "bancário"]
    assert closings[-2:] == [("2026-12-30", "SP", "São Paulo"), ("2026-12-31", "", "")]
    assert calendar.effective_due_date(SP, D(2026, 12, 30)) == D(2027, 1, 4)
    assert calendar.effective_due_date(("SP", "Campinas"), D(2026, 12, 30)) == D(2026, 12, 30)

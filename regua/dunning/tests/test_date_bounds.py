"""Dates and days a run can be asked for stay inside the calendar: a message, not an OverflowError."""

import pytest
from django.core.exceptions import ValidationError

from regua.dunning.models import DelayRange
from regua.dunning.ranges import save_range
from regua.web.forms import RunForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", [(1, 36_501), (-36_501, 0), (1, 10**9)])
def test_a_range_beyond_a_century_either_way_is_refused(days):
    start, end = days

    with pytest.raises(ValidationError) as refused:
        save_range(user="ana", start_day=start, end_day=end, template=1)

    bad = start if start < -36_500 else end
    assert refused.value.messages == [
        f"Dia {bad} fora do intervalo aceito para uma faixa (de -36.500 a 36.500, cem anos "
        "antes ou depois do vencimento)."
    ]
    assert not DelayRange.objects.exists()


def test_a_range_of_a_century_is_accepted():
    saved = save_range(user="ana", start_day=-36_500, end_day=36_500, template=1)

    assert (saved.start_day, saved.end_day) == (-36_500, 36_500)


@pytest.mark.parametrize(
    ("date", "shown"), [("9999-12-31", "31/12/9999"), ("1899-12-31", "31/12/1899")]
)
def test_the_run_page_refuses_a_reference_date_outside_the_accepted_years(date, shown):
    form = RunForm(data={"reference_date": date, "group_by": "customer"})

    assert not form.is_valid()
    assert form.errors["reference_date"] == [
        f"A data {shown} está fora do intervalo aceito (01/01/1900 a 31/12/2199)."
    ]

import datetime

import pytest
from django.urls import reverse

from regua.dunning.models import Holiday


@pytest.mark.django_db
def test_the_year_lists_national_holidays_and_banks_closings(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("holidays"), {"ano": "2026"}).content.decode()
    assert "21/04/2026" in page  # Tiradentes
    assert "Carnaval" in page
    assert "31/12/2026" in page  # the year's last business day


@pytest.mark.django_db
def test_a_supervisor_registers_a_city_holiday_and_removes_it(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("holidays"),
        {
            "date": "2026-01-25",
            "state": "sp",
            "city": "São Paulo",
            "name": "Aniversário de São Paulo",
        },
        follow=True,
    )
    holiday = Holiday.objects.get()
    assert (holiday.state, holiday.city) == ("SP", "São Paulo")
    assert "Aniversário de São Paulo" in response.content.decode()
    client.post(reverse("holiday_remove", args=[holiday.pk]))
    assert not Holiday.objects.exists()


@pytest.mark.django_db
def test_a_city_holiday_without_state_is_refused_with_the_reason(client, supervisor):
    client.force_login(supervisor)
    page = client.post(
        reverse("holidays"), {"date": "2026-01-25", "city": "Campinas"}
    ).content.decode()
    assert "Informe a UF do feriado municipal de Campinas." in page
    assert not Holiday.objects.filter(date=datetime.date(2026, 1, 25)).exists()

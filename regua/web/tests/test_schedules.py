import datetime

import pytest
import time_machine
from django.urls import reverse

from regua.delivery.models import Schedule


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_a_supervisor_schedules_a_daily_run_and_the_dashboard_shows_the_next(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("schedules"),
        {
            "name": "Manhã",
            "time_of_day": "07:30",
            "business_days_only": "on",
            "group_by": "customer",
            "active": "on",
        },
    )
    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert schedule.created_by == "sergio"
    page = client.get(reverse("dashboard")).content.decode()
    assert "01/12/2026 07:30" in page  # 09:00 in São Paulo now: tomorrow morning


@pytest.mark.django_db
def test_a_duplicate_name_is_refused_with_the_reason(client, supervisor):
    client.force_login(supervisor)
    data = {"name": "Manhã", "time_of_day": "07:30", "group_by": "customer", "active": "on"}
    client.post(reverse("schedules"), data)
    page = client.post(reverse("schedules"), data).content.decode()
    assert "Já existe um agendamento chamado" in page


@pytest.mark.django_db
def test_removing_a_schedule(client, supervisor):
    client.force_login(supervisor)
    client.post(
        reverse("schedules"), {"name": "Tarde", "time_of_day": "14:00", "group_by": "customer"}
    )
    client.post(reverse("schedule_remove", args=[Schedule.objects.get().pk]))
    assert not Schedule.objects.exists()

import datetime
import zoneinfo

import pytest
import time_machine

# Every dunning test runs on Monday 30 November 2026, 10:00 in São Paulo, unless it says otherwise.
NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/Sao_Paulo"))


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield

import datetime
import zoneinfo

import pytest
import time_machine

# Letters tests run on Saturday 28 November 2026, 10:00 in São Paulo, unless they say otherwise.
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/Sao_Paulo"))


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield

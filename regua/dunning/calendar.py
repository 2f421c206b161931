"""The business-day calendar of R2 and the effective due date.

A due date on a day without banking moves to the next business day (Lei
7.089/83). Non-business days: Saturdays, Sundays, the national holidays of the
``holidays`` package, the banks' closings (Carnival Monday and Tuesday, the last
business day of the year) and the holidays the company registers for a state
or a city.

The selection never asks this module about one título at a time. Each place (a
branch's state and city, exactly as written on the branch) gets its non-business
days stored in ``CalendarDay``, with the business day each one moves to; years
are filled lazily and dropped when a holiday changes. The selection then joins
that table in SQL, and turns a window of effective due dates into the window of
due dates that lead there (``due_date_window``) so the database can use its
due-date index.
"""

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import holidays as holidays_lib
from dateutil.easter import easter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from regua.audit import log
from regua.dunning.models import CalendarDay, CalendarYear, DunningSettings, Holiday

__all__ = [
    "Holiday",
    "HolidayEntry",
    "Place",
    "PlaceCalendar",
    "add_holiday",
    "due_date_window",
    "effective_due_date",
    "ensure_calendar",
    "holidays_of_year",
    "move_due_dates_enabled",
    "remove_holiday",
    "why_closed",
]

DAY = datetime.timedelta(days=1)
# The longest run of non-business days we ever look across (Carnival with a
# weekend is 4, Christmas to New Year with a weekend and a city holiday < 10).
MAX_CLOSED_RUN = 40

Place = tuple[str, str]  # (state, city) as written on a branch


def normalize_city(name: str) -> str:
    """A city name compared without case, accents or extra spaces ("São  Paulo" = "sao paulo")."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def move_due_dates_enabled() -> bool:
    """R2's move can be switched off per installation: the database switch wins over settings."""
    row = DunningSettings.objects.order_by("pk").first()
    if row is not None and row.move_due_dates is not None:
        return row.move_due_dates
    return bool(getattr(settings, "REGUA_MOVE_DUE_DATES", True))


def carnival(year: int) -> tuple[datetime.date, datetime.date]:
    """Carnival Monday and Tuesday: 48 and 47 days before Easter."""
    sunday = easter(year)
    return sunday - datetime.timedelta(days=48), sunday - datetime.timedelta(days=47)


@dataclass(frozen=True)
class HolidayEntry:
    date: datetime.date
    name: str
    kind: str  # "nacional", "bancário", "cadastrado"
    state: str = ""
    city: str = ""
    id: int | None = None


def _national(year: int) -> dict[datetime.date, str]:
    days = dict(holidays_lib.country_holidays("BR", years=year, language="pt_BR").items())
    monday, tuesday = carnival(year)
    days.setdefault(monday, "Carnaval (segunda-feira, bancos fechados)")
    days.setdefault(tuesday, "Carnaval (terça-feira, bancos fechados)")
    return days


class PlaceCalendar:
    """Business days of one place, computed in Python to fill ``CalendarDay``."""

    def __init__(self, state: str, city: str) -> None:
        self.state = state.strip().upper()
        self.city = normalize_city(city)
        self._closed: dict[int, set[datetime.date]] = {}
        self._year_end: dict[int, datetime.date] = {}

    def _registered(self, year: int) -> set[datetime.date]:
        def applies(holiday: Holiday) -> bool:
            if not holiday.state:
                return True
            if holiday.state.upper() != self.state:
                return False
            return not holiday.city or normalize_city(holiday.city) == self.city

        days = {h.date for h in Holiday.objects.filter(date__year=year) if applies(h)}
        return days

    def closed_days(self, year: int) -> set[datetime.date]:
        """Every non-business day of ``year`` for this place, weekends included."""
        if year not in self._closed:
            holidays = set(_national(year)) | self._registered(year)

            def closed(day: datetime.date) -> bool:
                return day.weekday() >= 5 or day in holidays

            last = datetime.date(year, 12, 31)
            while closed(last):
                last -= DAY
            # Banks do not serve the public on the year's last business day.
            self._year_end[year] = last
            start = datetime.date(year, 1, 1)
            self._closed[year] = {
                start + DAY * n
                for n in range((datetime.date(year + 1, 1, 1) - start).days)
                if closed(start + DAY * n) or start + DAY * n == last
            }
        return self._closed[year]

    def year_end_closing(self, year: int) -> datetime.date:
        """The last business day of ``year``, on which banks do not serve the public."""
        self.closed_days(year)
        return self._year_end[year]

    def is_business_day(self, day: datetime.date) -> bool:
        return day not in self.closed_days(day.year)

    def next_business_day(self, day: datetime.date) -> datetime.date:
        """``day`` itself when it is a business day, else the next one."""
        for _ in range(MAX_CLOSED_RUN):
            if self.is_business_day(day):
                return day
            day += DAY
        raise ValueError(f"Nenhum dia útil em {MAX_CLOSED_RUN} dias a partir de {day:%d/%m/%Y}.")


def ensure_calendar(places: Iterable[Place], years: Iterable[int]) -> None:
    """Store the non-business days of these places and years where they are missing."""
    wanted = {(state, city, year) for state, city in places for year in years}
    if not wanted:
        return
    have = set(
        CalendarYear.objects.filter(year__in={y for _, _, y in wanted}).values_list(
            "state", "city", "year"
        )
    )
    for state, city, year in sorted(wanted - have):
        calendar = PlaceCalendar(state, city)
        rows = [
            CalendarDay(
                state=state, city=city, date=day, next_business_day=calendar.next_business_day(day)
            )
            for day in sorted(calendar.closed_days(year))
        ]
        try:
            with transaction.atomic():
                CalendarYear.objects.create(state=state, city=city, year=year)
                CalendarDay.objects.bulk_create(rows)
        except IntegrityError:
            pass  # another process filled this year meanwhile


def forget_calendar(year: int) -> None:
    """Drop the stored days a holiday in ``year`` may change (also the year before:
    its last days move into this one)."""
    years = [year - 1, year]
    CalendarDay.objects.filter(date__year__in=years).delete()
    CalendarYear.objects.filter(year__in=years).delete()


def _years(start: datetime.date, end: datetime.date) -> range:
    return range(start.year, end.year + 1)


def stored_closed_days(
    places: Iterable[Place], first: datetime.date, last: datetime.date
) -> dict[Place, set[datetime.date]]:
    """The non-business days of each place between ``first`` and ``last``, from the table."""
    places = set(places)
    ensure_calendar(places, _years(first, last))
    closed: dict[Place, set[datetime.date]] = {place: set() for place in places}
    rows = CalendarDay.objects.filter(date__gte=first, date__lte=last).values_list(
        "state", "city", "date"
    )
    for state, city, day in rows.iterator(chunk_size=5000):
        if (state, city) in closed:
            closed[(state, city)].add(day)
    return closed


def window_from_closed(
    closed: set[datetime.date], first: datetime.date, last: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The due dates whose effective due date falls in ``first..last``, given the closed days.

    Moving a due date forward never reorders dates, so these due dates form one
    interval: from the day after the last business day before ``first`` to the
    last business day up to ``last``. None when no due date leads there, which
    is when every day of ``first..last`` is closed: an effective due date is
    always a business day (R2), so no título is in such a window, whatever lies
    before ``first``. ``closed`` must cover the MAX_CLOSED_RUN days before ``first``.
    """
    end = last
    while end >= first and end in closed:
        end -= DAY
    if end < first:
        # Not one business day in the window. Without this the closed days
        # before ``first`` (Carnival Monday before its Tuesday, a Saturday
        # before a Sunday) would be taken for due dates that lead into it,
        # though they lead past ``last`` (R2, R3).
        return None
    start = first - DAY
    for _ in range(MAX_CLOSED_RUN):
        if start not in closed:
            break
        start -= DAY
    start += DAY
    if start > end:
        return None
    return start, end


def due_date_window(
    place: Place, first: datetime.date, last: datetime.date, *, move: bool | None = None
) -> tuple[datetime.date, datetime.date] | None:
    """The due dates of ``place`` whose effective due date falls in ``first..last``."""
    if move is None:
        move = move_due_dates_enabled()
    if not move:
        return first, last
    closed = stored_closed_days([place], first - DAY * MAX_CLOSED_RUN, last)[place]
    return window_from_closed(closed, first, last)


def effective_due_date(
    place: Place, due_date: datetime.date, *, move: bool | None = None
) -> datetime.date:
    """The effective due date of one date (for pages and messages; the selection uses SQL)."""
    if move is None:
        move = move_due_dates_enabled()
    if not move:
        return due_date
    ensure_calendar([place], [due_date.year])
    moved = (
        CalendarDay.objects.filter(state=place[0], city=place[1], date=due_date)
        .values_list("next_business_day", flat=True)
        .first()
    )
    return moved or due_date


def why_closed(
    place: Place, first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, str]]:
    """Why each day from ``first`` to ``last`` (inclusive) is not a business day in ``place``
    (R2), as a person reads it: the days between a due date and its effective due date."""
    state, city = place[0].strip().upper(), normalize_city(place[1])
    national: dict[datetime.date, str] = {}
    for year in _years(first, last):
        national.update(_national(year))
    registered = {
        h.date: h.name or "feriado cadastrado"
        for h in Holiday.objects.filter(date__gte=first, date__lte=last)
        if not h.state
        or (h.state.upper() == state and (not h.city or normalize_city(h.city) == city))
    }
    year_end = PlaceCalendar(*place)
    reasons = []
    day = first
    while day <= last:
        if day in national:
            reason = national[day]
        elif day in registered:
            reason = registered[day]
        elif day.weekday() == 5:
            reason = "sábado"
        elif day.weekday() == 6:
            reason = "domingo"
        elif day == year_end.year_end_closing(day.year):
            reason = "último dia útil do ano: os bancos não atendem o público"
        else:
            reason = "dia útil"
        reasons.append((day, reason))
        day += DAY
    return reasons


def holidays_of_year(year: int) -> list[HolidayEntry]:
    """National holidays, the banks' closings and the registered holidays of ``year``."""
    entries = [HolidayEntry(day, name, "nacional") for day, name in _national(year).items()]
    monday, tuesday = carnival(year)
    entries = [
        HolidayEntry(e.date, e.name, "bancário" if e.date in (monday, tuesday) else e.kind)
        for e in entries
    ]
    registered = list(Holiday.objects.filter(date__year=year))
    closing_name = "Último dia útil do ano (bancos sem atendimento ao público)"
    national_closing = PlaceCalendar("", "").year_end_closing(year)
    entries.append(HolidayEntry(national_closing, closing_name, "bancário"))
    # The closing is each place's last business day: a state or city holiday on the
    # 31st (or on the days before, when they are the last business ones) moves it
    # earlier there, and the selection closes that day for the place's branches.
    places = {(h.state, h.city) for h in registered if h.state}
    places |= {(state, "") for state, _ in places}
    for state, city in sorted(places):
        closing = PlaceCalendar(state, city).year_end_closing(year)
        if closing != national_closing:
            entries.append(HolidayEntry(closing, closing_name, "bancário", state, city))
    entries.extend(
        HolidayEntry(h.date, h.name, "cadastrado", h.state, h.city, h.pk) for h in registered
    )
    return sorted(entries, key=lambda e: (e.date, e.kind, e.state, e.city))


def add_holiday(
    date: datetime.date, *, state: str = "", city: str = "", name: str = "", user: str
) -> Holiday:
    """Register a holiday (national when state and city are blank) and rebuild the calendar."""
    state = state.strip().upper()
    city = " ".join(city.split())
    if state and (len(state) != 2 or not state.isalpha()):
        raise ValidationError(f"UF inválida: {state!r} (use a sigla de duas letras, como SP).")
    if city and not state:
        raise ValidationError(f"Informe a UF do feriado municipal de {city}.")
    if Holiday.objects.filter(date=date, state=state, city=city).exists():
        where = "/".join(p for p in (city, state) if p) or "todo o país"
        raise ValidationError(f"Já existe um feriado em {date:%d/%m/%Y} para {where}.")
    with transaction.atomic():
        holiday = Holiday.objects.create(date=date, state=state, city=city, name=name.strip())
        forget_calendar(date.year)
        log.record(
            user,
            "holiday.add",
            holiday,
            f"Feriado cadastrado: {holiday}",
            {"date": date.isoformat(), "state": state, "city": city, "name": holiday.name},
        )
    return holiday


def remove_holiday(holiday: Holiday, *, user: str) -> None:
    with transaction.atomic():
        description = f"Feriado removido: {holiday}"
        log.record(user, "holiday.remove", holiday, description, {"date": holiday.date.isoformat()})
        forget_calendar(holiday.date.year)
        holiday.delete()

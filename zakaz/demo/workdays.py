"""Working days and working hours, on plain integers for speed.

Days are proleptic ordinals (``date.toordinal()``); timestamps are microseconds since 1970-01-01
(what a Polars ``Datetime("us")`` stores). Non-working days: Saturdays, Sundays and the fixed
Russian public holidays (without the government's yearly day swaps, which a demo can do without).
"""

from __future__ import annotations

import random
from datetime import date, datetime

EPOCH = date(1970, 1, 1).toordinal()
US_PER_DAY = 86_400_000_000
US_PER_MINUTE = 60_000_000
DAY_START_MIN = 9 * 60  # 09:00
DAY_END_MIN = 18 * 60  # 18:00

HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS


class Workdays:
    """A working-day calendar over [first, last] (both as dates); lookups are O(1)."""

    def __init__(self, first: date, last: date) -> None:
        self.lo = first.toordinal()
        self.hi = last.toordinal()
        self.days: list[int] = []
        self._first_at_or_after: list[int] = []
        pending = 0
        for o in range(self.lo, self.hi + 1):
            if is_working_day(date.fromordinal(o)):
                self.days.append(o)
        pending = 0
        for o in range(self.lo, self.hi + 1):
            while pending < len(self.days) and self.days[pending] < o:
                pending += 1
            self._first_at_or_after.append(pending)

    def roll(self, day: int) -> int:
        """The day itself if it is a working day, else the next working day."""
        return self.days[self._first_at_or_after[day - self.lo]]

    def add(self, day: int, n: int) -> int:
        """``n`` working days after ``day`` (``day`` is first rolled to a working day)."""
        return self.days[self._first_at_or_after[day - self.lo] + n]

    def between(self, first: int, last: int) -> list[int]:
        """Working days in [first, last]."""
        i = self._first_at_or_after[first - self.lo]
        j = self._first_at_or_after[last - self.lo + 1] if last < self.hi else len(self.days)
        return self.days[i:j]


def stamp(day: int, minute: int) -> int:
    """Microseconds since the epoch at ``minute`` minutes after midnight of ``day``."""
    return (day - EPOCH) * US_PER_DAY + minute * US_PER_MINUTE


def work_minute(rng: random.Random, earliest: int = DAY_START_MIN) -> int:
    """A minute of the working day (09:00-17:59), not before ``earliest``."""
    earliest = max(earliest, DAY_START_MIN)
    if earliest >= DAY_END_MIN - 1:
        return earliest
    return earliest + int(rng.random() * (DAY_END_MIN - earliest))


def day_of(us: int) -> int:
    return us // US_PER_DAY + EPOCH


def to_datetime(us: int) -> datetime:
    day = date.fromordinal(day_of(us))
    minutes = (us % US_PER_DAY) // US_PER_MINUTE
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60)

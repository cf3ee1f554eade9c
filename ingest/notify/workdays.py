"""The plant's working days, for task due dates ("due in 2 working days").

Monday to Friday except the fixed Russian public holidays — the same calendar as the demo plant
(zakaz/demo/workdays.py; a test holds them equal), so generated and live tasks are due alike.
The government's yearly day swaps are left out: a due date one day off around a swap is harmless.
"""

from __future__ import annotations

from datetime import date, timedelta

HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)
_ONE_DAY = timedelta(days=1)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS


def roll(day: date) -> date:
    """The day itself if it is a working day, else the next working day."""
    while not is_working_day(day):
        day += _ONE_DAY
    return day


def add_working_days(day: date, n: int) -> date:
    """n working days after day; day is first rolled to a working day (a task made on Saturday
    with 1 working day is due on Tuesday), so n = 0 means "the next working day at the latest"."""
    if n < 0:
        raise ValueError(f"working days must be >= 0, got {n}")
    day = roll(day)
    for _ in range(n):
        day = roll(day + _ONE_DAY)
    return day

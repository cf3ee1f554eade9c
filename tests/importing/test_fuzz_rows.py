"""Whole rows fuzzed: random registers of good and bad cells go through the real import into a
real plant. Whatever the cells, the import never crashes, every row with a bad cell is
rejected, every good row goes in, and what is stored obeys the rules."""

from __future__ import annotations

import random
import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from files import Book, Formula, Serial
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import rows, run_import

from ingest.store import Store
from zakaz.inn import make_org_inn

GOOD_INN = make_org_inn(random.Random(3), region="59")
HEADER = ["№ заказа", "Дата заказа", "ИНН", "Заказчик", "Наименование", "Марка", "Масса, кг",
          "Кол-во", "Цена за ед. без НДС"]  # fmt: skip


def column(good: st.SearchStrategy, bad: list) -> st.SearchStrategy:
    """(cell, acceptable?): a good cell three times out of four, so rows with every cell good
    are common and a bad row usually has one bad cell only."""
    good = good.map(lambda v: (v, True))
    return st.one_of(good, good, good, st.sampled_from([(v, False) for v in bad]))


DATES = column(st.sampled_from(["15.03.2025", date(2025, 4, 1), Serial(date(2025, 5, 2)),
                                "2025-06-01", "1 мая 2025"]),
               ["31.02.2025", "завтра", None, 2025, True, "15.03.1812"])  # fmt: skip
INNS = column(st.sampled_from([GOOD_INN, float(GOOD_INN), f" {GOOD_INN} "]),
              ["7707083894", "ИНН", "12345", 12.5])  # fmt: skip
NAMES = column(st.sampled_from(["Вал", "  Ось  ступенчатая ", "Втулка\u00a0длинная"]),
               ["", "=A1", "#N/A", "x" * 300])  # fmt: skip
GRADES = column(st.sampled_from(["45", "40X", "ЭП-1", "12х18н10т"]), ["", "#ЗНАЧ!"])
WEIGHTS = column(
    st.one_of(
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999"), places=3).map(
            lambda d: str(d).replace(".", ",")),
        st.floats(min_value=0.001, max_value=1e5),
    ),
    ["-1", "0", 0, "много", "1e400", None, "2000000"],
)  # fmt: skip
QUANTITIES = column(
    st.one_of(st.integers(min_value=1, max_value=10_000_000),
              st.sampled_from(["12 шт", 3.0, "1 000", Formula("=SUM(A1:A2)", 5)])),
    [0, -4, 2.5, "много", None, "=SUM(A1:A2)", 10**8],
)  # fmt: skip
PRICES = column(
    st.one_of(st.decimals(min_value=0, max_value=Decimal("10") ** 9, places=2),
              st.sampled_from(["1 234,50 руб.", None, 99.999])),
    ["-5", "цена", "1e40"],
)  # fmt: skip
ROW = st.tuples(DATES, INNS, NAMES, GRADES, WEIGHTS, QUANTITIES, PRICES)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True)  # fmt: skip
@given(st.lists(ROW, min_size=4, max_size=16))
def test_random_registers_let_no_bad_row_in(empty_template, fuzz_rows):
    with tempfile.TemporaryDirectory() as home:
        shutil.copy2(Path(empty_template) / "app.duckdb", Path(home) / "app.duckdb")
        store = Store.open(home)
        book = Book()
        sheet = book.sheet("Реестр").title("Реестр (случайный)").header(HEADER)
        expected_good = set()
        for n, cells in enumerate(fuzz_rows, start=1):
            values = [value for value, _ in cells]
            sheet.put_row([f"Ф-{n}", values[0], values[1], "ООО «Фаззинг»", *values[2:]])
            if all(ok for _, ok in cells):
                expected_good.add(f"Ф-{n}")
        result = run_import(store, book.xlsx(), "fuzz.xlsx", "orders", "sokolova")

        sql = (
            "SELECT o.number, l.quantity, l.weight_kg, l.fixed_unit_price, l.name "
            "FROM orders o JOIN order_lines l ON l.order_id = o.id"
        )
        stored = rows(store, sql)
        assert {r[0] for r in stored} == expected_good
        assert result.imported == len(expected_good)
        first_data_row = 4  # title, empty row, header
        rejected = {f"Ф-{row - first_data_row + 1}" for row in result.rejected_rows}
        assert rejected == {f"Ф-{n}" for n in range(1, len(fuzz_rows) + 1)} - expected_good
        for _, quantity, weight, price, name in stored:
            assert isinstance(quantity, int) and 1 <= quantity <= 10_000_000
            assert weight > 0 and weight.as_tuple().exponent == -3
            assert price is None or (price >= 0 and price.as_tuple().exponent == -2)
            assert name and name == " ".join(name.split())

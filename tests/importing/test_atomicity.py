"""Atomic per file: a store error half-way through leaves the store as it was; all-or-nothing
writes nothing when any row is rejected; a dry run and a preview never write."""

from __future__ import annotations

import random

import pytest
from files import Book
from import_helpers import desk, fingerprint, one, parse, run_import

from ingest.importing import run as importing
from ingest.importing.errors import ImportFailedError
from zakaz.inn import make_org_inn

INN = make_org_inn(random.Random(5), region="74")


def register(bad_line: bool = False) -> bytes:
    rows = [["№ заказа", "Дата", "ИНН", "Заказчик", "Чертёж", "Наименование", "Марка", "Масса",
             "Кол-во", "Цена"]]  # fmt: skip
    for n in range(1, 41):
        rows.append([f"АТ-{n}", "01.02.2026", INN, "ООО «Атом»", f"АТ.{n:03d}", "Вал", "45", 2,
                     1, 100])  # fmt: skip
    rows.append(["АТ-41", "01.02.2026", INN, "ООО «Атом»", "АТ.001", "Вал", "45", 2, 1, 100])
    if bad_line:
        rows.append(["АТ-42", "01.02.2026", INN, "ООО «Атом»", "АТ.042", "Вал", "45", 2, 0, 100])
    book = Book()
    book.sheet("Лист1").rows(rows)
    return book.xlsx()


def test_a_store_error_half_way_leaves_everything_as_it_was(empty_plant):
    """An injected constraint: drawing numbers unique among lines. The 41st order repeats the
    first one's, so DuckDB refuses the line insert after customers, materials and orders went
    in — inside the same transaction, which is rolled back whole."""
    with empty_plant.write() as tx:
        tx.execute("CREATE UNIQUE INDEX test_one_line_per_drawing ON order_lines (drawing_no)")
    stored = fingerprint(empty_plant)
    with pytest.raises(ImportFailedError, match="в базе ничего не изменено"):
        run_import(empty_plant, register(), "реестр.xlsx", "orders", "sokolova")
    assert fingerprint(empty_plant) == stored
    assert one(empty_plant, "SELECT count(*) FROM customers WHERE inn = ?", [INN]) == 0


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(empty_plant):
    stored = fingerprint(empty_plant)
    result = run_import(empty_plant, register(bad_line=True), "р.xlsx", "orders", "sokolova",
                        all_or_nothing=True)  # fmt: skip
    assert (result.imported, result.updated, result.skipped) == (0, 0, 0)
    assert [e.row for e in result.rejected] == [43]
    assert not result.applied
    assert fingerprint(empty_plant) == stored
    good_only = run_import(empty_plant, register(bad_line=True), "р.xlsx", "orders", "sokolova")
    assert (good_only.imported, [e.row for e in good_only.rejected]) == (41, [43])


def test_preview_and_dry_run_write_nothing(empty_plant):
    stored = fingerprint(empty_plant)
    parsed = parse(empty_plant, register(bad_line=True), "р.xlsx", "orders")
    preview = importing.preview(desk(empty_plant, "sokolova"), parsed)
    dry = importing.execute(desk(empty_plant, "sokolova"), parsed, dry_run=True)
    assert preview.as_json() == dry.as_json()
    assert (preview.imported, len(preview.rejected)) == (41, 1)
    assert fingerprint(empty_plant) == stored
    real = importing.execute(desk(empty_plant, "sokolova"), parsed)
    assert real.as_json() == preview.as_json()  # the preview said what the import did

"""Helpers for service-layer tests on a private copy of the demo plant."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from demo_clock import DEMO_NOW

from ingest.repos.orders import LineDraft, OrderDraft
from ingest.service import Acting, Desk
from ingest.store import Store


def desk(home: Path, login: str) -> Desk:
    return Desk(Store.open(home), login, clock=lambda: DEMO_NOW)


def value(home: Path, sql: str, params: list | None = None):
    with Store.open(home).read() as conn:
        row = conn.execute(sql, params or []).fetchone()
    return None if row is None else row[0]


def ids(home: Path, sql: str, params: list | None = None) -> list:
    with Store.open(home).read() as conn:
        return [r[0] for r in conn.execute(sql, params or []).fetchall()]


def material_id(a: Acting, grade: str = "40Х") -> int:
    return a.execute("SELECT id FROM materials WHERE grade = ?", [grade]).fetchone()[0]


def worked_line(a: Acting, **changes) -> LineDraft:
    """Line 1 of pricing.md's worked example (40Х round D60 L500, 10 pcs, k 2.5, +10%)."""
    fields = dict(
        name="Вал ступенчатый", material_id=material_id(a), blank_shape="round",
        dims={"diameter_mm": Decimal("60"), "length_mm": Decimal("500")}, quantity=10,
        complexity=Decimal("2.5"), price_per_kg=Decimal("95.00"),
        surcharges_pct={"термообработка": Decimal("10")}, drawing_no="ВЗТМ.001",
    )  # fmt: skip
    fields.update(changes)
    return LineDraft(**fields)


def new_draft(a: Acting, manager_id: int | None = None, **changes) -> OrderDraft:
    """Built inside a store block (a): a second store block here would wait on the first."""
    fields = dict(
        customer_id=a.execute("SELECT min(id) FROM customers").fetchone()[0],
        need_date=date(2026, 3, 1),
        planned_shipment_date=date(2026, 3, 16), sales_manager_id=manager_id,
        lines=(worked_line(a),),
    )  # fmt: skip
    fields.update(changes)
    return OrderDraft(**fields)

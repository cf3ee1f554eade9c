"""A minimal plant for store tests: just enough reference rows to save orders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ingest.repos.orders import LineDraft, OrderDraft
from ingest.store import Store

NOW = datetime(2026, 11, 28, 10, 0, 0)


def make_minimal_plant(home: Path, target_version: int | None = None) -> Store:
    store = Store.open(home)
    store.create(target_version)
    with store.write() as tx:
        tx.execute("INSERT INTO customers (id, name, inn, created_at) VALUES "
                   "(1, 'ООО «Ромашка»', '7707083893', ?)", [NOW])  # fmt: skip
        tx.execute("INSERT INTO materials (id, grade, density_kg_m3) VALUES (1, '40Х', 7850)")
        tx.execute(
            "INSERT INTO users (id, login, full_name, role, password_hash, created_at) VALUES "
            "(1, 'ivanov', 'Иванов Иван', 'sales', 'x', ?), "
            "(2, 'petrova', 'Петрова Анна', 'sales', 'x', ?)",
            [NOW, NOW],
        )
    return store


def order_draft(lines: int = 3, tag: str = "") -> OrderDraft:
    return OrderDraft(
        customer_id=1,
        sales_manager_id=1,
        need_date=date(2026, 11, 28),
        planned_shipment_date=date(2027, 1, 15),
        comment=f"{tag} lines={lines}",
        lines=tuple(
            LineDraft(
                name=f"Вал {i}",
                material_id=1,
                blank_shape="round",
                dims={"diameter_mm": Decimal("60"), "length_mm": Decimal("500")},
                quantity=10 + i,
                complexity=Decimal("2.5"),
                surcharges_pct={"термообработка": Decimal("10")},
            )
            for i in range(lines)
        ),
    )

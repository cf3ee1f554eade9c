"""After the soak: is every journal entry in the store, with the values the journal says?

The journals are replayed into the state each order should have now (the last entry that set a
field wins). An entry is lost when the order is missing or a value it set, and no later entry
changed, differs in the store. Besides: a partial order (its stored line count is not the count
last committed) and a version mismatch (the order's version counts its saves: a stored version
below the journal's means a save vanished even if a later one overwrote its values; above it, a
save the user was told failed was kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.store import Store

from .journal import read_entries

SAMPLES = 10
HEADER_FIELDS = ("number", "comment", "planned_shipment_date", "status")


@dataclass
class Expected:
    """What one order should hold, and which entry (index) last set each value."""

    entries: list[int] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[int, int] = field(default_factory=dict)  # line_no -> quantity
    setter: dict[str, int] = field(default_factory=dict)  # "comment" / "line:2" -> entry index
    version: int = 0


def replay(entries: list[dict[str, Any]]) -> dict[int, Expected]:
    orders: dict[int, Expected] = {}
    for n, e in enumerate(entries):
        order = orders.setdefault(int(e["order_id"]), Expected())
        order.entries.append(n)
        order.version = int(e["version"])
        for name in HEADER_FIELDS:
            if name in e:
                order.values[name] = e[name]
                order.setter[name] = n
        if e["op"] == "create":
            order.lines = {int(no): int(q) for no, q in e["lines"].items()}
            order.setter.update({f"line:{no}": n for no in order.lines})
        elif e["op"] in ("quantity", "add_line"):
            order.lines[int(e["line_no"])] = int(e["quantity"])
            order.setter[f"line:{e['line_no']}"] = n
    return orders


def _stored(store: Store, ids: list[int]) -> tuple[dict[int, dict], dict[int, dict[int, int]]]:
    with store.read() as conn:
        cursor = conn.execute(
            "SELECT id, number, comment, planned_shipment_date, status, version FROM orders "
            "WHERE list_contains(?, id)",
            [ids],
        )
        names = [d[0] for d in cursor.description]
        orders = {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
        lines: dict[int, dict[int, int]] = {}
        for order_id, line_no, quantity in conn.execute(
            "SELECT order_id, line_no, quantity FROM order_lines WHERE list_contains(?, order_id)",
            [ids],
        ).fetchall():
            lines.setdefault(order_id, {})[line_no] = quantity
    return orders, lines


def _same(stored: Any, journaled: Any) -> bool:
    if stored is None or journaled is None:
        return stored is None and journaled is None
    return str(stored) == str(journaled)


def verify(store: Store, journal_paths: list[Path]) -> dict[str, Any]:
    entries = list(read_entries(journal_paths))
    expected = replay(entries)
    orders, lines = _stored(store, sorted(expected))
    lost: set[int] = set()
    notes: list[str] = []
    partial: list[str] = []
    versions: list[str] = []
    for order_id, want in expected.items():
        got = orders.get(order_id)
        if got is None:
            lost.update(want.entries)
            notes.append(f"заказ id {order_id} ({want.values.get('number')}) отсутствует")
            continue
        for name in HEADER_FIELDS:
            if name in want.values and not _same(got[name], want.values[name]):
                lost.add(want.setter[name])
                notes.append(
                    f"{got['number']}: {name} = {got[name]!r}, в журнале {want.values[name]!r}"
                )
        stored_lines = lines.get(order_id, {})
        for line_no, quantity in want.lines.items():
            if stored_lines.get(line_no) != quantity:
                lost.add(want.setter[f"line:{line_no}"])
                notes.append(
                    f"{got['number']}: позиция {line_no} количество "
                    f"{stored_lines.get(line_no)}, в журнале {quantity}"
                )
        if len(stored_lines) != len(want.lines):
            partial.append(
                f"{got['number']}: позиций {len(stored_lines)}, сохранено {len(want.lines)}"
            )
        if got["version"] != want.version:
            versions.append(f"{got['number']}: версия {got['version']}, в журнале {want.version}")
    return {
        "orders_checked": len(expected),
        "entries_checked": len(entries),
        "entries_lost": len(lost),
        "lost_samples": notes[:SAMPLES],
        "partial_orders": len(partial),
        "partial_samples": partial[:SAMPLES],
        "version_mismatches": len(versions),
        "version_samples": versions[:SAMPLES],
    }

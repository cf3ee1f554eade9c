"""Each writer's journal: one JSON line per committed save, written after the save returned.

An entry names the order and the values the save committed, plus the order's version after it:

    {"op": "create", "order_id": 1601, "number": "З-2026-1601", "lines": {"1": 5, "2": 12},
     "comment": "…", "planned_shipment_date": null, "status": "need", "version": 1}
    {"op": "quantity", "order_id": 1601, "line_no": 2, "quantity": 13, "version": 2}
    {"op": "add_line", "order_id": 1601, "line_no": 3, "quantity": 4, "version": 3}
    {"op": "header", "order_id": 1601, "comment": "…", "planned_shipment_date": "2027-01-15",
     "version": 4}
    {"op": "status", "order_id": 1601, "status": "costing", "version": 5}

The line is flushed before the writer goes on, so a journal never claims less than the store
should hold (a writer that dies loses at most the save it was making, which it never reported).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class Journal:
    def __init__(self, path: Path):
        self.path = path
        self._file = path.open("a", encoding="utf-8")

    def append(self, entry: dict[str, Any]) -> None:
        self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_entries(paths: list[Path]) -> Iterator[dict[str, Any]]:
    """Every entry of the journals, in each file's order (a torn last line is skipped: the
    writer died while reporting, so it never told anyone the save happened)."""
    for path in paths:
        for raw in path.read_text(encoding="utf-8").splitlines():
            try:
                yield json.loads(raw)
            except json.JSONDecodeError:
                continue

"""status_events: one row per status change of every order, ids in the order they happened."""

from __future__ import annotations

import polars as pl

from zakaz.demo.columns import frame, stamps
from zakaz.demo.orders import Order


def event_ids(orders: list[Order]) -> dict[int, list[int]]:
    """order id -> the ids of its events (timeline order); ids follow the global clock."""
    keyed = sorted((e.us, o.id, n) for o in orders for n, e in enumerate(o.timeline.events))
    ids: dict[int, list[int]] = {o.id: [0] * len(o.timeline.events) for o in orders}
    for event_id, (_, order_id, n) in enumerate(keyed, start=1):
        ids[order_id][n] = event_id
    return ids


def events_frame(orders: list[Order], ids: dict[int, list[int]]) -> pl.DataFrame:
    rows = []
    for o in orders:
        previous = None
        for event_id, e in zip(ids[o.id], o.timeline.events, strict=True):
            rows.append((event_id, o.id, previous, e.status, e.us, e.user, e.comment))
            previous = e.status
    rows.sort()
    return frame(
        {
            "id": [r[0] for r in rows],
            "order_id": [r[1] for r in rows],
            "from_status": pl.Series([r[2] for r in rows], dtype=pl.String),
            "to_status": [r[3] for r in rows],
            "changed_at": stamps([r[4] for r in rows]),
            "changed_by": [r[5] for r in rows],
            "comment": pl.Series([r[6] for r in rows], dtype=pl.String),
        }
    )

"""An order's lines: read them (prices only for who may see them) and save the form's edits.

A save sends the whole list as the form shows it: lines with an id are updated, lines without
one are added, stored lines missing from the list are removed. The order's version guards the
save like a header edit (the lines are part of the order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.repos.orders import (
    BLANK_COLUMNS,
    LineDraft,
    insert_lines,
    missing_references,
    stale_error,
    validate_line,
)
from ingest.service.acting import Acting
from ingest.service.order_pricing import draft_of, price_stored_order, stored_lines
from ingest.service.orders import get_order, order_for_write
from ingest.store import audit
from ingest.store.errors import ValidationError
from ingest.store.ids import next_id
from pricing.errors import PricingError

SPEC_FIELDS = ("product_id", "drawing_no", "name", "material_id", "blank_shape", *BLANK_COLUMNS,
               "quantity", "complexity")  # fmt: skip
PRICE_FIELDS = ("price_per_kg", "fixed_unit_price")
PRICED_FIGURES = ("material_cost_unit", "unit_price_net", "line_net", "line_vat", "line_total")


@dataclass(frozen=True)
class LineEdit:
    line_id: int | None  # None: a new line
    draft: LineDraft


def order_lines(a: Acting, order_id: int) -> tuple[list[dict[str, Any]], str | None]:
    """(lines, pricing problem or None). Price inputs and figures only with `prices` read."""
    order = get_order(a, order_id)
    lines = stored_lines(a.conn, order_id)
    show_prices = a.can("prices", "read", order)
    problem = None
    priced = None
    if lines:  # the weight is a spec everybody sees; the money only with `prices`
        try:
            priced = price_stored_order(a.conn, order)
        except PricingError as exc:
            problem = str(exc)
    for n, line in enumerate(lines):
        line.pop("actual_material_cost", None)  # procurement's figure, shown on its own tab
        result = priced.lines[n] if priced else None
        line["unit_weight_kg"] = result.unit_weight_kg if result else None
        line["line_weight_kg"] = result.line_weight_kg if result else None
        if show_prices:
            for name in PRICED_FIGURES:
                line[name] = getattr(result, name) if result else None
        else:
            for name in PRICE_FIELDS:
                line.pop(name, None)
            line.pop("surcharges", None)
    return lines, problem


def _price_inputs(draft: LineDraft) -> tuple:
    return (draft.price_per_kg, draft.fixed_unit_price,
            tuple(sorted((k, v) for k, v in draft.surcharges_pct.items())))  # fmt: skip


def _spec_values(draft: LineDraft) -> dict[str, Any]:
    values = {"product_id": draft.product_id, "drawing_no": draft.drawing_no, "name": draft.name,
              "material_id": draft.material_id, "blank_shape": draft.blank_shape,
              "quantity": draft.quantity, "complexity": draft.complexity}  # fmt: skip
    values.update({col: draft.dims.get(col) for col in BLANK_COLUMNS})
    return values


def _diff(old: LineDraft, new: LineDraft) -> dict[str, tuple[Any, Any]]:
    before, after = _spec_values(old), _spec_values(new)
    changes = {k: (before[k], after[k]) for k in SPEC_FIELDS if before[k] != after[k]}
    for name in PRICE_FIELDS:
        if getattr(old, name) != getattr(new, name):
            changes[name] = (getattr(old, name), getattr(new, name))
    if dict(old.surcharges_pct) != dict(new.surcharges_pct):
        changes["surcharges"] = (dict(old.surcharges_pct), dict(new.surcharges_pct))
    return changes


def save_lines(a: Acting, order_id: int, expected_version: int, edits: Sequence[LineEdit]) -> int:
    """Apply the form's lines; returns the order's new version."""
    order = order_for_write(a, order_id, "header")
    if order["version"] != expected_version:
        raise stale_error(a.conn, {**order, "number": order["number"]})
    if not edits:
        raise ValidationError(f"заказ {order['number']}", "lines", "нужна хотя бы одна позиция")
    stored = {ln["id"]: ln for ln in stored_lines(a.conn, order_id)}
    unknown = [e.line_id for e in edits if e.line_id is not None and e.line_id not in stored]
    if unknown:
        raise ValidationError(f"заказ {order['number']}", "line_id",
                              f"позиция {unknown[0]} не принадлежит заказу")  # fmt: skip
    refs = []
    for n, edit in enumerate(edits, start=1):
        refs += validate_line(n, edit.draft)
    missing_references(a.conn, refs)

    may_price = a.can("prices", "write", order)
    kept = {e.line_id for e in edits if e.line_id is not None}
    removed = [lid for lid in stored if lid not in kept]
    changes: list[tuple[int, str, dict]] = []
    for edit in edits:
        if edit.line_id is None:
            if not may_price and _price_inputs(edit.draft) != (None, None, ()):
                a.require("prices", "write", order)
            continue
        old = draft_of(stored[edit.line_id])
        diff = _diff(old, edit.draft)
        if not may_price and _price_inputs(old) != _price_inputs(edit.draft):
            a.require("prices", "write", order)
        if diff:
            changes.append((edit.line_id, "update", diff))
    blocked = a.execute(
        "SELECT min(l.line_no) FROM procurement_records p JOIN order_lines l ON l.id = p.line_id "
        "WHERE list_contains(?, p.line_id)", [removed],
    ).fetchone()[0] if removed else None  # fmt: skip
    if blocked is not None:
        raise ValidationError(f"позиция {blocked}", "line", "по позиции уже есть закупка — "
                              "удалить её нельзя")  # fmt: skip
    new_drafts = tuple(e.draft for e in edits if e.line_id is None)
    if not changes and not removed and not new_drafts:
        return order["version"]

    _apply(a, order_id, stored, edits, removed, new_drafts)
    for line_id, action, diff in changes:
        audit.record(a.conn, user_id=a.user_id, entity="order_line", entity_id=line_id,
                     action=action, changes=diff, at=a.now, order_id=order_id)  # fmt: skip
    for line_id in removed:
        audit.record(a.conn, user_id=a.user_id, entity="order_line", entity_id=line_id,
                     action="delete", changes={"name": (stored[line_id]["name"], None)},
                     at=a.now, order_id=order_id)  # fmt: skip
    return a.execute(
        "UPDATE orders SET version = version + 1, updated_at = ?, updated_by = ? "
        "WHERE id = ? AND version = ? RETURNING version",
        [a.now, a.user_id, order_id, expected_version],
    ).fetchone()[0]


def _apply(a, order_id, stored, edits, removed, new_drafts) -> None:
    if removed:
        a.execute("DELETE FROM order_line_surcharges WHERE list_contains(?, line_id)", [removed])
        a.execute("DELETE FROM order_lines WHERE list_contains(?, id)", [removed])
    for edit in edits:
        if edit.line_id is None:
            continue
        values = _spec_values(edit.draft)
        values.update({n: getattr(edit.draft, n) for n in PRICE_FIELDS})
        a.execute(
            f"UPDATE order_lines SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
            [*values.values(), edit.line_id],
        )
        if dict(draft_of(stored[edit.line_id]).surcharges_pct) != dict(edit.draft.surcharges_pct):
            a.execute("DELETE FROM order_line_surcharges WHERE line_id = ?", [edit.line_id])
            for name, pct in edit.draft.surcharges_pct.items():
                a.execute("INSERT INTO order_line_surcharges VALUES (?, ?, ?)",
                          [edit.line_id, name, pct])  # fmt: skip
    if new_drafts:
        first_id = next_id(a.conn, "order_lines")
        last_no = a.execute("SELECT coalesce(max(line_no), 0) FROM order_lines WHERE order_id = ?",
                            [order_id]).fetchone()[0]  # fmt: skip
        _insert_lines_from(a, order_id, first_id, last_no, new_drafts)


def _insert_lines_from(a, order_id, first_id, last_no, drafts) -> None:
    """Insert new lines numbered after the last one."""
    insert_lines(a.conn, order_id, first_id, drafts, first_line_no=last_no + 1)
    for offset, draft in enumerate(drafts):
        audit.record(a.conn, user_id=a.user_id, entity="order_line", entity_id=first_id + offset,
                     action="insert", changes={"name": (None, draft.name)}, at=a.now,
                     order_id=order_id)  # fmt: skip

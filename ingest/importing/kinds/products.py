"""The product catalog: natural key the drawing number. A new item needs a name and a blank
(shape with its dimensions, or a mass); a known one is updated only where the file has a value
that differs. An unknown material grade is added for procurement to complete.

Access: the catalog is the specification of lines — the order header group, write.
"""

from __future__ import annotations

from decimal import Decimal

from ingest.importing.errors import RowError
from ingest.importing.kinds import rules
from ingest.importing.kinds.base import (
    INSERT,
    SKIP,
    UPDATE,
    AuditBatch,
    ColumnOf,
    Plan,
    Row,
    duplicates,
    insert_records,
    next_ids,
    rows_where_in,
    update_records,
)
from ingest.importing.kinds.blanks import DIM_FIELDS, given_blank
from ingest.importing.kinds.lookups import Materials, new_grades_note, same_number
from ingest.service.acting import Acting

KIND = "products"
RULES = {
    "drawing_no": rules.text(200), "name": rules.text(200), "material_grade": rules.text(100),
    "blank_shape": rules.text(100), "complexity": rules.number("complexity"),
    **{name: rules.number(name) for name in DIM_FIELDS},
}  # fmt: skip


def access(a: Acting, mapped: set[str]) -> None:
    a.require("header", "write")


def check(
    rows: list[Row], col: ColumnOf, rejected: list[Row] = ()
) -> tuple[list[Row], list[RowError]]:
    good, errors = [], []
    for row in rows:
        problems = []
        if not row.get("drawing_no"):
            problems.append(RowError(row.row, col("drawing_no"), "номер чертежа не заполнен"))
        shape, dims = given_blank(row, col, problems)
        row.values["_shape"], row.values["_dims"] = shape, dims
        if problems:
            errors += problems
        else:
            good.append(row)
    kept, dups = duplicates(good, lambda r: (r.get("drawing_no"),), col("drawing_no"))
    return kept, errors + dups


def _stored(a: Acting, drawings: list[str]) -> dict[str, dict]:
    return {p["drawing_no"]: p for p in rows_where_in(a.conn, "products", "drawing_no", drawings)}


def _values(row: Row, materials: Materials) -> dict:
    """The catalog columns this row sets (None = not given in the file)."""
    values = {"name": row.get("name"), "default_complexity": row.get("complexity")}
    if row.get("material_grade"):
        values["material_id"] = materials.resolve(row.get("material_grade"))
    if row.values["_shape"] is not None:
        values["blank_shape"] = row.values["_shape"]
        values.update({d: row.values["_dims"].get(d) for d in DIM_FIELDS})
    return values


def _changed(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return not same_number(old, new)
    return old != new


def plan(a: Acting, rows: list[Row], col: ColumnOf) -> Plan:
    result = Plan(work={"insert": [], "update": []})
    materials = Materials.load(a.conn)
    stored = _stored(a, sorted({r.get("drawing_no") for r in rows}))
    ids = iter(next_ids(a.conn, "products", sum(r.get("drawing_no") not in stored for r in rows)))
    for row in rows:
        current = stored.get(row.get("drawing_no"))
        if current is None:
            if not row.get("name"):
                result.reject(row.row, col("name"), "наименование не заполнено (новое изделие)")
                continue
            if row.values["_shape"] is None:
                result.reject(
                    row.row, col("blank_shape"), "заготовка не задана: форма с размерами или масса"
                )
                continue
            values = _values(row, materials)
            values["default_complexity"] = values["default_complexity"] or Decimal(1)
            result.work["insert"].append(
                {
                    "id": next(ids),
                    "drawing_no": row.get("drawing_no"),
                    "is_active": True,
                    "material_id": values.pop("material_id", None),
                    **values,
                }
            )
            result.outcomes[row.row] = INSERT
            continue
        values = {k: v for k, v in _values(row, materials).items() if v is not None}
        if "blank_shape" in values:  # a new blank replaces the old one's dimensions entirely
            values.update({d: row.values["_dims"].get(d) for d in DIM_FIELDS})
        diff = {k: (current[k], v) for k, v in values.items() if _changed(current[k], v)}
        if diff:
            result.work["update"].append((current["id"], diff))
            result.outcomes[row.row] = UPDATE
        else:
            result.outcomes[row.row] = SKIP
    result.work["materials"] = materials
    note = new_grades_note([m["grade"] for m in materials.new])
    if note:
        result.notes.append(note)
    return result


def apply(a: Acting, plan: Plan, audit: AuditBatch) -> None:
    plan.work["materials"].insert_new(a.conn, audit)
    inserts = plan.work["insert"]
    insert_records(a.conn, "products", inserts)
    for r in inserts:
        audit.add(
            "product",
            r["id"],
            "insert",
            {k: (None, r[k]) for k in ("drawing_no", "name", "material_id", "blank_shape")},
        )
    updates = plan.work["update"]
    update_records(
        a.conn,
        "products",
        [{"id": pid, **{k: new for k, (_, new) in d.items()}} for pid, d in updates],
    )
    for pid, diff in updates:
        audit.add("product", pid, "update", diff)

"""The material price list: natural key grade + valid-from date. A row may also carry the grade's
density and group; a new grade is added (complete when the density is given, else flagged for
procurement to complete).

Two rules protect what is already priced (the same as the material price page's):
- the density of a reviewed grade is not changed by an import — it weighs every order made of it
  (a grade still flagged needs_review gets the file's density and is then complete);
- a price dated in the past is taken only when no stored order line is priced by the list in the
  period it would start (from its date to the grade's next price): otherwise it would silently
  re-price orders already costed. Legacy history for a new plant goes in; a back-dated change to
  a working plant's prices is a rejected row.

Access: the procurement group, write.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

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
    update_records,
)
from ingest.importing.kinds.lookups import Materials, grade_key, same_number
from ingest.importing.statuses import status_key
from ingest.service.acting import Acting

KIND = "materials"
CATEGORIES = {
    "carbon_steel": ("углеродистая сталь", "сталь углеродистая", "углеродистая", "конструкционная"),
    "alloy_steel": ("легированная сталь", "сталь легированная", "легированная"),
    "stainless_steel": ("нержавеющая сталь", "нержавейка", "нержавеющая", "сталь нержавеющая"),
    "tool_steel": ("инструментальная сталь", "инструментальная"),
    "cast_steel": ("литейная сталь", "литейная"),
    "cast_iron": ("чугун",),
    "aluminium": ("алюминий", "алюминиевый сплав", "алюминиевые сплавы"),
    "copper": ("медь",),
    "brass": ("латунь",),
    "bronze": ("бронза",),
    "titanium": ("титан", "титановый сплав"),
    "plastic": ("пластик", "пластмасса", "полимер"),
}
_CATEGORY = {status_key(w): code for code, words in CATEGORIES.items() for w in (*words, code)}


def category_code(text: str | None) -> str | None:
    """A group name -> the store's category code; an unknown group is kept as written."""
    if text is None:
        return None
    return _CATEGORY.get(status_key(text), text)


RULES = {
    "grade": rules.text(100), "category": rules.text(100),
    "density_kg_m3": rules.number("density_kg_m3"), "price_per_kg": rules.number("price_per_kg"),
}  # fmt: skip


def access(a: Acting, mapped: set[str]) -> None:
    a.require("procurement", "write")


def _key(row: Row) -> tuple:
    return grade_key(row.get("grade")), row.get("valid_from")


def check(
    rows: list[Row], col: ColumnOf, rejected: list[Row] = ()
) -> tuple[list[Row], list[RowError]]:
    good, errors = [], []
    densities: dict[str, tuple[int, object]] = {}
    for row in rows:
        problems = []
        if not row.get("grade"):
            problems.append(RowError(row.row, col("grade"), "марка не заполнена"))
        has_price, has_date = row.get("price_per_kg") is not None, row.get("valid_from") is not None
        if has_price and not has_date:
            problems.append(
                RowError(row.row, col("valid_from"), "дата начала действия цены не заполнена")
            )
        if has_date and not has_price:
            problems.append(RowError(row.row, col("price_per_kg"), "цена не заполнена"))
        row.values["category"] = category_code(row.get("category"))
        density = row.get("density_kg_m3")
        if not problems and density is not None:
            first = densities.setdefault(grade_key(row.get("grade")), (row.row, density))
            if not same_number(first[1], density):
                problems.append(
                    RowError(
                        row.row, col("density_kg_m3"), f"плотность отличается от строки {first[0]}"
                    )
                )
        if problems:
            errors += problems
        else:
            good.append(row)
    kept, dups = duplicates(good, _key, col("grade"))
    return kept, errors + dups


def _prices(a: Acting) -> dict[int, dict[date, tuple[int, object]]]:
    prices: dict[int, dict[date, tuple[int, object]]] = defaultdict(dict)
    for pid, mid, valid_from, price in a.execute(
        "SELECT id, material_id, valid_from, price_per_kg FROM material_prices"
    ).fetchall():
        prices[mid][valid_from] = (pid, price)
    return prices


def _repriced_orders(a: Acting, material_id: int, start: date, stop: date | None) -> list[str]:
    """Orders with a line of this material priced by the list, dated in [start, stop)."""
    return [
        r[0]
        for r in a.execute(
            "SELECT DISTINCT o.number FROM order_lines l JOIN orders o ON o.id = l.order_id "
            "WHERE l.material_id = ? AND l.price_per_kg IS NULL AND o.need_date >= ? "
            "AND (? IS NULL OR o.need_date < ?) ORDER BY 1 LIMIT 3",
            [material_id, start, stop, stop],
        ).fetchall()
    ]


def _material_changes(row: Row, material: dict) -> dict[str, tuple] | str:
    """Changes to a stored grade, or the reason they are refused."""
    changes: dict[str, tuple] = {}
    density, category = row.get("density_kg_m3"), row.get("category")
    if density is not None and not same_number(material["density_kg_m3"], density):
        if not material["needs_review"]:
            return "плотность проверенной марки импортом не меняется (по ней взвешены заказы)"
        changes["density_kg_m3"] = (material["density_kg_m3"], density)
        changes["needs_review"] = (True, False)
    if category is not None and category != material["category"]:
        changes["category"] = (material["category"], category)
    return changes


def _price_refusal(a: Acting, prices: dict, material_id: int, valid_from: date) -> str | None:
    """Why a price from a past date may not go in (it would re-price costed orders), or None."""
    if valid_from >= a.now.date():
        return None
    later = [d for d in prices[material_id] if d > valid_from]
    hit = _repriced_orders(a, material_id, valid_from, min(later, default=None))
    if not hit:
        return None
    return (
        f"цена с прошедшей даты {valid_from:%d.%m.%Y} изменила бы суммы рассчитанных "
        f"заказов ({', '.join(hit)}…)"
    )


def plan(a: Acting, rows: list[Row], col: ColumnOf) -> Plan:
    work = {"material_updates": {}, "prices": [], "price_updates": []}
    result = Plan(work=work)
    materials = Materials.load(a.conn)
    prices = _prices(a)
    price_ids = iter(next_ids(a.conn, "material_prices", len(rows)))
    for row in rows:
        grade, price, valid_from = row.get("grade"), row.get("price_per_kg"), row.get("valid_from")
        material, changes, action = materials.find(grade), {}, SKIP
        if material is not None and not any(m is material for m in materials.new):
            changes = _material_changes(row, material)
            if isinstance(changes, str):
                result.reject(row.row, col("density_kg_m3"), changes)
                continue
        stored = None
        if price is not None and material is not None:
            stored = prices[material["id"]].get(valid_from)
            if stored is None or not same_number(stored[1], price):
                refusal = _price_refusal(a, prices, material["id"], valid_from)
                if refusal:
                    result.reject(row.row, col("valid_from"), refusal)
                    continue
        # The row is accepted: record what it changes.
        if material is None:
            materials.resolve(grade)
            material = materials.find(grade)
            density = row.get("density_kg_m3")
            material.update(
                category=row.get("category"), density_kg_m3=density, needs_review=density is None
            )
            action = INSERT
        elif changes:
            work["material_updates"].setdefault(material["id"], {}).update(changes)
            action = UPDATE
        if price is not None:
            if stored is None:
                pid = next(price_ids)
                prices[material["id"]][valid_from] = (pid, price)
                work["prices"].append(
                    {
                        "id": pid,
                        "material_id": material["id"],
                        "valid_from": valid_from,
                        "price_per_kg": price,
                    }
                )
                action = INSERT if action == SKIP else action
            elif not same_number(stored[1], price):
                work["price_updates"].append((stored[0], stored[1], price))
                prices[material["id"]][valid_from] = (stored[0], price)
                action = UPDATE if action == SKIP else action
        result.outcomes[row.row] = action
    work["new"] = materials.new
    return result


def apply(a: Acting, plan: Plan, audit: AuditBatch) -> None:
    work = plan.work
    insert_records(a.conn, "materials", work["new"])
    for m in work["new"]:
        audit.add(
            "material",
            m["id"],
            "insert",
            {
                k: (None, m[k])
                for k in ("grade", "category", "density_kg_m3", "needs_review")
                if m[k] is not None
            },
        )
    updates = work["material_updates"]
    update_records(
        a.conn,
        "materials",
        [{"id": mid, **{k: new for k, (_, new) in ch.items()}} for mid, ch in updates.items()],
    )
    for mid, changes in updates.items():
        audit.add("material", mid, "update", changes)
    insert_records(a.conn, "material_prices", work["prices"])
    for p in work["prices"]:
        audit.add(
            "material_price",
            p["id"],
            "insert",
            {k: (None, p[k]) for k in ("material_id", "valid_from", "price_per_kg")},
        )
    update_records(
        a.conn,
        "material_prices",
        [{"id": pid, "price_per_kg": new} for pid, _, new in work["price_updates"]],
    )
    for pid, old, new in work["price_updates"]:
        audit.add("material_price", pid, "update", {"price_per_kg": (old, new)})

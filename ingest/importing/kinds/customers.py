"""Customers: natural key ИНН (checksum checked). A new ИНН needs a name; a known one is updated
only where the file has a value that differs (an empty cell never erases what is stored).

Access: the order header group (names and ИНН) for writing; the contacts group as well when a
contact column (КПП, address, phone, e-mail) is mapped — as in the app's new-customer form.
"""

from __future__ import annotations

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
from ingest.importing.kinds.lookups import customers_by_inn
from ingest.service.acting import Acting

KIND = "customers"
CONTACT_FIELDS = ("kpp", "address", "phone", "email")
FIELDS = ("name", *CONTACT_FIELDS)
RULES = {
    "inn": rules.inn, "name": rules.text(1000), "kpp": rules.kpp, "address": rules.text(1000),
    "phone": rules.text(200), "email": rules.email,
}  # fmt: skip


def access(a: Acting, mapped: set[str]) -> None:
    a.require("header", "write")
    if mapped & set(CONTACT_FIELDS):
        a.require("contacts", "write")


def required(rows: list[Row], field: str, column: str, reason: str):
    """(rows with the field filled, errors for the others)."""
    good, errors = [], []
    for row in rows:
        if row.values.get(field) is None:
            errors.append(RowError(row.row, column, reason))
        else:
            good.append(row)
    return good, errors


def check(
    rows: list[Row], col: ColumnOf, rejected: list[Row] = ()
) -> tuple[list[Row], list[RowError]]:
    good, errors = required(rows, "inn", col("inn"), "ИНН не заполнен")
    kept, dups = duplicates(good, lambda r: (r.get("inn"),), col("inn"))
    return kept, errors + dups


def plan(a: Acting, rows: list[Row], col: ColumnOf) -> Plan:
    result = Plan(work={"insert": [], "update": []})
    stored = customers_by_inn(a.conn, [r.get("inn") for r in rows])
    new_rows = [r for r in rows if r.get("inn") not in stored]
    ids = iter(next_ids(a.conn, "customers", len(new_rows)))
    for row in rows:
        inn = row.get("inn")
        current = stored.get(inn)
        if current is None:
            if not row.get("name"):
                result.reject(row.row, col("name"), "наименование не заполнено (новый заказчик)")
                continue
            record = {
                "id": next(ids),
                "name": row.get("name"),
                "inn": inn,
                **{f: row.get(f) for f in CONTACT_FIELDS},
                "created_at": a.now,
            }
            result.work["insert"].append(record)
            result.outcomes[row.row] = INSERT
            continue
        diff = {
            f: (current[f], row.get(f))
            for f in FIELDS
            if row.get(f) is not None and row.get(f) != current[f]
        }
        if diff:
            result.work["update"].append((current["id"], diff))
            result.outcomes[row.row] = UPDATE
        else:
            result.outcomes[row.row] = SKIP
    return result


def apply(a: Acting, plan: Plan, audit: AuditBatch) -> None:
    inserts = plan.work["insert"]
    insert_records(a.conn, "customers", inserts)
    for r in inserts:
        audit.add(
            "customer",
            r["id"],
            "insert",
            {k: (None, r[k]) for k in ("name", "inn", *CONTACT_FIELDS) if r[k]},
        )
    updates = plan.work["update"]
    update_records(
        a.conn,
        "customers",
        [{"id": cid, **{k: new for k, (_, new) in diff.items()}} for cid, diff in updates],
    )
    for cid, diff in updates:
        audit.add("customer", cid, "update", diff)

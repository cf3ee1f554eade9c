"""The orders register: one row per order line, the order's columns repeated (or left empty, or
merged) on every line row. Natural keys: order number, and order number + line number for lines
(without a line-number column the rows of an order are its lines 1, 2, 3 in file order).

An order goes in whole or not at all: a rejected row rejects the rest of its order too (each of
those rows names the bad one), so no order is ever stored with lines silently missing. Lines obey
the app's rules — ingest/repos/orders.validate_line on a LineDraft, and the pricing library's
limits for every number. A grade the catalog does not know becomes a new material flagged for
procurement; a drawing number found in the catalog fills what the row leaves out (name,
material, blank, complexity).

A new order is written with the status the register gives (no walk through the status machine)
and WITHOUT a status event: events drive tasks and e-mails (the notification sensor reads them),
and a legacy order must not wake anyone up. An imported order that nobody has moved in the app
yet (it has no status events) may get a new status from a later import; once it is moved in the
app, its status changes only there.

Access: header write (the own-orders scope per order: a sales manager imports only orders they
are responsible for), prices write when price columns are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

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
    insert_records,
    insert_tuples,
    next_ids,
    rows_where_in,
    update_records,
)
from ingest.importing.kinds.blanks import DIM_FIELDS, given_blank
from ingest.importing.kinds.lookups import (
    Materials,
    Users,
    customers_by_inn,
    customers_by_name,
    name_key,
    new_grades_note,
    same_number,
)
from ingest.repos.orders import BLANK_COLUMNS, LineDraft, validate_line
from ingest.service.acting import Acting
from ingest.service.customers import validate_customer
from ingest.store.errors import ValidationError

KIND = "orders"
HEADER_FIELDS = (
    "need_date",
    "customer_inn",
    "customer_name",
    "status",
    "sales_manager",
    "quote_sent_date",
    "agreed_date",
    "planned_shipment_date",
    "actual_shipment_date",
    "delivered_date",
    "vat_rate",
    "delivery_address",
    "comment",
)
# Header fields stored as they are (the rest are resolved: customer, manager, status).
PLAIN_HEADER = (
    "need_date",
    "quote_sent_date",
    "agreed_date",
    "planned_shipment_date",
    "actual_shipment_date",
    "delivered_date",
    "vat_rate",
    "delivery_address",
    "comment",
)
PRICE_FIELDS = ("price_per_kg", "fixed_unit_price", "vat_rate")
LINE_COLUMNS = (
    "product_id",
    "drawing_no",
    "name",
    "material_id",
    "price_per_kg",
    "blank_shape",
    *BLANK_COLUMNS,
    "quantity",
    "complexity",
    "fixed_unit_price",
)
# validate_line's field -> the register's field (for the column of a rejected row)
_ONE = Decimal(1)
_LINE_FIELD = {"material_id": "material_grade", "product_id": "drawing_no"}


def access(a: Acting, mapped: set[str]) -> None:
    a.require("header", "write")
    if mapped & set(PRICE_FIELDS):
        a.require("prices", "write")


# --- Pure checks -----------------------------------------------------------------------------


RULES = {
    **{name: rules.text(200) for name in ("order_number", "customer_name", "sales_manager",
                                          "drawing_no", "name", "material_grade", "blank_shape")},
    "delivery_address": rules.text(4000), "comment": rules.text(4000),
    "customer_inn": rules.inn, "status": rules.status, "vat_rate": rules.vat_rate,
    "line_no": rules.line_no, "quantity": rules.quantity,
    **{name: rules.number(name) for name in ("complexity", "price_per_kg", "fixed_unit_price",
                                             *DIM_FIELDS)},
}  # fmt: skip


def _check_row(row: Row, col: ColumnOf, dims: tuple[str, ...]) -> list[RowError]:
    """What one row needs besides its cells' own rules (written tight: 50,000 rows)."""
    values, errors = row.values, []
    if not values.get("order_number"):
        errors.append(RowError(row.row, col("order_number"), "номер заказа не заполнен"))
    if values.get("quantity") is None:
        errors.append(RowError(row.row, col("quantity"), "количество не заполнено"))
    values["_shape"], values["_dims"] = given_blank(row, col, errors, dims)
    return errors


@dataclass
class OrderRows:
    number: str
    rows: list[Row] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)  # field -> value, first row giving it
    first: tuple = ()  # the header cells of the first row as they were (the fast path)


def _merge_header(order: OrderRows, row: Row, col: ColumnOf, first_row: dict[str, int]):
    """The order's header from its rows: an empty cell inherits, a different value is an error."""
    errors = []
    values, header = row.values, order.header
    for name in HEADER_FIELDS:
        value = values.get(name)
        if value is None:
            continue
        known = header.get(name)
        if known is None:
            header[name], first_row[name] = value, row.row
        elif known is not value and known != value and not _same(known, value):
            errors.append(
                RowError(
                    row.row, col(name), f"отличается от строки {first_row[name]} того же заказа"
                )
            )
    return errors


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return name_key(a) == name_key(b)
    return a == b


def group_orders(rows: list[Row], col: ColumnOf) -> tuple[list[OrderRows], list[RowError]]:
    """Rows -> orders (file order), with the header merged and line numbers given."""
    orders: dict[str, OrderRows] = {}
    firsts: dict[str, dict[str, int]] = {}
    errors: list[RowError] = []
    for row in rows:
        number = row.values["order_number"]
        cells = tuple(map(row.values.get, HEADER_FIELDS))
        order = orders.get(number)
        if order is None:
            order = orders[number] = OrderRows(number, first=cells)
        if cells != order.first or not order.rows:  # most rows repeat the first one exactly
            errors += _merge_header(order, row, col, firsts.setdefault(number, {}))
        order.rows.append(row)
    for order in orders.values():
        taken = {r.values.get("line_no") for r in order.rows if r.values.get("line_no") is not None}
        next_no = max(taken, default=0) + 1
        seen: dict[int, int] = {}
        for row in order.rows:
            if row.values.get("line_no") is None:
                row.values["line_no"] = next_no
                next_no += 1
            first = seen.setdefault(row.values.get("line_no"), row.row)
            if first != row.row:
                errors.append(RowError(row.row, col("line_no"), f"дубликат ключа: строка {first}"))
        if order.header.get("need_date") is None:
            errors.append(RowError(order.rows[0].row, col("need_date"), "дата заказа не заполнена"))
    return list(orders.values()), errors


def check(
    rows: list[Row], col: ColumnOf, rejected: list[Row] = ()
) -> tuple[list[Row], list[RowError]]:
    """Rows that need no store to be refused, refused; `rejected` are rows whose cells were
    already refused (their orders are held back too)."""
    good, errors = [], []
    dims = tuple(n for n in DIM_FIELDS if rows and n in rows[0].values)  # the mapped ones
    for row in rows:
        problems = _check_row(row, col, dims)
        errors += problems
        if not problems:
            good.append(row)
    refused = [RowError(r.row, "", "") for r in rejected]  # only to name the bad rows
    good, held = _hold_orders(good, errors + refused, [*rows, *rejected], col)
    errors += held
    orders, group_errors = group_orders(good, col)
    for order in orders:  # plan() regroups by the merged header without merging again
        for row in order.rows:
            row.values["_header"] = order.header
    good, held = _hold_orders(good, group_errors, good, col)
    return good, errors + group_errors + held


def _regroup(rows: list[Row], col: ColumnOf) -> tuple[list[OrderRows], list[RowError]]:
    """The orders of rows that passed check() (their merged header rides on them)."""
    if any("_header" not in r.values for r in rows):
        return group_orders(rows, col)
    orders: dict[str, OrderRows] = {}
    for row in rows:
        number = row.values["order_number"]
        order = orders.get(number)
        if order is None:
            order = orders[number] = OrderRows(number, header=row.values["_header"])
        order.rows.append(row)
    return list(orders.values()), []


def _hold_orders(good: list[Row], errors: list[RowError], rows: list[Row], col: ColumnOf):
    """A bad row rejects its order: its sibling rows are held back too (see the module doc).
    Returns (rows still good, errors for the held rows)."""
    number_of = {r.row: r.values.get("order_number") for r in rows}
    by_number: dict[str, list[RowError]] = {}
    for e in errors:
        if number_of.get(e.row) is not None:
            by_number.setdefault(number_of[e.row], []).append(e)
    bad_rows = {e.row for e in errors}
    kept, held = [], []
    for row in good:
        number = row.values.get("order_number")
        if number not in by_number:
            kept.append(row)
        elif row.row not in bad_rows:
            held.append(_held(row, col, by_number[number]))
    return kept, held


def _held(row: Row, col: ColumnOf, errors: list[RowError]) -> RowError:
    number = row.values.get("order_number")
    bad = sorted({e.row for e in errors if e.row != row.row})
    where = ", ".join(map(str, bad[:5])) + ("…" if len(bad) > 5 else "")
    return RowError(
        row.row, col("order_number"), f"заказ {number} не импортирован: ошибка в строке {where}"
    )


# --- Plan against the store ----------------------------------------------------------------


@dataclass
class Lookups:
    materials: Materials
    users: Users
    customers: dict[str, dict]
    names: dict[str, list[dict]] | None
    products: dict[str, dict]
    orders: dict[str, dict]
    lines: dict[int, dict[int, dict]]
    moved: set[int]  # orders with status events (living in the app)


def _load(a: Acting, orders: list[OrderRows]) -> Lookups:
    inns = [o.header.get("customer_inn") for o in orders]
    need_names = any(not o.header.get("customer_inn") for o in orders)
    drawings = {r.values.get("drawing_no") for o in orders for r in o.rows}
    stored = rows_where_in(a.conn, "orders", "number", [o.number for o in orders])
    ids = [o["id"] for o in stored]
    lines: dict[int, dict[int, dict]] = {}
    for line in rows_where_in(a.conn, "order_lines", "order_id", ids):
        lines.setdefault(line["order_id"], {})[line["line_no"]] = line
    moved = {r["order_id"] for r in rows_where_in(a.conn, "status_events", "order_id", ids,
                                                  "DISTINCT order_id")}  # fmt: skip
    products = rows_where_in(a.conn, "products", "drawing_no", drawings)
    return Lookups(
        materials=Materials.load(a.conn),
        users=Users.load(a.conn),
        customers=customers_by_inn(a.conn, inns),
        names=customers_by_name(a.conn) if need_names else None,
        products={p["drawing_no"]: p for p in products},
        orders={o["number"]: o for o in stored},
        lines=lines,
        moved=moved,
    )


class Rejected(Exception):
    def __init__(self, row: int, column: str, reason: str):
        super().__init__(reason)
        self.error = RowError(row, column, reason)


@dataclass
class Work:
    customers: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    lines: list[tuple] = field(default_factory=list)  # ("id", "order_id", "line_no", *LINE_COLUMNS)
    order_updates: list[tuple[int, dict]] = field(default_factory=list)  # (id, changes)
    line_updates: list[tuple[int, int, dict]] = field(default_factory=list)  # (id, order, ch.)
    new_orders: list[tuple[int, str, int]] = field(default_factory=list)  # (id, number, lines)
    new_customer_ids: dict[str, int] = field(default_factory=dict)
    materials: Materials | None = None


class _Planner:
    def __init__(self, a: Acting, look: Lookups, col: ColumnOf):
        self.a, self.look, self.col = a, look, col
        self.work = Work(materials=look.materials)
        free = next_ids(a.conn, "orders", 1) + next_ids(a.conn, "order_lines", 1)
        self.next_order, self.next_line = free
        self.next_customer = next_ids(a.conn, "customers", 1)[0]
        self.limited = a.actor.role == "sales" and not a.actor.is_head_of_sales

    def mark(self) -> tuple[int, int, int]:
        return self.look.materials.mark(), len(self.work.customers), self.next_customer

    def undo(self, marks: tuple[int, int, int]) -> None:
        materials, customers, self.next_customer = marks
        self.look.materials.undo(materials)
        for record in self.work.customers[customers:]:
            self.work.new_customer_ids.pop(record["inn"], None)
        del self.work.customers[customers:]

    # Customer, manager, status -------------------------------------------------------------

    def customer_id(self, order: OrderRows) -> int:
        first = order.rows[0].row
        inn, name = order.header.get("customer_inn"), order.header.get("customer_name")
        if inn:
            if inn in self.look.customers:
                return self.look.customers[inn]["id"]
            if inn in self.work.new_customer_ids:
                return self.work.new_customer_ids[inn]
            if not name:
                raise Rejected(
                    first,
                    self.col("customer_name"),
                    f"заказчика с ИНН {inn} нет, а наименования для нового нет",
                )
            try:
                validate_customer(name, inn, None, None)
            except ValidationError as exc:
                raise Rejected(first, self.col("customer_name"), exc.reason) from None
            cid, self.next_customer = self.next_customer, self.next_customer + 1
            self.work.customers.append(
                {"id": cid, "name": name, "inn": inn, "created_at": self.a.now}
            )
            self.work.new_customer_ids[inn] = cid
            return cid
        if not name:
            raise Rejected(first, self.col("customer_inn"), "заказчик не указан (ИНН или название)")
        found = (self.look.names or {}).get(name_key(name), [])
        if len(found) == 1:
            return found[0]["id"]
        reason = (
            f"несколько заказчиков «{name}» — укажите ИНН"
            if found
            else f"заказчик «{name}» не найден — укажите ИНН, чтобы создать нового"
        )
        raise Rejected(first, self.col("customer_name"), reason)

    def manager_id(self, order: OrderRows, current: dict | None) -> int | None:
        text = order.header.get("sales_manager")
        if text is None:
            if current is not None:
                return current["sales_manager_id"]
            return self.a.user_id if self.a.actor.role == "sales" else None
        user_id, reason = self.look.users.find(text)
        if user_id is None:
            raise Rejected(order.rows[0].row, self.col("sales_manager"), reason)
        return user_id

    def check_access(self, order: OrderRows, manager_id: int | None, current: dict | None):
        probe = {"sales_manager_id": manager_id, "number": order.number}
        stored = current or probe
        first = order.rows[0].row
        for scoped in (stored, probe):
            if not self.a.can("header", "write", scoped):
                raise Rejected(
                    first,
                    self.col("order_number"),
                    f"нет доступа: заказ {order.number} — не ваш заказ",
                )
        priced = order.header.get("vat_rate") is not None or any(
            r.values.get("price_per_kg") is not None or r.values.get("fixed_unit_price") is not None
            for r in order.rows
        )
        if priced and not self.a.can("prices", "write", stored):
            raise Rejected(
                first, self.col("order_number"), f"нет доступа к ценам заказа {order.number}"
            )

    # Lines -----------------------------------------------------------------------------------

    def line_draft(self, row: Row, stored: dict | None = None) -> LineDraft:
        """The row as the app's LineDraft, checked by the app's validate_line. What the row
        leaves empty comes from the stored line (an empty cell never erases), else from the
        catalog item of its drawing number, else the defaults."""
        values = row.values
        drawing = values.get("drawing_no") or (stored["drawing_no"] if stored else None)
        product = self.look.products.get(drawing) if drawing else None
        grade = values.get("material_grade")
        if grade:
            material_id = self.look.materials.resolve(grade)
        elif stored:
            material_id = stored["material_id"]
        elif product and product["material_id"] is not None:
            material_id = product["material_id"]
        else:
            raise Rejected(row.row, self.col("material_grade"), "марка материала не указана")
        shape, dims = values["_shape"], values["_dims"]
        if shape is None:
            source = stored or product
            if source is not None:
                shape = source["blank_shape"]
                dims = {c: source[c] for c in BLANK_COLUMNS if source[c] is not None}
        if shape is None:
            raise Rejected(
                row.row,
                self.col("blank_shape"),
                "заготовка не задана: форма с размерами или масса (или номер чертежа из каталога)",
            )
        complexity = values.get("complexity")
        if complexity is None:
            if stored:
                complexity = stored["complexity"]
            else:
                complexity = Decimal(product["default_complexity"]) if product else _ONE
        price_per_kg, fixed = values.get("price_per_kg"), values.get("fixed_unit_price")
        if stored:
            price_per_kg = stored["price_per_kg"] if price_per_kg is None else price_per_kg
            fixed = stored["fixed_unit_price"] if fixed is None else fixed
        draft = LineDraft(
            name=values.get("name") or (stored or product or {}).get("name") or "",
            material_id=material_id,
            blank_shape=shape,
            dims=dims,
            quantity=values["quantity"],
            complexity=complexity,
            product_id=product["id"] if product else (stored["product_id"] if stored else None),
            drawing_no=drawing,
            price_per_kg=price_per_kg,
            fixed_unit_price=fixed,
        )
        try:
            validate_line(values["line_no"], draft)
        except ValidationError as exc:
            column = self.col(_LINE_FIELD.get(exc.field, exc.field))
            raise Rejected(row.row, column, exc.reason) from None
        return draft

    # Orders ----------------------------------------------------------------------------------

    def header_values(self, order: OrderRows, customer_id: int, manager_id: int | None):
        values = {name: order.header.get(name) for name in PLAIN_HEADER if name in order.header}
        values["customer_id"] = customer_id
        values["sales_manager_id"] = manager_id
        if "status" in order.header:
            values["status"] = order.header["status"]
        return values

    def plan_order(self, order: OrderRows, result: Plan) -> None:
        current = self.look.orders.get(order.number)
        customer_id = self.customer_id(order)
        manager_id = self.manager_id(order, current)
        self.check_access(order, manager_id, current)
        stored = self.look.lines.get(current["id"], {}) if current else {}
        drafts = [(row, self.line_draft(row, stored.get(row.values["line_no"])))
                  for row in order.rows]  # fmt: skip
        header = self.header_values(order, customer_id, manager_id)
        if current is None:
            self.new_order(order, header, drafts, result)
        else:
            self.existing_order(order, current, header, drafts, result)

    def new_order(self, order: OrderRows, header: dict, drafts, result: Plan) -> None:
        order_id, self.next_order = self.next_order, self.next_order + 1
        now, user = self.a.now, self.a.user_id
        self.work.orders.append(
            {
                "id": order_id,
                "number": order.number,
                "status": header.pop("status", "need"),
                **header,
                "created_at": now,
                "created_by": user,
                "updated_at": now,
                "updated_by": user,
                "version": 1,
            }
        )
        for row, draft in drafts:
            self.work.lines.append(self.line_record(order_id, row.values.get("line_no"), draft))
            result.outcomes[row.row] = INSERT
        self.work.new_orders.append((order_id, order.number, len(drafts)))

    def line_record(self, order_id: int, line_no: int, draft: LineDraft) -> tuple:
        line_id, self.next_line = self.next_line, self.next_line + 1
        return (line_id, order_id, line_no, *_line_tuple(draft))

    def existing_order(self, order, current, header, drafts, result: Plan) -> None:
        first = order.rows[0].row
        diff = {k: (current[k], v) for k, v in header.items() if not _equal(current[k], v)}
        if "status" in diff and current["id"] in self.look.moved:
            raise Rejected(
                first,
                self.col("status"),
                f"заказ {order.number} уже ведётся в системе: статус меняется только "
                "в карточке заказа",
            )
        stored_lines = self.look.lines.get(current["id"], {})
        changed_lines = False
        for row, draft in drafts:
            line = stored_lines.get(row.values.get("line_no"))
            if line is None:
                self.work.lines.append(
                    self.line_record(current["id"], row.values.get("line_no"), draft)
                )
                result.outcomes[row.row] = INSERT
                changed_lines = True
                continue
            new = _line_values(draft)
            changes = {k: (line[k], v) for k, v in new.items() if not _equal(line[k], v)}
            if changes:
                self.work.line_updates.append((line["id"], current["id"], changes))
                result.outcomes[row.row] = UPDATE
                changed_lines = True
            else:
                result.outcomes[row.row] = SKIP
        if diff:
            result.outcomes[first] = (
                UPDATE if result.outcomes[first] == SKIP else result.outcomes[first]
            )
        if diff or changed_lines:
            self.work.order_updates.append((current["id"], diff))


def _line_tuple(draft: LineDraft) -> tuple:
    """The line's stored columns in LINE_COLUMNS order."""
    return (draft.product_id, draft.drawing_no, draft.name, draft.material_id,
            draft.price_per_kg, draft.blank_shape, *map(draft.dims.get, BLANK_COLUMNS),
            draft.quantity, draft.complexity, draft.fixed_unit_price)  # fmt: skip


def _line_values(draft: LineDraft) -> dict[str, Any]:
    values = {
        "product_id": draft.product_id,
        "drawing_no": draft.drawing_no,
        "name": draft.name,
        "material_id": draft.material_id,
        "price_per_kg": draft.price_per_kg,
        "blank_shape": draft.blank_shape,
        "quantity": draft.quantity,
        "complexity": draft.complexity,
        "fixed_unit_price": draft.fixed_unit_price,
    }
    values.update({c: draft.dims.get(c) for c in BLANK_COLUMNS})
    return values


def _equal(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return same_number(old, new)
    if isinstance(old, date) and isinstance(new, date):
        return old == new
    return old == new


def plan(a: Acting, rows: list[Row], col: ColumnOf) -> Plan:
    result = Plan(work=None)
    orders, errors = _regroup(rows, col)
    result.errors += errors
    look = _load(a, orders)
    planner = _Planner(a, look, col)
    for order in orders:
        marks = planner.mark()
        try:
            planner.plan_order(order, result)
        except Rejected as exc:
            planner.undo(marks)  # a rejected order adds no customer and no grade
            result.errors.append(exc.error)
            for row in order.rows:
                result.outcomes.pop(row.row, None)
                if row.row != exc.error.row:
                    result.errors.append(_held(row, col, [exc.error]))
    result.work = planner.work
    note = new_grades_note([m["grade"] for m in look.materials.new])
    if note:
        result.notes.append(note)
    return result


# --- Apply ---------------------------------------------------------------------------------


def apply(a: Acting, plan: Plan, audit: AuditBatch) -> None:
    work: Work = plan.work
    work.materials.insert_new(a.conn, audit)
    insert_records(a.conn, "customers", work.customers)
    for c in work.customers:
        audit.add(
            "customer", c["id"], "insert", {"name": (None, c["name"]), "inn": (None, c["inn"])}
        )
    insert_records(a.conn, "orders", work.orders)
    insert_tuples(a.conn, "order_lines", ("id", "order_id", "line_no", *LINE_COLUMNS), work.lines)
    for order_id, number, count in work.new_orders:
        audit.add(
            "order",
            order_id,
            "insert",
            {"number": (None, number), "lines": (None, count), "source": (None, "import")},
            order_id=order_id,
        )
    _apply_updates(a, work, audit)


def _apply_updates(a: Acting, work: Work, audit: AuditBatch) -> None:
    """Changed headers and lines; every touched order's version moves on (an open card then
    refuses a stale save instead of overwriting the import)."""
    versions = (
        dict(
            a.execute(
                "SELECT id, version FROM orders WHERE list_contains(?, id)",
                [[oid for oid, _ in work.order_updates]],
            ).fetchall()
        )
        if work.order_updates
        else {}
    )
    update_records(
        a.conn,
        "orders",
        [
            {
                "id": oid,
                **{k: new for k, (_, new) in diff.items()},
                "version": versions[oid] + 1,
                "updated_at": a.now,
                "updated_by": a.user_id,
            }
            for oid, diff in work.order_updates
        ],
    )
    for oid, diff in work.order_updates:
        if diff:
            audit.add("order", oid, "update", diff, order_id=oid)
    update_records(
        a.conn,
        "order_lines",
        [{"id": lid, **{k: new for k, (_, new) in ch.items()}} for lid, _, ch in work.line_updates],
    )
    for lid, oid, changes in work.line_updates:
        audit.add("order_line", lid, "update", changes, order_id=oid)

"""The payment calendar: the plan of payment steps (field group `payment_plan`), invoices and
payments (field group `payments`).

Step amounts come from a terms template: the order total incl. VAT times the step's percent,
rounded half-up, the last step taking the remainder so the plan adds up to the total exactly.
A step's due date is derived from the order's event (agreement, shipment, delivery) plus its
offset in calendar days, and stays open until that event has a date. Paid and outstanding are
always derived from the payments, never stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ingest.service.acting import Acting
from ingest.service.checks import (
    check_date,
    check_money,
    check_not_future,
    check_text,
)
from ingest.service.order_pricing import price_stored_order
from ingest.service.orders import get_order, order_for_write
from ingest.store import audit
from ingest.store.errors import ValidationError
from ingest.store.ids import insert_rows, next_id
from pricing import OrderResult
from pricing.errors import PricingError
from pricing.rounding import round_money
from zakaz.money import rub

# The order's date each step's due date counts from.
EVENT_DATE_COLUMN = {
    "agreed": "agreed_date",
    "shipped": "actual_shipment_date",
    "delivered": "delivered_date",
}
FINISHED_STATUSES = ("closed", "cancelled")
STEP_COLUMNS = ("id", "order_id", "step_no", "name", "pct", "amount", "base_event", "offset_days")


# --- Pricing the order as stored ----------------------------------------------------------


def _priced(a: Acting, order: Mapping[str, Any]) -> OrderResult:
    """The order priced with its stored inputs (get_order hides the explicit VAT rate from
    those who may not read prices, but the money owed depends on it all the same)."""
    stored = a.row(
        "SELECT id, need_date, planned_shipment_date, vat_rate FROM orders WHERE id = ?",
        [order["id"]],
    )
    return price_stored_order(a.conn, stored)


def _vat_rate(a: Acting, order: Mapping[str, Any], where: str) -> Decimal:
    explicit = a.execute("SELECT vat_rate FROM orders WHERE id = ?", [order["id"]]).fetchone()[0]
    if explicit is not None:
        return Decimal(explicit)
    try:
        priced = _priced(a, order)
    except PricingError as exc:
        raise ValidationError(where, "vat_rate", f"ставка НДС не определяется: {exc}") from None
    if not priced.lines:
        raise ValidationError(where, "vat_rate", "в заказе нет позиций — ставка НДС неизвестна")
    return priced.lines[0].vat_rate


def split_by_pct(total: Decimal, pcts: list[Decimal]) -> list[Decimal]:
    """total x pct / 100 per step rounded half-up; the last step the remainder (sums exactly)."""
    parts = [round_money(total * pct / 100) for pct in pcts[:-1]]
    return [*parts, total - sum(parts, Decimal("0.00"))]


# --- Terms templates and the plan ---------------------------------------------------------


def terms_templates(a: Acting) -> list[dict[str, Any]]:
    """The payment terms templates with their steps."""
    a.require("payment_plan", "read")
    templates = a.rows("SELECT id, code, name FROM payment_terms_templates ORDER BY id")
    steps = a.rows(
        "SELECT template_id, step_no, name, pct, base_event, offset_days "
        "FROM payment_terms_template_steps ORDER BY template_id, step_no"
    )
    for template in templates:
        template["steps"] = [
            {k: v for k, v in s.items() if k != "template_id"}
            for s in steps
            if s["template_id"] == template["id"]
        ]
    return templates


def apply_terms(a: Acting, order_id: int, template_id: int) -> list[int]:
    """Replace the order's payment steps by the template's; returns the new steps' ids."""
    order = order_for_write(a, order_id, "payment_plan")
    where = f"план платежей заказа {order['number']}"
    if order["status"] in FINISHED_STATUSES:
        raise ValidationError(where, "status", "заказ закрыт или отменён — план не меняется")
    template = a.row("SELECT id, name FROM payment_terms_templates WHERE id = ?", [template_id])
    if template is None:
        raise ValidationError(
            where, "template_id", f"нет шаблона условий оплаты с id {template_id}"
        )
    template_steps = a.rows(
        "SELECT step_no, name, pct, base_event, offset_days FROM payment_terms_template_steps "
        "WHERE template_id = ? ORDER BY step_no",
        [template_id],
    )
    if sum(s["pct"] for s in template_steps) != 100:
        raise ValidationError(
            where, "template_id", f"в шаблоне «{template['name']}» доли этапов не дают 100%"
        )
    invoiced_step = a.execute(
        "SELECT min(ps.step_no) FROM payment_steps ps JOIN invoices i ON i.payment_step_id = ps.id "
        "WHERE ps.order_id = ?",
        [order_id],
    ).fetchone()[0]
    if invoiced_step is not None:
        raise ValidationError(
            where,
            "template_id",
            f"по этапу {invoiced_step} уже выставлен счёт — условия оплаты заменить нельзя",
        )
    try:
        total = _priced(a, order).total
    except PricingError as exc:
        raise ValidationError(where, "total", f"сумма заказа не считается: {exc}") from None

    amounts = split_by_pct(total, [s["pct"] for s in template_steps])
    _delete_steps(a, order_id)
    first = next_id(a.conn, "payment_steps")
    steps = [
        {**step, "id": first + n, "order_id": order_id, "amount": amount}
        for n, (step, amount) in enumerate(zip(template_steps, amounts, strict=True))
    ]
    insert_rows(
        a.conn, "payment_steps", STEP_COLUMNS, [[s[c] for c in STEP_COLUMNS] for s in steps]
    )
    for step in steps:
        audit.record(
            a.conn,
            user_id=a.user_id,
            entity="payment_step",
            entity_id=step["id"],
            action="insert",
            changes={k: (None, step[k]) for k in ("step_no", "name", "amount")},
            at=a.now,
            order_id=order_id,
        )
    _set_template(a, order, template_id)
    return [step["id"] for step in steps]


def _delete_steps(a: Acting, order_id: int) -> None:
    old = a.rows(
        "SELECT id, step_no, name, amount FROM payment_steps WHERE order_id = ? ORDER BY step_no",
        [order_id],
    )
    if not old:
        return
    a.execute("DELETE FROM payment_steps WHERE order_id = ?", [order_id])
    for step in old:
        audit.record(
            a.conn,
            user_id=a.user_id,
            entity="payment_step",
            entity_id=step["id"],
            action="delete",
            changes={k: (step[k], None) for k in ("step_no", "name", "amount")},
            at=a.now,
            order_id=order_id,
        )


def _set_template(a: Acting, order: Mapping[str, Any], template_id: int) -> None:
    """The order remembers its terms; its version moves on like any other edit of it."""
    a.execute(
        "UPDATE orders SET payment_terms_template_id = ?, version = version + 1, updated_at = ?, "
        "updated_by = ? WHERE id = ?",
        [template_id, a.now, a.user_id, order["id"]],
    )
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="order",
        entity_id=order["id"],
        action="update",
        changes={"payment_terms_template_id": (order["payment_terms_template_id"], template_id)},
        at=a.now,
        order_id=order["id"],
    )


# --- The calendar -------------------------------------------------------------------------


def _due_date(order: Mapping[str, Any], step: Mapping[str, Any]) -> date | None:
    event_date = order.get(EVENT_DATE_COLUMN[step["base_event"]])
    return None if event_date is None else event_date + timedelta(days=step["offset_days"])


def _invoices(a: Acting, order_id: int, today: date) -> list[dict[str, Any]]:
    rows = a.rows(
        "SELECT i.id, i.number, i.payment_step_id, ps.step_no, i.issue_date, i.due_date, "
        "  i.amount, i.vat_amount, coalesce(p.paid, 0) AS paid "
        "FROM invoices i LEFT JOIN payment_steps ps ON ps.id = i.payment_step_id "
        "LEFT JOIN (SELECT invoice_id, sum(amount) AS paid FROM payments GROUP BY invoice_id) p "
        "  ON p.invoice_id = i.id "
        "WHERE i.order_id = ? ORDER BY i.issue_date, i.id",
        [order_id],
    )
    for row in rows:
        row["paid"] = Decimal(row["paid"])
        row["outstanding"] = row["amount"] - row["paid"]
        row["overdue"] = row["outstanding"] > 0 and row["due_date"] < today
    return rows


def _payments(a: Acting, order_id: int) -> list[dict[str, Any]]:
    return a.rows(
        "SELECT p.id, p.invoice_id, i.number AS invoice_number, p.payment_date, p.amount, "
        "  p.doc_no, p.payer_inn, p.purpose, p.source "
        "FROM payments p LEFT JOIN invoices i ON i.id = p.invoice_id "
        "WHERE p.order_id = ? ORDER BY p.payment_date, p.id",
        [order_id],
    )


def _step_rows(
    a: Acting, order: Mapping[str, Any], invoices: list[dict[str, Any]] | None, today: date
) -> list[dict[str, Any]]:
    steps = a.rows(
        "SELECT id, step_no, name, pct, amount, base_event, offset_days FROM payment_steps "
        "WHERE order_id = ? ORDER BY step_no",
        [order["id"]],
    )
    for step in steps:
        step["due_date"] = _due_date(order, step)
        if invoices is None:  # invoices and payments are not the actor's to see
            step.update(invoiced=None, paid=None, outstanding=None, overdue=None)
            continue
        own = [i for i in invoices if i["payment_step_id"] == step["id"]]
        step["invoiced"] = sum((i["amount"] for i in own), Decimal("0.00"))
        step["paid"] = sum((i["paid"] for i in own), Decimal("0.00"))
        step["outstanding"] = step["amount"] - step["paid"]
        due = step["due_date"]
        step["overdue"] = due is not None and due < today and step["outstanding"] > 0
    return steps


def payment_calendar(a: Acting, order_id: int) -> dict[str, Any]:
    """The order's plan with derived due dates, invoices, payments, paid and outstanding."""
    order = get_order(a, order_id)
    a.require("payment_plan", "read", order)
    today = a.now.date()
    payments_visible = a.can("payments", "read", order)
    invoices = _invoices(a, order_id, today) if payments_visible else None
    steps = _step_rows(a, order, invoices, today)
    template = a.row(
        "SELECT name FROM payment_terms_templates WHERE id = ?",
        [order["payment_terms_template_id"]],
    )
    total, problem = None, None
    try:
        total = _priced(a, order).total
    except PricingError as exc:
        problem = str(exc)
    paid = None
    if payments_visible:
        paid = Decimal(
            a.execute(
                "SELECT coalesce(sum(amount), 0) FROM payments WHERE order_id = ?", [order_id]
            ).fetchone()[0]
        )
    return {
        "order_id": order_id,
        "number": order["number"],
        "template_id": order["payment_terms_template_id"],
        "template_name": template["name"] if template else None,
        "steps": steps,
        "steps_total": sum((s["amount"] for s in steps), Decimal("0.00")),
        "payments_visible": payments_visible,
        "invoices": invoices or [],
        "payments": _payments(a, order_id) if payments_visible else [],
        "total": total,
        "paid": paid,
        "outstanding": None if total is None or paid is None else total - paid,
        "problem": problem,
    }


# --- Invoices and payments ----------------------------------------------------------------


def _next_invoice_number(a: Acting) -> str:
    """The plant numbers invoices 1, 2, 3... (numbers of another form are skipped)."""
    last = a.execute(
        "SELECT max(TRY_CAST(number AS BIGINT)) FROM invoices "
        "WHERE regexp_full_match(number, '[0-9]+')"
    ).fetchone()[0]
    return str((last or 0) + 1)


def _step_of(
    a: Acting, order: Mapping[str, Any], step_id: int | None, where: str
) -> dict[str, Any]:
    step = None if step_id is None else a.row("SELECT * FROM payment_steps WHERE id = ?", [step_id])
    if step is None or step["order_id"] != order["id"]:
        reason = (
            "укажите этап плана платежей"
            if step_id is None
            else (f"этап с id {step_id} не относится к заказу {order['number']}")
        )
        raise ValidationError(where, "step_id", reason)
    return step


def issue_invoice(
    a: Acting, order_id: int, *, step_id: int, issue_date: date, due_date: date, amount: Decimal
) -> tuple[int, str]:
    """An invoice for (part of) a payment step; returns (id, number)."""
    order = order_for_write(a, order_id, "payments")
    where = f"счёт по заказу {order['number']}"
    if order["status"] in FINISHED_STATUSES:
        raise ValidationError(where, "status", "заказ закрыт или отменён — счёт не выставляется")
    step = _step_of(a, order, step_id, where)
    where = f"счёт по этапу {step['step_no']} заказа {order['number']}"
    issue_date = check_date(issue_date, where, "issue_date", required=True)
    due_date = check_date(due_date, where, "due_date", required=True)
    if due_date < issue_date:
        raise ValidationError(
            where,
            "due_date",
            f"срок оплаты {due_date:%d.%m.%Y} раньше даты счёта {issue_date:%d.%m.%Y}",
        )
    amount = check_money(amount, where, "amount", positive=True, required=True)
    invoiced = a.execute(
        "SELECT coalesce(sum(amount), 0) FROM invoices WHERE payment_step_id = ?", [step["id"]]
    ).fetchone()[0]
    remainder = step["amount"] - Decimal(invoiced)
    if amount > remainder:
        raise ValidationError(
            where,
            "amount",
            f"сумма {rub(amount)} больше остатка этапа, на "
            f"который ещё не выставлен счёт: {rub(remainder)}",
        )
    rate = _vat_rate(a, order, where)
    vat_amount = round_money(amount * rate / (1 + rate))
    invoice_id, number = next_id(a.conn, "invoices"), _next_invoice_number(a)
    a.execute(
        "INSERT INTO invoices (id, number, order_id, payment_step_id, issue_date, due_date, "
        "amount, vat_amount, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            invoice_id,
            number,
            order_id,
            step["id"],
            issue_date,
            due_date,
            amount,
            vat_amount,
            a.now,
            a.user_id,
        ],
    )
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="invoice",
        entity_id=invoice_id,
        action="insert",
        changes={
            "number": (None, number),
            "payment_step_id": (None, step["id"]),
            "issue_date": (None, issue_date),
            "due_date": (None, due_date),
            "amount": (None, amount),
            "vat_amount": (None, vat_amount),
        },
        at=a.now,
        order_id=order_id,
    )
    return invoice_id, number


def record_payment(
    a: Acting,
    order_id: int,
    *,
    invoice_id: int,
    payment_date: date,
    amount: Decimal,
    doc_no: str | None,
) -> int:
    """A payment received against one of the order's invoices (entered by hand); its id."""
    order = order_for_write(a, order_id, "payments")
    where = f"платёж по заказу {order['number']}"
    invoice = (
        None if invoice_id is None else a.row("SELECT * FROM invoices WHERE id = ?", [invoice_id])
    )
    if invoice is None or invoice["order_id"] != order_id:
        reason = (
            "укажите счёт"
            if invoice_id is None
            else (f"счёт с id {invoice_id} не относится к заказу {order['number']}")
        )
        raise ValidationError(where, "invoice_id", reason)
    where = f"платёж по счёту № {invoice['number']} заказа {order['number']}"
    payment_date = check_date(payment_date, where, "payment_date", required=True)
    check_not_future(a, payment_date, where, "payment_date")
    amount = check_money(amount, where, "amount", positive=True, required=True)
    doc_no = check_text(doc_no, where, "doc_no", limit=100)
    paid = a.execute(
        "SELECT coalesce(sum(amount), 0) FROM payments WHERE invoice_id = ?", [invoice["id"]]
    ).fetchone()[0]
    outstanding = invoice["amount"] - Decimal(paid)
    if amount > outstanding:
        raise ValidationError(
            where,
            "amount",
            f"сумма {rub(amount)} больше неоплаченного остатка счёта: {rub(outstanding)}",
        )
    payment_id = next_id(a.conn, "payments")
    a.execute(
        "INSERT INTO payments (id, order_id, invoice_id, customer_id, payment_date, amount, "
        "doc_no, source, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, 'manual', ?, ?)",
        [
            payment_id,
            order_id,
            invoice["id"],
            order["customer_id"],
            payment_date,
            amount,
            doc_no,
            a.now,
            a.user_id,
        ],
    )
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="payment",
        entity_id=payment_id,
        action="insert",
        changes={
            "invoice_id": (None, invoice["id"]),
            "payment_date": (None, payment_date),
            "amount": (None, amount),
            "doc_no": (None, doc_no),
        },
        at=a.now,
        order_id=order_id,
    )
    return payment_id


def invoices_due(a: Acting, as_of: date) -> list[dict[str, Any]]:
    """Invoices of visible orders not fully paid as of the date, the most overdue first.

    Invoices of cancelled orders are left out: an unpaid one is annulled with its order.
    """
    a.require("payments", "read")
    header, header_params = a.visible("header", "o.sales_manager_id")
    own, own_params = a.visible("payments", "o.sales_manager_id")
    rows = a.rows(
        "SELECT i.id AS invoice_id, i.number, i.order_id, o.number AS order_number, "
        "  o.sales_manager_id, c.name AS customer_name, i.issue_date, i.due_date, i.amount, "
        "  coalesce(p.paid, 0) AS paid "
        "FROM invoices i JOIN orders o ON o.id = i.order_id "
        "LEFT JOIN customers c ON c.id = o.customer_id "
        "LEFT JOIN (SELECT invoice_id, sum(amount) AS paid FROM payments "
        "           WHERE payment_date <= ? GROUP BY invoice_id) p ON p.invoice_id = i.id "
        f"WHERE i.issue_date <= ? AND o.status <> 'cancelled' AND ({header}) AND ({own}) "
        "  AND i.amount > coalesce(p.paid, 0) "
        "ORDER BY i.due_date, i.id",
        [as_of, as_of, *header_params, *own_params],
    )
    for row in rows:
        row["paid"] = Decimal(row["paid"])
        row["outstanding"] = row["amount"] - row["paid"]
        row["overdue_days"] = max(0, (as_of - row["due_date"]).days)
        row["overdue"] = row["overdue_days"] > 0
    return rows

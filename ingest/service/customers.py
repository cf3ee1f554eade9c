"""Customers: search the directory, add a new one (ИНН checked), and their contacts.

Names and ИНН belong to the order header (every role reads them); phones, e-mails, addresses and
contact persons are the `contacts` group. A sales manager limited to own orders edits contacts
through their own orders' cards; the directory shows contacts only to roles that may read them
for every order.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.service.acting import Acting
from ingest.service.orders import get_order, order_for_write
from ingest.store import audit
from ingest.store.errors import NotFoundError, ValidationError
from ingest.store.ids import next_id
from zakaz.inn import inn_error

CONTACT_FIELDS = ("kpp", "address", "phone", "email")
_KPP = re.compile(r"^\d{4}[0-9A-Z]{2}\d{3}$")


def _contacts_for_all(a: Acting) -> bool:
    """May the actor read contacts of any customer (not limited to own orders)?"""
    if not a.can("contacts", "read"):
        return False
    own_only = a.matrix.scope(a.actor.role, "contacts") == "own" and not a.actor.is_head_of_sales
    return not own_only


def search_customers(a: Acting, text: str = "", limit: int = 50) -> list[dict[str, Any]]:
    a.require("header", "read")
    needle = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%") + "%"
    columns = "id, name, inn, kpp" + (", address, phone, email" if _contacts_for_all(a) else "")
    return a.rows(
        f"SELECT {columns} FROM customers WHERE name ILIKE ? OR inn LIKE ? ORDER BY name LIMIT ?",
        [needle, needle, max(1, min(limit, 1000))],
    )


def _clean(value: Any) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None


def validate_customer(name: str, inn: str, kpp: str | None, email: str | None) -> None:
    """Pure checks of a new customer's fields; ValidationError names the field."""
    if not _clean(name):
        raise ValidationError("заказчик", "name", "наименование не заполнено")
    problem = inn_error((inn or "").strip())
    if problem:
        raise ValidationError("заказчик", "inn", problem)
    if kpp and not _KPP.match(kpp.strip()):
        raise ValidationError("заказчик", "kpp", "КПП — 9 знаков (например 770101001)")
    if email and "@" not in email:
        raise ValidationError("заказчик", "email", "адрес почты без @")


def create_customer(
    a: Acting,
    *,
    name: str,
    inn: str,
    kpp: str | None = None,
    address: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    lead_source_id: int | None = None,
) -> int:
    """A new customer (a sales manager creates them while entering a need)."""
    a.require("header", "write")
    a.require("contacts", "write")
    inn = (inn or "").strip()
    validate_customer(name, inn, _clean(kpp), _clean(email))
    same = a.execute("SELECT name FROM customers WHERE inn = ?", [inn]).fetchone()
    if same:
        raise ValidationError("заказчик", "inn", f"заказчик с ИНН {inn} уже есть: {same[0]}")
    customer_id = next_id(a.conn, "customers")
    values = {
        "name": _clean(name), "inn": inn, "kpp": _clean(kpp), "address": _clean(address),
        "phone": _clean(phone), "email": _clean(email), "lead_source_id": lead_source_id,
    }  # fmt: skip
    a.execute(
        "INSERT INTO customers (id, name, inn, kpp, address, phone, email, lead_source_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [customer_id, *values.values(), a.now],
    )
    audit.record(a.conn, user_id=a.user_id, entity="customer", entity_id=customer_id,
                 action="insert", changes={k: (None, v) for k, v in values.items() if v},
                 at=a.now)  # fmt: skip
    return customer_id


def order_customer(a: Acting, order_id: int) -> dict[str, Any]:
    """The order's customer: name and ИНН always, contacts and persons with `contacts` read."""
    order = get_order(a, order_id)
    row = a.row("SELECT * FROM customers WHERE id = ?", [order["customer_id"]])
    if row is None:
        raise NotFoundError(f"Заказчик заказа {order['number']} не найден")
    customer = {"id": row["id"], "name": row["name"], "inn": row["inn"],
                "contacts_visible": a.can("contacts", "read", order)}  # fmt: skip
    if customer["contacts_visible"]:
        customer.update({k: row[k] for k in CONTACT_FIELDS})
        customer["persons"] = a.rows(
            "SELECT id, full_name, position, phone, email FROM customer_contacts "
            "WHERE customer_id = ? ORDER BY id", [row["id"]],
        )  # fmt: skip
    return customer


def update_contacts(a: Acting, order_id: int, changes: dict[str, Any]) -> None:
    """Change the order's customer's КПП/address/phone/e-mail (contacts write on that order)."""
    order = order_for_write(a, order_id, "contacts")
    bad = set(changes) - set(CONTACT_FIELDS)
    if bad:
        raise ValidationError("заказчик", sorted(bad)[0], "это поле нельзя менять здесь")
    current = a.row("SELECT * FROM customers WHERE id = ?", [order["customer_id"]])
    new = {k: _clean(v) for k, v in changes.items()}
    validate_customer(current["name"], current["inn"], new.get("kpp"), new.get("email"))
    diff = {k: (current[k], v) for k, v in new.items() if current[k] != v}
    if not diff:
        return
    a.execute(
        f"UPDATE customers SET {', '.join(f'{k} = ?' for k in diff)} WHERE id = ?",
        [*(v for _, v in diff.values()), current["id"]],
    )
    audit.record(a.conn, user_id=a.user_id, entity="customer", entity_id=current["id"],
                 action="update", changes=diff, at=a.now, order_id=order_id)  # fmt: skip


def add_contact_person(
    a: Acting, order_id: int, *, full_name: str, position: str | None = None,
    phone: str | None = None, email: str | None = None,
) -> int:  # fmt: skip
    order = order_for_write(a, order_id, "contacts")
    if not _clean(full_name):
        raise ValidationError("контакт", "full_name", "ФИО не заполнено")
    if email and "@" not in email:
        raise ValidationError("контакт", "email", "адрес почты без @")
    contact_id = next_id(a.conn, "customer_contacts")
    a.execute(
        "INSERT INTO customer_contacts VALUES (?, ?, ?, ?, ?, ?)",
        [contact_id, order["customer_id"], _clean(full_name), _clean(position), _clean(phone),
         _clean(email)],
    )  # fmt: skip
    audit.record(a.conn, user_id=a.user_id, entity="contact", entity_id=contact_id,
                 action="insert", changes={"full_name": (None, _clean(full_name))}, at=a.now,
                 order_id=order_id)  # fmt: skip
    return contact_id

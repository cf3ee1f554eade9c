"""Email texts: templates stored in notification_templates, filled per message.

A placeholder is a known name in braces ({order_number}); each kind of email allows its own
set (a daily reminder is about many orders, so it has no {order_number}). Filling replaces only
those names, so any other brace in a text an admin wrote is sent as written, never an error
in the middle of a run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import duckdb

KIND_NAMES: dict[str, str] = {
    "status": "Смена статуса",
    "cancelled": "Отмена заказа",
    "reminder": "Ежедневное напоминание",
    "manual_task": "Задача, поставленная вручную",
}
KINDS: tuple[str, ...] = tuple(KIND_NAMES)

# What each placeholder is filled with (shown to the admin next to the editor).
PLACEHOLDER_NAMES: dict[str, str] = {
    "order_number": "номер заказа",
    "customer": "заказчик",
    "status": "статус заказа (новый)",
    "due_date": "срок задачи",
    "link": "ссылка на карточку заказа (в напоминании — на «Мои задачи»)",
    "tasks": "список задач (в напоминании — просроченные задачи и платежи)",
    "comment": "комментарий к смене статуса (причина отмены)",
}
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "status": frozenset({"order_number", "customer", "status", "due_date", "link", "tasks",
                         "comment"}),
    "cancelled": frozenset({"order_number", "customer", "status", "link", "tasks", "comment"}),
    "reminder": frozenset({"tasks", "link"}),
    "manual_task": frozenset({"order_number", "customer", "status", "due_date", "link", "tasks"}),
}  # fmt: skip
DEFAULT_APP_URL = "http://127.0.0.1:8501"
SUBJECT_LIMIT = 200
BODY_LIMIT = 10_000
NONE = "—"  # what an empty value shows as

_TOKEN = re.compile(r"\{(\w+)\}")  # {name}; other braces ("{ }", "{}") are plain text


@dataclass(frozen=True)
class Template:
    kind: str
    subject: str
    body: str


def template_problem(kind: str, subject: str, body: str) -> tuple[str, str] | None:
    """(field, reason) of the first thing wrong with a template, or None when it can be used."""
    if kind not in PLACEHOLDERS:
        return "kind", f"неизвестный вид письма {kind!r}; допустимы: {', '.join(KINDS)}"
    for field, text, limit in (("subject", subject, SUBJECT_LIMIT), ("body", body, BODY_LIMIT)):
        if not isinstance(text, str) or not text.strip():
            return field, "не заполнено"
        if len(text) > limit:
            return field, f"слишком длинный текст (больше {limit} символов)"
        unknown = sorted({name for name in _TOKEN.findall(text)} - PLACEHOLDERS[kind])
        if unknown:
            allowed = ", ".join(f"{{{n}}}" for n in sorted(PLACEHOLDERS[kind]))
            return field, (
                f"неизвестная подстановка {', '.join(f'{{{n}}}' for n in unknown)}; "
                f"в письме «{KIND_NAMES[kind]}» допустимы: {allowed}"
            )
    if "\n" in subject or "\r" in subject:
        return "subject", "тема письма должна быть одной строкой"
    return None


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace {name} by values[name]; text without a value for it is left as written."""
    return _TOKEN.sub(lambda m: values.get(m[1], m[0]), text)


def render(template: Template, values: Mapping[str, str]) -> tuple[str, str]:
    """(subject, body); the subject is kept on one line whatever a value holds."""
    subject = " ".join(fill(template.subject, values).split())
    return subject, fill(template.body, values)


def ru_date(day: date | None) -> str:
    return NONE if day is None else f"{day:%d.%m.%Y}"


def app_url(env: Mapping[str, str] | None = None) -> str:
    """The app's address for links in emails: ZAKAZ_APP_URL (set by `zakaz up`), else local."""
    env = os.environ if env is None else env
    return (env.get("ZAKAZ_APP_URL") or "").strip() or DEFAULT_APP_URL


def order_link(app_url: str, number: str) -> str:
    """The order card's shareable address (the card reads ?order=<number>)."""
    return f"{app_url.rstrip('/')}/order?order={quote(number)}"


def tasks_link(app_url: str) -> str:
    return f"{app_url.rstrip('/')}/tasks"


def bullet_list(lines: Iterable[str]) -> str:
    text = "\n".join(f"• {line}" for line in lines)
    return text or NONE


def load_templates(conn: duckdb.DuckDBPyConnection) -> dict[str, Template]:
    rows = conn.execute("SELECT kind, subject, body FROM notification_templates").fetchall()
    return {kind: Template(kind, subject, body) for kind, subject, body in rows}

"""Finding what a spreadsheet names in the store: material grades, users, customers.

Grades are compared ignoring case, spaces, dots and hyphens, and with Latin look-alike letters
read as Cyrillic ("12X18H10T" typed on an English keyboard is 12Х18Н10Т). A grade the store does
not know becomes a new material flagged needs_review — for procurement to complete on the
material price page — and never a reason to reject a legacy line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from ingest.importing.kinds.base import AuditBatch, insert_records, next_ids, rows_where_in

_LOOKALIKES = str.maketrans("abcehkmoptxy", "авсенкмортху")
_GRADE_NOISE = re.compile(r"[\s.\-_]+")


def grade_key(text: str) -> str:
    return _GRADE_NOISE.sub("", text.casefold().replace("ё", "е")).translate(_LOOKALIKES)


@dataclass
class Materials:
    """Every grade of the store, plus the new ones this import adds (in the same transaction)."""

    by_key: dict[str, dict[str, Any]]
    next_free: int
    new: list[dict[str, Any]] = field(default_factory=list)
    _ids: dict[str, int] = field(default_factory=dict)  # the grade as written -> id (a memo)

    @classmethod
    def load(cls, tx: duckdb.DuckDBPyConnection) -> Materials:
        cursor = tx.execute(
            "SELECT id, grade, category, density_kg_m3, needs_review FROM materials ORDER BY id"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        free = next_ids(tx, "materials", 1)[0]
        return cls({grade_key(r["grade"]): r for r in rows}, free)

    def find(self, grade: str) -> dict[str, Any] | None:
        return self.by_key.get(grade_key(grade))

    def resolve(self, grade: str) -> int:
        """The material id of a grade; an unknown grade is added as a new, incomplete one."""
        known = self._ids.get(grade)
        if known is not None:
            return known
        self._ids[grade] = self._resolve(grade)
        return self._ids[grade]

    def _resolve(self, grade: str) -> int:
        found = self.find(grade)
        if found is not None:
            return found["id"]
        new_id, self.next_free = self.next_free, self.next_free + 1
        record = {
            "id": new_id,
            "grade": grade.strip(),
            "category": None,
            "density_kg_m3": None,
            "needs_review": True,
        }
        self.by_key[grade_key(grade)] = record
        self.new.append(record)
        return new_id

    def mark(self) -> int:
        return len(self.new)

    def undo(self, mark: int) -> None:
        """Forget the grades added since mark (their row was rejected after all)."""
        for record in self.new[mark:]:
            self.by_key.pop(grade_key(record["grade"]), None)
        self._ids = {
            g: i for g, i in self._ids.items() if i not in {r["id"] for r in self.new[mark:]}
        }
        if mark < len(self.new):
            self.next_free = self.new[mark]["id"]
        del self.new[mark:]

    def insert_new(self, tx: duckdb.DuckDBPyConnection, audit: AuditBatch) -> list[str]:
        """Write the grades added by this import; returns their names."""
        insert_records(tx, "materials", self.new)
        for m in self.new:
            audit.add(
                "material",
                m["id"],
                "insert",
                {"grade": (None, m["grade"]), "needs_review": (None, True)},
            )
        return [m["grade"] for m in self.new]


def new_grades_note(grades: list[str]) -> str | None:
    if not grades:
        return None
    return (
        "новые марки материала добавлены для снабжения (заполнить плотность на странице "
        f"«Прайс-лист материалов»): {', '.join(grades)}"
    )


def _person_key(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").replace(".", ". ").split())


@dataclass
class Users:
    """Users by login, full name or «Фамилия И.О.» (the way registers name managers)."""

    rows: list[dict[str, Any]]
    _found: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)

    @classmethod
    def load(cls, tx: duckdb.DuckDBPyConnection) -> Users:
        cursor = tx.execute("SELECT id, login, full_name, role, is_active FROM users ORDER BY id")
        names = [d[0] for d in cursor.description]
        return cls([dict(zip(names, r, strict=True)) for r in cursor.fetchall()])

    def find(self, text: str) -> tuple[int | None, str | None]:
        """(user id, None) or (None, the reason it is not found)."""
        if text not in self._found:
            self._found[text] = self._find(text)
        return self._found[text]

    def _find(self, text: str) -> tuple[int | None, str | None]:
        key = _person_key(text)
        exact = [
            u for u in self.rows if key in (u["login"].casefold(), _person_key(u["full_name"]))
        ]
        found = exact or [u for u in self.rows if _initials_match(key, u["full_name"])]
        if len(found) == 1:
            return found[0]["id"], None
        if found:
            return None, f"«{text}» — неоднозначно: {', '.join(u['login'] for u in found)}"
        return None, f"пользователь «{text}» не найден (логин, ФИО или «Фамилия И.О.»)"


def _initials_match(key: str, full_name: str) -> bool:
    """«иванов д. а.», «д. а. иванов», «иванов» against «Иванов Дмитрий Андреевич»."""
    words = [w for w in key.replace(".", " ").split() if w]
    names = _person_key(full_name).split()
    if not words or not names:
        return False
    surname = [w for w in words if len(w) > 1]
    initials = [w for w in words if len(w) == 1]
    if len(surname) != 1 or surname[0] != names[0]:
        return False
    given = [n[0] for n in names[1:]]
    return initials == given[: len(initials)]


def customers_by_inn(tx: duckdb.DuckDBPyConnection, inns: list[str]) -> dict[str, dict]:
    return {c["inn"]: c for c in rows_where_in(tx, "customers", "inn", inns)}


def customers_by_name(tx: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """name (case-folded, spaces collapsed) -> customers with that name."""
    index: dict[str, list[dict]] = {}
    for cid, name, inn in tx.execute("SELECT id, name, inn FROM customers").fetchall():
        index.setdefault(name_key(name), []).append({"id": cid, "name": name, "inn": inn})
    return index


def name_key(text: str) -> str:
    return " ".join(re.sub(r"[«»\"“”„]", " ", text.casefold().replace("ё", "е")).split())


def same_number(a: Decimal | None, b: Decimal | None) -> bool:
    """Equal as numbers (120 == 120.000), None only equal to None."""
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)

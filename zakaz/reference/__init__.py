"""Reference data every plant starts with: roles, VAT rates, materials and their prices, payment
terms, lead sources, plant settings and the one administrator.

The lists are data files next to this module (materials.csv, lead_sources.csv, payment_terms.csv,
plant_settings.csv) so they can be read and changed without touching code; the VAT table is the
pricing library's own (pricing/vat_rates.csv), so the store and the formulas never disagree.

    with store.write() as tx:
        counts = load_reference_data(tx, admin_password="...", now=datetime.now())
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources

import duckdb
import polars as pl

from ingest.store import audit
from ingest.store.ids import next_id
from pricing import DEFAULT_VAT_TABLE
from zakaz.domain import ROLES
from zakaz.passwords import hash_password
from zakaz.reference.frames import insert_frame

__all__ = [
    "ADMIN_EMAIL",
    "ADMIN_LOGIN",
    "LeadSource",
    "MaterialGrade",
    "TermsStep",
    "TermsTemplate",
    "insert_frame",
    "lead_sources",
    "load_reference_data",
    "material_grades",
    "payment_terms",
    "plant_settings",
]

ADMIN_LOGIN = "admin"
ADMIN_EMAIL = "admin@zakaz.local"
ADMIN_FULL_NAME = "Администратор системы"

MONEY = pl.Decimal(18, 2)


@dataclass(frozen=True)
class MaterialGrade:
    grade: str
    category: str  # carbon_steel, alloy_steel, stainless_steel, cast_iron, aluminium, bronze ...
    density_kg_m3: Decimal
    price_per_kg: Decimal  # initial list price, RUB/kg excl. VAT


@dataclass(frozen=True)
class LeadSource:
    code: str
    name: str


@dataclass(frozen=True)
class TermsStep:
    step_no: int
    name: str
    pct: Decimal
    base_event: str  # agreed | shipped | delivered
    offset_days: int


@dataclass(frozen=True)
class TermsTemplate:
    code: str
    name: str
    steps: tuple[TermsStep, ...]


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def material_grades() -> tuple[MaterialGrade, ...]:
    return tuple(
        MaterialGrade(
            r["grade"], r["category"], Decimal(r["density_kg_m3"]), Decimal(r["price_per_kg"])
        )
        for r in _rows("materials.csv")
    )


@cache
def lead_sources() -> tuple[LeadSource, ...]:
    return tuple(LeadSource(r["code"], r["name"]) for r in _rows("lead_sources.csv"))


@cache
def payment_terms() -> tuple[TermsTemplate, ...]:
    by_code: dict[str, tuple[str, list[TermsStep]]] = {}
    for r in _rows("payment_terms.csv"):
        _, steps = by_code.setdefault(r["code"], (r["name"], []))
        steps.append(
            TermsStep(
                int(r["step_no"]),
                r["step_name"],
                Decimal(r["pct"]),
                r["base_event"],
                int(r["offset_days"]),
            )
        )
    templates = []
    for code, (name, steps) in by_code.items():
        total = sum(s.pct for s in steps)
        if total != 100:
            raise ValueError(f"payment_terms.csv: steps of {code} sum to {total}%, not 100%")
        templates.append(TermsTemplate(code, name, tuple(sorted(steps, key=lambda s: s.step_no))))
    return tuple(templates)


@cache
def plant_settings() -> tuple[tuple[str, str], ...]:
    return tuple((r["key"], r["value"]) for r in _rows("plant_settings.csv"))


def load_reference_data(
    tx: duckdb.DuckDBPyConnection,
    *,
    admin_password: str,
    now: datetime,
    prices_valid_from: date | None = None,
) -> dict[str, int]:
    """Write what an empty plant needs inside the caller's write transaction; counts per table.

    Material list prices are valid from ``prices_valid_from`` (default: 1 January of the year of
    ``now``).
    Ids continue from the tables' current maximum, so on an empty plant they start at 1.
    """
    valid_from = prices_valid_from or date(now.year, 1, 1)
    counts = {
        "roles": insert_frame(tx, "roles", _roles_frame()),
        "vat_rates": insert_frame(tx, "vat_rates", _vat_frame()),
        "lead_sources": insert_frame(tx, "lead_sources", _lead_sources_frame(tx)),
    }
    materials, prices = _materials_frames(tx, valid_from)
    counts["materials"] = insert_frame(tx, "materials", materials)
    counts["material_prices"] = insert_frame(tx, "material_prices", prices)
    templates, steps = _terms_frames(tx)
    counts["payment_terms_templates"] = insert_frame(tx, "payment_terms_templates", templates)
    counts["payment_terms_template_steps"] = insert_frame(tx, "payment_terms_template_steps", steps)
    counts["plant_settings"] = insert_frame(tx, "plant_settings", _settings_frame(now))
    admin_id = next_id(tx, "users")
    counts["users"] = insert_frame(tx, "users", _admin_frame(admin_id, admin_password, now))
    # The administrator's creation is a change to users, so it is audited like any other.
    counts["audit_log"] = audit.record(
        tx, user_id=None, entity="user", entity_id=admin_id, action="insert",
        changes={"login": (None, ADMIN_LOGIN)}, at=now,
    )  # fmt: skip
    return counts


def _ids(tx: duckdb.DuckDBPyConnection, table: str, count: int) -> list[int]:
    first = next_id(tx, table)
    return list(range(first, first + count))


def _roles_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": list(ROLES),
            "name_ru": [ru for ru, _ in ROLES.values()],
            "name_en": [en for _, en in ROLES.values()],
        }
    )


def _vat_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "valid_from": [d for d, _ in DEFAULT_VAT_TABLE.entries],
            "rate": [r for _, r in DEFAULT_VAT_TABLE.entries],
        },
        schema={"valid_from": pl.Date, "rate": pl.Decimal(6, 4)},
    )


def _lead_sources_frame(tx: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    sources = lead_sources()
    return pl.DataFrame(
        {
            "id": _ids(tx, "lead_sources", len(sources)),
            "code": [s.code for s in sources],
            "name": [s.name for s in sources],
        }
    )


def _materials_frames(
    tx: duckdb.DuckDBPyConnection, valid_from: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    grades = material_grades()
    ids = _ids(tx, "materials", len(grades))
    materials = pl.DataFrame(
        {
            "id": ids,
            "grade": [g.grade for g in grades],
            "category": [g.category for g in grades],
            "density_kg_m3": [g.density_kg_m3 for g in grades],
            "needs_review": [False] * len(grades),
        },
        schema_overrides={"density_kg_m3": pl.Decimal(10, 3)},
    )
    prices = pl.DataFrame(
        {
            "id": _ids(tx, "material_prices", len(grades)),
            "material_id": ids,
            "valid_from": [valid_from] * len(grades),
            "price_per_kg": [g.price_per_kg for g in grades],
        },
        schema_overrides={"price_per_kg": MONEY},
    )
    return materials, prices


def _terms_frames(tx: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    templates = payment_terms()
    ids = _ids(tx, "payment_terms_templates", len(templates))
    head = pl.DataFrame(
        {"id": ids, "code": [t.code for t in templates], "name": [t.name for t in templates]}
    )
    steps = [(tid, s) for tid, t in zip(ids, templates, strict=True) for s in t.steps]
    body = pl.DataFrame(
        {
            "template_id": [tid for tid, _ in steps],
            "step_no": [s.step_no for _, s in steps],
            "name": [s.name for _, s in steps],
            "pct": [s.pct for _, s in steps],
            "base_event": [s.base_event for _, s in steps],
            "offset_days": [s.offset_days for _, s in steps],
        },
        schema_overrides={"pct": pl.Decimal(8, 2)},
    )
    return head, body


def _settings_frame(now: datetime) -> pl.DataFrame:
    items = [*plant_settings(), ("reference_loaded_at", now.isoformat(timespec="seconds"))]
    return pl.DataFrame({"key": [k for k, _ in items], "value": [v for _, v in items]})


def _admin_frame(admin_id: int, password: str, now: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [admin_id],
            "login": [ADMIN_LOGIN],
            "full_name": [ADMIN_FULL_NAME],
            "email": [ADMIN_EMAIL],
            "role": ["admin"],
            "is_head": [False],
            "password_hash": [hash_password(password)],
            "is_active": [True],
            "created_at": [now],
            "failed_logins": [0],
            "password_changed_at": [now],
        }
    )

"""What every generator needs to know: the demo's dates, calendar, people and reference ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from zakaz.demo.users import Staff
from zakaz.demo.workdays import Workdays, stamp


@dataclass(frozen=True)
class Material:
    id: int
    grade: str
    category: str
    density_milli: int  # kg/m3 * 1000
    density: float  # for size estimates only (never for money)


@dataclass(frozen=True)
class TemplateStep:
    step_no: int
    name: str
    pct_centi: int  # percent * 100
    base_event: str
    offset_days: int


@dataclass(frozen=True)
class Template:
    id: int
    code: str
    name: str
    steps: tuple[TemplateStep, ...]

    @property
    def has_prepayment(self) -> bool:
        return any(s.base_event == "agreed" for s in self.steps)


@dataclass(frozen=True)
class Reference:
    """Reference rows as written by load_reference_data, read back with their ids."""

    materials: tuple[Material, ...]
    base_prices: dict[int, tuple[int, int]]  # material id -> (valid_from ordinal, kopecks)
    lead_sources: dict[str, int]  # code -> id
    templates: dict[str, Template]  # code -> template
    vat_table: tuple[tuple[int, int], ...]  # (valid_from ordinal, rate in basis points)

    @classmethod
    def read(cls, tx: duckdb.DuckDBPyConnection) -> Reference:
        materials = tuple(
            Material(i, g, c, int(d * 1000), float(d))
            for i, g, c, d in tx.execute(
                "SELECT id, grade, category, density_kg_m3 FROM materials ORDER BY id"
            ).fetchall()
        )
        base_prices = {
            m: (day.toordinal(), int(price * 100))
            for m, day, price in tx.execute(
                "SELECT material_id, valid_from, price_per_kg FROM material_prices "
                "ORDER BY material_id, valid_from"
            ).fetchall()
        }
        sources = dict(tx.execute("SELECT code, id FROM lead_sources ORDER BY id").fetchall())
        steps: dict[int, list[TemplateStep]] = {}
        for tid, no, name, pct, base, offset in tx.execute(
            "SELECT template_id, step_no, name, pct, base_event, offset_days "
            "FROM payment_terms_template_steps ORDER BY template_id, step_no"
        ).fetchall():
            steps.setdefault(tid, []).append(TemplateStep(no, name, int(pct * 100), base, offset))
        templates = {
            code: Template(tid, code, name, tuple(steps.get(tid, ())))
            for tid, code, name in tx.execute(
                "SELECT id, code, name FROM payment_terms_templates ORDER BY id"
            ).fetchall()
        }
        vat = tuple(
            (d.toordinal(), int(r * 10000))
            for d, r in tx.execute(
                "SELECT valid_from, rate FROM vat_rates ORDER BY valid_from"
            ).fetchall()
        )
        return cls(materials, base_prices, sources, templates, vat)

    def vat_bp_on(self, day: int) -> int:
        rate = self.vat_table[0][1]
        for valid_from, bp in self.vat_table:
            if day >= valid_from:
                rate = bp
        return rate


@dataclass(frozen=True)
class Context:
    seed: int
    scale: int
    as_of: int  # ordinal of the demo's "today"
    first_need: int  # ordinal of the earliest need date (13 months before as_of)
    setup_us: int  # when the plant started using the system (reference data, users)
    cal: Workdays
    staff: Staff
    ref: Reference

    @staticmethod
    def window(as_of: date) -> tuple[date, date]:
        """(first need date, go-live day): needs span the 13 months ending on as_of."""
        year, month = as_of.year, as_of.month - 13
        while month < 1:
            year, month = year - 1, month + 12
        day = min(as_of.day, 28)
        first = date(year, month, day) + timedelta(days=1)
        return first, first - timedelta(days=30)

    @staticmethod
    def setup_stamp(go_live: date) -> int:
        return stamp(go_live.toordinal(), 9 * 60)

    @staticmethod
    def calendar(as_of: date) -> Workdays:
        """Covers customers' history before the window and payments planned well after as_of."""
        return Workdays(as_of - timedelta(days=6 * 366), as_of + timedelta(days=400))

"""MartReader: the ONLY way the analytics pages read the published marts.

    reader = MartReader(home, viewer)
    with reader.session():                         # one read-only connection for a page view
        invoices = reader.frame("invoices")        # forbidden columns already removed
        months = reader.frame("payments_by_month", ["month_start", "received_amount"])
    reader.freshness()                             # PublishInfo | None

Access is enforced here, in the data layer, not by hiding widgets: every column is classified by
COLUMN_GROUPS (a pattern on the column name -> field group) and a column of a group the viewer
may not read (for all orders, see viewer.py) never leaves the reader. Asking for one by name, or
filtering on one in `where`, raises PermissionDeniedError; so does a mart whose whole subject is
a group the viewer lacks (MART_GROUPS: invoices and payments belong to `payments`, expenses to
`economics`). Money stays Decimal (DuckDB DECIMAL -> pl.Decimal).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fnmatch import fnmatchcase
from typing import Any

import duckdb
import polars as pl

from dashboards.analytics.viewer import AnalyticsViewer
from ingest.access import PermissionDeniedError
from ingest.access.errors import group_name, role_name
from pipelines.published import PublishInfo, open_published, published_info, read_publish_info

# Pattern (fnmatch, on "mart.column" first, then on "column") -> field group. First match wins,
# so the specific patterns come before the general ones ("paid_revenue" is money received, not
# a price). A column matching no pattern is header-level data every analytics viewer may read.
COLUMN_GROUPS: dict[str, str] = {
    # Mart-specific names whose meaning the bare name does not tell
    "expenses_by_category.*_amount": "economics",
    "order_expenses.*_amount": "economics",
    "payments.amount": "payments",
    # Money received / expected
    "paid_revenue*": "payments",
    "paid_*": "payments",
    "payments_on_*": "payments",
    "received_*": "payments",
    "invoice_amount": "payments",
    "invoice_vat_amount": "payments",
    "invoiced_amount": "payments",
    "outstanding_amount": "payments",
    "overpaid_amount": "payments",
    "unpaid_amount": "payments",
    "planned_amount": "payments",
    "forecast_amount": "payments",
    "overdue_carried_amount": "payments",
    "expected_total_amount": "payments",
    "step_amount": "payments",
    # Economics: cost price, profit, efficiency, margin, expenses, variances
    "*cost_price*": "economics",
    "*profit*": "economics",
    "*efficiency*": "economics",
    "*margin*": "economics",
    "expenses_*": "economics",
    "*variance*": "economics",
    # Prices: net, VAT, totals, revenue, quote amounts
    "net": "prices",
    "vat": "prices",
    "total": "prices",
    "revenue*": "prices",
    "quotes_*_net": "prices",
    "quotes_*_total": "prices",
    "orders_net": "prices",
    "orders_total": "prices",
}

# Marts whose every row is about one field group: refused whole without it.
MART_GROUPS: dict[str, str] = {
    "invoices": "payments",
    "payment_steps": "payments",
    "payments_by_month": "payments",
    "payments": "payments",
    "order_expenses": "economics",
    "expenses_by_category": "economics",
}

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def column_group(mart: str, column: str) -> str | None:
    """The field group guarding this column of this mart (None: no group, header data)."""
    for pattern, group in COLUMN_GROUPS.items():
        if fnmatchcase(f"{mart}.{column}" if "." in pattern else column, pattern):
            return group
    return None


class MartReader:
    def __init__(self, home: str | os.PathLike, viewer: AnalyticsViewer):
        self.home = home
        self.viewer = viewer
        self._conn: duckdb.DuckDBPyConnection | None = None

    # -- connections -----------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[MartReader]:
        """Keep one read-only connection for the block (one page view sees one build)."""
        if self._conn is not None:  # nested: reuse the outer one
            yield self
            return
        with open_published(self.home) as conn:
            self._conn = conn
            try:
                yield self
            finally:
                self._conn = None

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._conn is not None:
            yield self._conn
        else:
            with open_published(self.home) as conn:
                yield conn

    # -- access ----------------------------------------------------------------------------
    def _refuse(self, group: str, what: str) -> PermissionDeniedError:
        who = role_name(self.viewer.role) + (" (руководитель)" if self.viewer.is_head else "")
        return PermissionDeniedError(
            f"Нет доступа: роль «{who}» не может читать «{group_name(group)}» ({what})",
            login=self.viewer.login,
            role=self.viewer.role,
            group=group,
            mode="read",
        )

    def _check_mart(self, mart: str) -> None:
        if not _NAME.match(mart):
            raise ValueError(f"Недопустимое имя витрины: {mart!r}")
        group = MART_GROUPS.get(mart)
        if group is not None and not self.viewer.may_read(group):
            raise self._refuse(group, f"витрина {mart}")

    def forbidden(self, mart: str, columns: Sequence[str]) -> dict[str, str]:
        """column -> group for the columns of `columns` this viewer may not read."""
        out = {}
        for column in columns:
            group = column_group(mart, column)
            if group is not None and not self.viewer.may_read(group):
                out[column] = group
        return out

    def mart_columns(self, mart: str) -> list[str]:
        """Every column of the mart, in order (no access filter)."""
        self._check_mart(mart)
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position",
                [mart],
            ).fetchall()
        if not rows:
            raise LookupError(f"Витрины marts.{mart} нет в опубликованной сборке")
        return [r[0] for r in rows]

    def columns(self, mart: str) -> list[str]:
        """The columns of the mart this viewer gets."""
        all_columns = self.mart_columns(mart)
        hidden = self.forbidden(mart, all_columns)
        return [c for c in all_columns if c not in hidden]

    # -- reading ---------------------------------------------------------------------------
    def frame(
        self,
        mart: str,
        columns: list[str] | None = None,
        where: str | None = None,
        params: Sequence[Any] | None = None,
    ) -> pl.DataFrame:
        """Rows of marts.<mart> with the columns the viewer may read.

        `columns` None: every readable column; named: exactly those (unknown -> LookupError,
        forbidden -> PermissionDeniedError). `where` is a code-written SQL condition with `?`
        parameters; it may not mention a forbidden column either.
        """
        available = self.mart_columns(mart)
        if columns is None:
            hidden = self.forbidden(mart, available)
            chosen = [c for c in available if c not in hidden]
        else:
            unknown = [c for c in columns if c not in available]
            if unknown:
                raise LookupError(f"В витрине {mart} нет столбцов: {', '.join(unknown)}")
            hidden = self.forbidden(mart, columns)
            if hidden:
                column, group = next(iter(hidden.items()))
                raise self._refuse(group, f"{mart}.{column}")
            chosen = list(columns)
        if where:
            named = set(_WORD.findall(where)) & set(available)
            hidden_where = self.forbidden(mart, sorted(named))
            if hidden_where:
                column, group = next(iter(hidden_where.items()))
                raise self._refuse(group, f"условие по {mart}.{column}")
        if not chosen:
            raise self._refuse(next(iter(self.forbidden(mart, available).values())), mart)
        select = ", ".join(f'"{c}"' for c in chosen)
        sql = f"SELECT {select} FROM marts.{mart}" + (f" WHERE {where}" if where else "")
        with self._connection() as conn:
            return conn.sql(sql, params=list(params or [])).pl()

    def freshness(self) -> PublishInfo | None:
        """Which build the pages show (None: nothing published yet)."""
        if self._conn is not None:
            return read_publish_info(self._conn)
        return published_info(self.home)

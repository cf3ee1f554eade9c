"""Streamlit helpers shared by the analytics pages: the gate, freshness, filter bar, tables.

    viewer = require_analytics_page("payments")          # refusal + stop for a wrong role
    reader = mart_reader(viewer)
    with reader.session():
        info = freshness_caption(reader.freshness())     # warning + stop when nothing published
        filters = filter_bar("payments", filter_choices(reader, info.as_of))
        table(frame, labels, key="pay_invoices")         # order links + «Скачать .xlsx»

Everything a page shows comes from MartReader, so these helpers never see a column the viewer
may not read; the export is built from the very frame the table shows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase

import polars as pl
import streamlit as st

from dashboards.analytics.export import frame_to_xlsx
from dashboards.analytics.filters import PAGE_FILTERS, AnalyticsFilters, default_period
from dashboards.analytics.frame_format import date_text, decimal_text, names_of
from dashboards.analytics.reader import MartReader
from dashboards.analytics.viewer import AnalyticsViewer, viewer_for
from dashboards.i18n import known_keys, t
from dashboards.session import current_user, plant_home, store
from dashboards.ui.format import EMPTY, day, money
from dashboards.ui.order_link import open_order
from ingest.access import PermissionDeniedError
from pipelines.published import NotPublishedError, PublishInfo

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- the gate ------------------------------------------------------------------------------
def require_analytics_page(page_key: str) -> AnalyticsViewer:
    """The logged-in user's viewer if they may open the page; else a refusal and st.stop()."""
    user = current_user()
    if user is None:
        st.stop()
    try:
        viewer = viewer_for(store(), user.login)
        viewer.require(page_key)
    except PermissionDeniedError as error:
        st.error(str(error))
        st.stop()
    return viewer


def mart_reader(viewer: AnalyticsViewer) -> MartReader:
    return MartReader(plant_home(), viewer)


# -- freshness -----------------------------------------------------------------------------
def freshness_text(info: PublishInfo) -> str:
    """«данные на 14:35 (28.11.2026) · расчётная дата 28.11.2026»."""
    taken = info.snapshot_taken_at or info.built_at
    return t(
        "analytics.fresh.caption",
        time=taken.strftime("%H:%M"),
        date=day(taken),
        as_of=day(info.as_of),
    )


def freshness_caption(info: PublishInfo | None) -> PublishInfo:
    """Show how fresh the data is; when nothing is published, a warning and st.stop()."""
    if info is None:
        st.warning(t("analytics.fresh.none"))
        st.stop()
    st.caption(freshness_text(info))
    return info


@contextmanager
def published_view(viewer: AnalyticsViewer) -> Iterator[tuple[MartReader, PublishInfo]]:
    """One page view on one published build: the reader (one connection) and its PublishInfo,
    with the freshness caption shown. Nothing published: a warning and st.stop()."""
    reader = mart_reader(viewer)
    with ExitStack() as stack:
        try:
            stack.enter_context(reader.session())
        except NotPublishedError:
            freshness_caption(None)  # warns and stops
            raise
        yield reader, freshness_caption(reader.freshness())


# -- filters -------------------------------------------------------------------------------
@dataclass(frozen=True)
class FilterChoices:
    as_of: date
    managers: dict[int, str]
    sources: dict[str, str]
    customers: dict[int, str]


def _pairs(frame: pl.DataFrame, key: str, name: str) -> dict:
    rows = frame.select(key, name).drop_nulls(key).unique(key).sort(name, nulls_last=True)
    return {k: (v or str(k)) for k, v in rows.iter_rows()}


def filter_choices(reader: MartReader, as_of: date) -> FilterChoices:
    """What the filter bar offers: managers and customers that have orders, every lead source."""
    orders = reader.frame(
        "order_economics",
        ["sales_manager_id", "sales_manager_name", "customer_id", "customer_name"],
    )
    sources = reader.frame("lead_sources", ["lead_source_code", "lead_source_name"])
    return FilterChoices(
        as_of=as_of,
        managers=_pairs(orders, "sales_manager_id", "sales_manager_name"),
        sources=_pairs(sources, "lead_source_code", "lead_source_name"),
        customers=_pairs(orders, "customer_id", "customer_name"),
    )


def _state_key(page_key: str, kind: str) -> str:
    return f"analytics_{page_key}_{kind}"


def filter_bar(page_key: str, choices: FilterChoices) -> AnalyticsFilters:
    """The filters this page offers (PAGE_FILTERS), kept per page in st.session_state."""
    kinds = PAGE_FILTERS[page_key]
    shown = [k for k in ("period", "manager", "source", "customer") if k in kinds]
    cols = st.columns(len(shown)) if shown else []
    start = end = None
    managers: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    customers: tuple[int, ...] = ()
    for col, kind in zip(cols, shown, strict=True):
        with col:
            if kind == "period":
                first, last = default_period(choices.as_of)
                picked = st.date_input(
                    t("analytics.filter.period"),
                    value=(first, last),
                    format="DD.MM.YYYY",
                    key=_state_key(page_key, kind),
                )
                start, end = _period(picked, last)
            elif kind == "manager":
                managers = tuple(
                    st.multiselect(
                        t("analytics.filter.manager"),
                        list(choices.managers),
                        format_func=lambda i: choices.managers.get(i, str(i)),
                        placeholder=t("analytics.filter.all"),
                        key=_state_key(page_key, kind),
                    )
                )
            elif kind == "source":
                sources = tuple(
                    st.multiselect(
                        t("analytics.filter.source"),
                        list(choices.sources),
                        format_func=lambda c: choices.sources.get(c, c),
                        placeholder=t("analytics.filter.all"),
                        key=_state_key(page_key, kind),
                    )
                )
            else:
                customers = tuple(
                    st.multiselect(
                        t("analytics.filter.customer"),
                        list(choices.customers),
                        format_func=lambda i: choices.customers.get(i, str(i)),
                        placeholder=t("analytics.filter.all"),
                        key=_state_key(page_key, kind),
                    )
                )
    return AnalyticsFilters(start, end, managers, sources, customers)


def _period(picked: object, default_end: date) -> tuple[date | None, date | None]:
    """st.date_input's range while it is being picked may hold one date: start … default end."""
    if isinstance(picked, date):
        return picked, max(picked, default_end)
    values = [v for v in (picked or ()) if v is not None]  # type: ignore[union-attr]
    if not values:
        return None, None
    if len(values) == 1:
        return values[0], max(values[0], default_end)
    return min(values), max(values)


# -- tables --------------------------------------------------------------------------------
# Two-place decimals that are not roubles: days, ratios, shares (shown without «₽»).
NOT_MONEY = ("*days*", "*_per_order", "*_pct", "*share*", "*rate*")


def _not_money(column: str) -> bool:
    return any(fnmatchcase(column, pattern) for pattern in NOT_MONEY)


def display_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as shown: money `1 234,56 ₽`, other decimals `20,9`, dates `28.11.2026`,
    booleans да/нет (texts in the plant's Russian style, like every other page)."""
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Decimal):
            places = dtype.scale or 0
            is_money = places == 2 and not _not_money(name)
            out.append(decimal_text(name, places, currency=is_money))
        elif dtype == pl.Date or isinstance(dtype, pl.Datetime):
            out.append(date_text(name))
        elif dtype == pl.Boolean:
            yes, no = t("analytics.yes"), t("analytics.no")
            out.append(pl.when(col).then(pl.lit(yes)).when(~col).then(pl.lit(no))
                       .otherwise(pl.lit(EMPTY)).alias(name))  # fmt: skip
        else:
            out.append(col)
    return frame.select(out)


def table(
    frame: pl.DataFrame,
    labels: dict[str, str],
    key: str,
    order_link_column: str | None = "order_number",
    *,
    sheet: str | None = None,
) -> None:
    """The frame as a table (Russian headers; the order number is a link to the order card and
    picking a row opens the card here) and a «Скачать .xlsx» button with exactly its columns."""
    shown = display_frame(frame)
    config: dict[str, object] = {}
    link = order_link_column if order_link_column in frame.columns else None
    if link:
        shown = shown.with_columns(("order?order=" + pl.col(link)).alias(link))
        config[link] = st.column_config.LinkColumn(
            labels.get(link, link), display_text=r"order=(.*)$"
        )
    shown = shown.rename({c: labels.get(c, c) for c in shown.columns if c != link})
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=config,
        key=key,
        on_select="rerun" if link else "ignore",
        selection_mode="single-row",
    )
    if link:
        _open_picked(event, frame.get_column(link), f"{key}_opened")
    st.download_button(
        t("analytics.download_xlsx"),
        # Built only when clicked: building every table's file on every rerun was most of a
        # big page's render time (docs/analytics-figures.md).
        data=functools.partial(frame_to_xlsx, frame, labels, sheet or key),
        file_name=f"{key}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def _open_picked(event: object, numbers: pl.Series, marker: str) -> None:
    """Open the card of the picked row — once: the selection may outlive the visit to the card,
    and coming back must not bounce to the card again."""
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if not rows:
        st.session_state.pop(marker, None)
        return
    number = numbers[rows[0]]
    if st.session_state.get(marker) != number:
        st.session_state[marker] = number
        open_order(number)


def money_text(value: object) -> str:
    """A KPI value: Decimal money -> `1 234 567,89 ₽`; None -> `—`."""
    return money(value) if value is not None else EMPTY  # type: ignore[arg-type]


def column_labels(columns: Iterable[str], overrides: dict[str, str] | None = None) -> dict:
    """Russian headers: overrides, else the catalog's `analytics.col.<column>`, else the name."""
    keys = known_keys()
    out = {}
    for column in columns:
        key = f"analytics.col.{column}"
        out[column] = (overrides or {}).get(column) or (t(key) if key in keys else column)
    return out


def with_names(frame: pl.DataFrame, column: str, name_of: Callable[[str], str]) -> pl.DataFrame:
    """The codes of `column` replaced by their names (status -> «Согласован»), for display and
    export alike."""
    if column not in frame.columns:
        return frame
    return frame.with_columns(names_of(frame, column, name_of))

"""The live price of an order's lines as typed: pricing/ through order_pricing.price_draft, in
one short read. A pricing problem is a warning naming the line and the field, never a crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import streamlit as st

from dashboards.i18n import t
from dashboards.session import desk
from dashboards.ui.format import money, vat_rate_pct, weight_kg
from dashboards.ui.lines_editor import EditedLine, field_label, problem_texts
from ingest.service.order_pricing import price_draft
from pricing import LineResult, OrderResult
from pricing.errors import PricingError


def pricing_problem(exc: PricingError) -> str:
    """«позиция 2, поле «Диаметр, мм»: ...» — the line and the field in the user's words."""
    return t("sales.preview.problem", where=exc.where, field=field_label(exc.field),
             reason=exc.reason)  # fmt: skip


def price_lines(
    lines: Sequence[EditedLine],
    *,
    need_date: date,
    planned_shipment_date: date | None,
    vat_rate: Decimal | None = None,
) -> OrderResult:
    """Price complete lines (raises PricingError); one short read of prices and VAT rates."""
    drafts = [ln.draft for ln in lines if ln.draft is not None]
    with desk().reading() as a:
        return price_draft(a.conn, need_date=need_date, planned_shipment_date=planned_shipment_date,
                           vat_rate=vat_rate, lines=drafts)  # fmt: skip


def figures(result: LineResult, show_prices: bool) -> dict[str, str]:
    """A priced line's figures as table cells (prices only for who may read them)."""
    row = {t("sales.col.unit_weight"): weight_kg(result.unit_weight_kg),
           t("sales.col.line_weight"): weight_kg(result.line_weight_kg)}  # fmt: skip
    if show_prices:
        row.update({
            t("sales.col.unit_price"): money(result.unit_price_net),
            t("sales.col.line_net"): money(result.line_net),
            t("sales.col.line_vat"): money(result.line_vat),
            t("sales.col.line_total"): money(result.line_total),
        })  # fmt: skip
    return row


def totals(result: OrderResult, show_prices: bool) -> None:
    """The order's weight and (if readable) net, VAT and total as metrics."""
    columns = st.columns(4 if show_prices else 1)
    columns[0].metric(t("sales.total.weight"), weight_kg(result.weight_kg))
    if show_prices:
        rate = vat_rate_pct(result.lines[0].vat_rate) if result.lines else ""
        columns[1].metric(t("sales.total.net"), money(result.net))
        columns[2].metric(t("sales.total.vat", rate=rate), money(result.vat))
        columns[3].metric(t("sales.total.total"), money(result.total))


def render(
    lines: Sequence[EditedLine],
    *,
    need_date: date,
    planned_shipment_date: date | None,
    vat_rate: Decimal | None = None,
    show_prices: bool,
) -> OrderResult | None:
    """Show the preview of the lines as typed; the result, or None if not priceable now."""
    st.subheader(t("sales.preview.title"))
    if not lines:
        st.info(t("sales.lines.empty"))
        return None
    for text in problem_texts(list(lines), skip_blank=True):
        st.warning(text)
    if any(ln.draft is None for ln in lines):
        st.info(t("sales.preview.incomplete"))
        return None
    try:
        result = price_lines(
            lines, need_date=need_date, planned_shipment_date=planned_shipment_date,
            vat_rate=vat_rate,
        )  # fmt: skip
    except PricingError as exc:
        st.warning(pricing_problem(exc))
        return None
    rows = [{t("sales.col.no"): ln.n, t("common.name"): ln.draft.name, **figures(r, show_prices)}
            for ln, r in zip(lines, result.lines, strict=True)]  # fmt: skip
    st.dataframe(rows, hide_index=True, width="stretch")
    totals(result, show_prices)
    return result

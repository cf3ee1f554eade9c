"""Chart functions on small hand-made frames: traces, trace names, totals, Russian titles, the
RU number style — pure functions, no files, no Streamlit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboards.charts import common, economics, overview, payments

MONEY = pl.Decimal(18, 2)
D = Decimal


def _sum(values) -> Decimal:
    """Sum of a trace's floats back in kopecks (exact for these small figures)."""
    return sum((D(repr(v)).quantize(D("0.01")) for v in values if v is not None), D("0.00"))


def _names(fig: go.Figure) -> list[str]:
    return [trace.name for trace in fig.data]


def _assert_ru_money_layout(fig: go.Figure, axis: str = "y") -> None:
    assert fig.layout.separators == ", "
    ax = fig.layout.yaxis if axis == "y" else fig.layout.xaxis
    assert ax.ticksuffix == " ₽"
    assert ax.tickformat == ",.0f"


STATUSES = pl.DataFrame(
    {
        "status": ["costing", "need", "agreed"],
        "status_rank": [2, 1, 4],
        "status_name_ru": ["Расчёт", "Потребность", "Согласован"],
        "orders_count": [3, 5, 2],
        "orders_net": [D("100.10"), D("200.20"), D("0.00")],
    },
    schema_overrides={"orders_net": MONEY},
)


def test_orders_by_status_one_trace_in_process_order():
    fig = overview.orders_by_status(STATUSES)
    assert _names(fig) == ["Заказов"]
    assert list(fig.data[0].x) == ["Потребность", "Расчёт", "Согласован"]
    assert sum(fig.data[0].y) == STATUSES.get_column("orders_count").sum() == 10
    assert list(fig.data[0].customdata) == [200.2, 100.1, 0.0]
    assert fig.layout.xaxis.title.text == "Статус"
    assert fig.layout.yaxis.title.text == "Заказов"


def test_orders_by_status_without_prices_has_no_money_in_hover():
    fig = overview.orders_by_status(STATUSES.drop("orders_net"))
    assert fig.data[0].customdata is None
    assert "₽" not in fig.data[0].hovertemplate


MONTHS = pl.DataFrame(
    {
        "month_start": [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)],
        "received_amount": [D("1000.50"), D("250.25"), D("0.00")],
        "planned_amount": [D("1200.00"), D("300.00"), D("50.00")],
        "forecast_amount": [None, D("49.75"), D("50.00")],
        "invoiced_amount": [D("900.00"), D("400.00"), D("0.00")],
    },
    schema_overrides={
        c: MONEY
        for c in ("received_amount", "planned_amount", "forecast_amount", "invoiced_amount")
    },
)


def test_invoiced_vs_received_two_traces_sum_to_the_frame():
    fig = overview.invoiced_vs_received(MONTHS)
    assert _names(fig) == ["Выставлено счетов", "Получено оплат"]
    assert _sum(fig.data[0].y) == D("1300.00")
    assert _sum(fig.data[1].y) == MONTHS.get_column("received_amount").sum()
    assert fig.layout.xaxis.title.text == "Месяц"
    assert fig.layout.yaxis.title.text == "Сумма, ₽"
    _assert_ru_money_layout(fig)


def test_payments_by_month_actual_forecast_plan():
    fig = payments.by_month(MONTHS)
    assert _names(fig) == ["Факт: получено", "Прогноз", "План"]
    assert [type(t).__name__ for t in fig.data] == ["Bar", "Bar", "Scatter"]
    assert _sum(fig.data[0].y) == D("1250.75")
    assert _sum(fig.data[1].y) == D("99.75")
    assert fig.data[1].y[0] is None  # no forecast before the as_of month
    assert _sum(fig.data[2].y) == MONTHS.get_column("planned_amount").sum()
    assert fig.layout.barmode == "stack"
    _assert_ru_money_layout(fig)


STATUS_SUMMARY = pl.DataFrame(
    {
        "collection_status": ["paid", "partly_paid", "unpaid", "overdue"],
        "invoices_count": [2, 1, 0, 3],
        "invoice_amount": [D("10.00"), D("20.00"), D("0.00"), D("30.01")],
        "paid_amount": [D("10.00"), D("5.00"), D("0.00"), D("0.00")],
        "outstanding_amount": [D("0.00"), D("15.00"), D("0.00"), D("30.01")],
    },
    schema_overrides={c: MONEY for c in ("invoice_amount", "paid_amount", "outstanding_amount")},
)


def test_invoices_by_status_names_in_russian_and_totals():
    fig = payments.invoices_by_status(STATUS_SUMMARY)
    assert list(fig.data[0].x) == ["Оплачены", "Оплачены частично", "Не оплачены", "Просрочены"]
    assert _sum(fig.data[0].y) == D("60.01")
    assert fig.layout.xaxis.title.text == "Статус оплаты"


def test_ageing_buckets_and_empty_case():
    buckets = pl.DataFrame(
        {"bucket": ["0–30", "31–60", "61–90", ">90"], "invoices_count": [1, 0, 2, 1],
         "outstanding_amount": [D("1.00"), D("0.00"), D("2.50"), D("3.25")]},
        schema_overrides={"outstanding_amount": MONEY},
    )  # fmt: skip
    fig = payments.ageing(buckets)
    assert list(fig.data[0].x) == ["0–30", "31–60", "61–90", ">90"]
    assert _sum(fig.data[0].y) == D("6.75")
    assert fig.layout.xaxis.title.text == "Дней просрочки"
    empty = payments.ageing(buckets.with_columns(pl.lit(0).alias("invoices_count")))
    assert len(empty.data) == 0 and empty.layout.annotations[0].text == "Просроченных счетов нет"


def test_debtors_overdue_plus_current_is_outstanding():
    top = pl.DataFrame(
        {"customer_name": ["ООО А", "АО Б"], "outstanding_amount": [D("100.00"), D("40.00")],
         "overdue_amount": [D("60.00"), D("0.00")]},
        schema_overrides={"outstanding_amount": MONEY, "overdue_amount": MONEY},
    )  # fmt: skip
    fig = payments.debtors(top)
    assert _names(fig) == ["Просрочено", "В срок"]
    assert list(fig.data[0].y) == ["АО Б", "ООО А"]  # biggest debtor drawn at the top
    assert _sum(fig.data[0].x) + _sum(fig.data[1].x) == D("140.00")
    _assert_ru_money_layout(fig, axis="x")


BY_MONTH = pl.DataFrame(
    {
        "month_start": [date(2026, 9, 1), date(2026, 10, 1)],
        "planned_profit": [D("100.00"), D("-20.00")],
        "actual_profit": [D("90.00"), D("-25.50")],
        "planned_cost_price": [D("400.00"), D("120.00")],
        "actual_cost_price": [D("410.00"), D("125.50")],
    },
    schema_overrides={
        c: MONEY
        for c in ("planned_profit", "actual_profit", "planned_cost_price", "actual_cost_price")
    },
)


@pytest.mark.parametrize(
    ("chart", "names", "totals", "y_title"),
    [
        (economics.profit_by_month, ["Прибыль плановая", "Прибыль фактическая"],
         [D("80.00"), D("64.50")], "Прибыль, ₽"),
        (economics.cost_by_month, ["Себестоимость плановая", "Себестоимость фактическая"],
         [D("520.00"), D("535.50")], "Себестоимость, ₽"),
    ],
)  # fmt: skip
def test_planned_vs_actual_by_month(chart, names, totals, y_title):
    fig = chart(BY_MONTH)
    assert _names(fig) == names
    assert [_sum(t.y) for t in fig.data] == totals
    assert fig.layout.xaxis.title.text == "Месяц согласования"
    assert fig.layout.yaxis.title.text == y_title
    assert all("₽" in t.hovertemplate for t in fig.data)
    _assert_ru_money_layout(fig)


def test_profit_per_order_splits_loss_making_orders():
    orders = pl.DataFrame(
        {"order_number": ["З-1", "З-2", "З-3"], "planned_profit": [D("10.00"), D("5.00"), None],
         "actual_profit": [D("12.00"), D("-3.00"), None]},
        schema_overrides={"planned_profit": MONEY, "actual_profit": MONEY},
    )  # fmt: skip
    fig = economics.profit_per_order(orders)
    assert _names(fig) == ["Прибыльные", "Убыточные"]
    assert list(fig.data[1].text) == ["З-2"]
    assert _sum(fig.data[0].y) + _sum(fig.data[1].y) == D("9.00")
    assert fig.layout.xaxis.title.text == "Прибыль плановая, ₽"
    assert fig.layout.yaxis.title.text == "Прибыль фактическая, ₽"


def test_profit_by_customer_limits_and_orders():
    customers = pl.DataFrame(
        {"customer_name": [f"Заказчик {i}" for i in range(20)],
         "planned_profit": [D(i) for i in range(20)], "actual_profit": [D(i) for i in range(20)]},
        schema_overrides={"planned_profit": MONEY, "actual_profit": MONEY},
    )  # fmt: skip
    fig = economics.profit_by_customer(customers, limit=5)
    assert len(fig.data[0].y) == 5
    assert fig.data[0].y[-1] == "Заказчик 0"  # the first customer drawn at the top
    assert _sum(fig.data[1].x) == D("10.00")


def test_expenses_by_category_uses_the_given_names():
    totals = pl.DataFrame(
        {"category": ["production", "other"], "planned_amount": [D("100.00"), D("1.00")],
         "actual_amount": [D("110.00"), D("2.00")]},
        schema_overrides={"planned_amount": MONEY, "actual_amount": MONEY},
    )  # fmt: skip
    fig = economics.expenses_by_category(totals, {"production": "Производство"})
    assert _names(fig) == ["Расходы плановые", "Расходы фактические"]
    assert list(fig.data[0].x) == ["Производство", "other"]
    assert _sum(fig.data[1].y) == D("112.00")
    assert fig.layout.xaxis.title.text == "Статья расходов"


@pytest.mark.parametrize(
    "chart",
    [overview.invoiced_vs_received, payments.by_month, economics.profit_by_month,
     economics.cost_by_month],
)  # fmt: skip
def test_empty_frames_give_a_labelled_blank_chart(chart):
    fig = chart(MONTHS.join(BY_MONTH, on="month_start").head(0))
    assert len(fig.data) == 0
    assert fig.layout.annotations[0].text == "Нет данных за выбранный период"


def test_money_helpers():
    assert common.money_floats([D("1.25"), None, 3]) == [1.25, None, 3.0]
    assert common.money_hover("План") == "План: %{y:,.2f} ₽<extra></extra>"
    assert common.money_hover("Долг", "x") == "Долг: %{x:,.2f} ₽<extra></extra>"

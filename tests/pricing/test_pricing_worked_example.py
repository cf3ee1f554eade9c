"""The worked example of pricing.md, to the kopeck, through all three APIs."""

import json
from decimal import Decimal

import polars as pl
from pricing_cases import (
    WORKED_LINES,
    WORKED_ORDER,
    expenses_frame,
    lines_frame,
    worked_example,
    worked_payload,
)

from pricing import price_line, price_lines, price_order, price_orders, price_request


def test_scalar_api_reproduces_worked_example():
    result = price_order(worked_example())
    assert [line.id for line in result.lines] == ["1", "2", "3"]
    for line in result.lines:
        for name, expected in WORKED_LINES[line.id].items():
            assert str(getattr(line, name)) == expected, (line.id, name)
    for name, expected in WORKED_ORDER.items():
        assert str(getattr(result, name)) == expected, name
    # material 21636.34 + expenses 27500.00
    assert result.expenses_planned == Decimal("27500.00")
    assert sum(line.planned_cost for line in result.lines) == Decimal("21636.34")


def test_price_line_alone_matches_the_order_figures():
    line = price_line(worked_example().lines[0], Decimal("0.22"))
    assert (line.unit_weight_kg, line.unit_price_net, line.line_total) == (
        Decimal("11.098"),
        Decimal("2899.35"),
        Decimal("35372.07"),
    )


def test_frame_api_reproduces_worked_example():
    order = worked_example()
    priced = price_lines(lines_frame([(7, order)]))
    assert priced.schema["line_total"] == pl.Decimal(18, 2)
    assert priced.schema["unit_weight_kg"] == pl.Decimal(18, 3)
    assert priced.schema["vat_rate"] == pl.Decimal(6, 4)
    for row in priced.iter_rows(named=True):
        for name, expected in WORKED_LINES[row["line_id"]].items():
            assert row[name] == Decimal(expected), (row["line_id"], name)
            if name != "vat_rate":
                assert str(row[name]) == expected

    totals = price_orders(priced, expenses_frame([(7, order)]))
    assert totals.height == 1
    row = totals.row(0, named=True)
    assert row["order_id"] == 7
    for name, expected in WORKED_ORDER.items():
        assert str(row[name]) == expected, name
    assert totals.schema["planned_efficiency_pct"].scale == 1


def test_contract_reproduces_worked_example():
    response = price_request(worked_payload())
    assert list(response) == ["lines", "order"]
    assert [line["id"] for line in response["lines"]] == ["1", "2", "3"]
    for line in response["lines"]:
        expected = {"id": line["id"], **WORKED_LINES[line["id"]]}
        assert line == expected
        assert list(line) == list(expected)  # contract key order
    assert response["order"] == WORKED_ORDER
    assert list(response["order"]) == list(WORKED_ORDER)
    # The whole response is plain JSON (no Decimal objects left).
    assert json.loads(json.dumps(response)) == response


def test_contract_reads_cli_json_text():
    text = json.dumps(worked_payload(), default=str, ensure_ascii=False)
    payload = json.loads(text, parse_float=Decimal)
    assert price_request(payload)["order"]["planned_efficiency_pct"] == "20.9"

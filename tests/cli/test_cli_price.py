"""`zakaz price`: the JSON contract of pricing.md through the real command."""

import json
from pathlib import Path

import pytest
from cli_runner import assert_one_line_error, zakaz

EXAMPLE = Path(__file__).parent / "worked_example.json"


def test_price_reproduces_the_worked_example_to_the_kopeck():
    result = zakaz("price", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    figures = {line["id"]: (line["unit_weight_kg"], line["material_cost_unit"],
                            line["unit_price_net"], line["line_net"], line["line_vat"],
                            line["line_total"]) for line in out["lines"]}  # fmt: skip
    assert figures == {
        "1": ("11.098", "1054.31", "2899.35", "28993.50", "6378.57", "35372.07"),
        "2": ("18.840", "1477.06", "2658.71", "10634.84", "2339.66", "12974.50"),
        "3": ("42.500", "2592.50", "9900.00", "19800.00", "4356.00", "24156.00"),
    }
    order = out["order"]
    assert (order["net"], order["vat"], order["total"], order["weight_kg"]) == (
        "59428.34", "13074.23", "72502.57", "271.340")  # fmt: skip
    assert order["planned_cost_price"] == "49136.34"
    assert order["planned_profit"] == "10292.00"
    assert order["planned_efficiency_pct"] == "20.9"
    assert all(isinstance(v, str) for line in out["lines"] for k, v in line.items())
    assert all(isinstance(v, str) for v in order.values())


def test_price_reads_stdin():
    result = zakaz("price", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert result.returncode == 0
    assert json.loads(result.stdout)["order"]["total"] == "72502.57"


def _request_with(line_patch: dict) -> str:
    payload = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    payload["lines"][1].update(line_patch)
    return json.dumps(payload, ensure_ascii=False)


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"quantity": -4}, "quantity"),
        ({"quantity": "четыре"}, "quantity"),
        ({"blank": {"shape": "cone", "length_mm": 1}}, "shape"),
        ({"complexity": "abc"}, "complexity"),
        ({"material": {"grade": "09Г2С", "price_per_kg": 78.40}}, "density_kg_m3"),
    ],
)
def test_bad_input_exits_2_naming_line_and_field_with_nothing_on_stdout(patch, field):
    result = zakaz("price", stdin=_request_with(patch))
    assert_one_line_error(result, 2, "строка 2", field)


def test_unreadable_inputs_exit_2():
    assert_one_line_error(zakaz("price", stdin="{not json"), 2, "JSON")
    assert_one_line_error(zakaz("price", stdin="[1, 2]"), 2)
    assert_one_line_error(zakaz("price", "/nonexistent/request.json"), 2, "/nonexistent")


def test_non_utf8_stdin_is_bad_input():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "zakaz.cli", "price"], input=b"\xff\xfe{}", capture_output=True
    )
    assert result.returncode == 2 and result.stdout == b""
    assert "UTF-8" in result.stderr.decode()

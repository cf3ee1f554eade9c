"""The procurement tab and the material price list through the access-checked service layer."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from demo_clock import DEMO_NOW
from store_probes import audit_rows, count, desk, one

from ingest.access import PermissionDeniedError
from ingest.service import procurement as proc
from ingest.service.order_pricing import price_stored_order, stored_lines
from ingest.service.orders import get_order
from ingest.store import Store, ValidationError

TODAY = DEMO_NOW.date()


@pytest.fixture
def store(demo_home) -> Store:
    return Store.open(demo_home)


def line_without_record(store: Store) -> tuple[int, int, int]:
    """(line id, order id, sales manager id) of an agreed order's line nobody has bought yet."""
    return one(
        store,
        "SELECT l.id, o.id, o.sales_manager_id FROM order_lines l JOIN orders o "
        "ON o.id = l.order_id WHERE o.status = 'agreed' AND NOT EXISTS "
        "(SELECT 1 FROM procurement_records p WHERE p.line_id = l.id) ORDER BY l.id LIMIT 1",
    )


def save(a, line_id: int, **overrides) -> int:
    values = {
        "supplier": "ООО «Металлобаза № 3»",
        "planned_price_per_kg": Decimal("95.00"),
        "planned_mass_kg": Decimal("120.500"),
        "actual_price_per_kg": None,
        "actual_mass_kg": None,
        "actual_material_cost": None,
        "status": "ordered",
        "ordered_date": TODAY - timedelta(days=2),
        "received_date": None,
    }
    values.update(overrides)
    return proc.save_procurement(a, line_id, **values)


def test_lines_needing_material_are_the_unreceived_lines_with_their_mass(store):
    with desk(store, "volkova").reading() as a:
        rows = proc.lines_needing_material(a)
        expected = a.execute(
            "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id "
            "LEFT JOIN procurement_records p ON p.line_id = l.id "
            "WHERE o.status IN ('agreed', 'procurement') AND coalesce(p.status, '') <> 'received'"
        ).fetchone()[0]
        assert len(rows) == expected > 0
        assert {r["order_status"] for r in rows} == {"agreed", "procurement"}
        assert {r["procurement_status"] for r in rows} <= {None, "to_order", "ordered"}
        assert any(r["procurement_status"] is None for r in rows)

        sample = next(r for r in rows if r["procurement_status"] is None)
        order = get_order(a, sample["order_id"])
        lines = stored_lines(a.conn, order["id"])
        priced = price_stored_order(a.conn, order)
        weight = {ln["id"]: r.line_weight_kg for ln, r in zip(lines, priced.lines, strict=True)}
        for row in (r for r in rows if r["order_id"] == order["id"]):
            assert row["planned_mass_kg"] == weight[row["line_id"]]

        only_agreed = proc.lines_needing_material(a, statuses=("agreed",))
        assert only_agreed and {r["order_status"] for r in only_agreed} == {"agreed"}


def test_lines_needing_material_is_refused_to_roles_without_procurement(store):
    with desk(store, "novikov").reading() as a:  # production reads the procurement tab
        assert proc.lines_needing_material(a)
    for login in ("ivanov", "orlova"):  # sales, logistics
        with desk(store, login).reading() as a, pytest.raises(PermissionDeniedError):
            proc.lines_needing_material(a)


def test_procurement_tab_shows_each_line_with_its_record(store):
    order_id = one(
        store,
        "SELECT order_id FROM procurement_records WHERE status = 'received' ORDER BY id LIMIT 1",
    )[0]
    with desk(store, "pavlov").reading() as a:  # finance reads procurement
        rows = proc.procurement_tab(a, order_id)
    stored = one(store, "SELECT count(*) FROM order_lines WHERE order_id = ?", [order_id])[0]
    assert len(rows) == stored
    first = rows[0]
    record = one(
        store,
        "SELECT supplier, actual_material_cost, status, received_date FROM procurement_records "
        "WHERE line_id = ?",
        [first["line_id"]],
    )
    assert (
        first["supplier"],
        first["actual_material_cost"],
        first["status"],
        first["received_date"],
    ) == record
    assert first["material_grade"] and first["line_weight_kg"] > 0
    with desk(store, "ivanov").reading() as a, pytest.raises(PermissionDeniedError):
        proc.procurement_tab(a, order_id)


def test_save_procurement_inserts_then_updates_with_audit(store):
    line_id, order_id, _ = line_without_record(store)
    with desk(store, "volkova").writing() as a:
        record_id = save(a, line_id)
    stored = one(
        store,
        "SELECT order_id, material_id, supplier, planned_mass_kg, status, ordered_date, "
        "updated_by FROM procurement_records WHERE id = ?",
        [record_id],
    )
    material_id = one(store, "SELECT material_id FROM order_lines WHERE id = ?", [line_id])[0]
    assert stored == (
        order_id,
        material_id,
        "ООО «Металлобаза № 3»",
        Decimal("120.500"),
        "ordered",
        TODAY - timedelta(days=2),
        10,
    )
    inserted = audit_rows(store, "procurement", record_id)
    assert {r[0] for r in inserted} == {"insert"}
    assert ("insert", "status", None, "ordered", 10, order_id) in inserted

    with desk(store, "volkova").writing() as a:
        assert (
            save(
                a,
                line_id,
                status="received",
                received_date=TODAY,
                actual_price_per_kg=Decimal("97.10"),
                actual_mass_kg=Decimal("121.000"),
                actual_material_cost=Decimal("11749.10"),
            )
            == record_id
        )
    assert one(
        store,
        "SELECT status, received_date, actual_material_cost FROM procurement_records WHERE id = ?",
        [record_id],
    ) == ("received", TODAY, Decimal("11749.10"))
    updates = [r for r in audit_rows(store, "procurement", record_id) if r[0] == "update"]
    assert ("update", "status", "ordered", "received", 10, order_id) in updates
    assert ("update", "actual_material_cost", None, "11749.10", 10, order_id) in updates
    assert {r[1] for r in updates} == {
        "status",
        "received_date",
        "actual_price_per_kg",
        "actual_mass_kg",
        "actual_material_cost",
    }

    # Saving the same values again changes nothing and logs nothing.
    before = count(store, "audit_log")
    with desk(store, "volkova").writing() as a:
        save(
            a,
            line_id,
            status="received",
            received_date=TODAY,
            actual_price_per_kg=Decimal("97.10"),
            actual_mass_kg=Decimal("121.000"),
            actual_material_cost=Decimal("11749.10"),
        )
    assert count(store, "audit_log") == before


@pytest.mark.parametrize("login", ["ivanov", "sokolova", "novikov", "pavlov", "sergeev"])
def test_save_procurement_is_refused_without_procurement_write(store, login):
    line_id, _, _ = line_without_record(store)
    before = count(store, "procurement_records"), count(store, "audit_log")
    with desk(store, login).writing() as a, pytest.raises(PermissionDeniedError) as refused:
        save(a, line_id)
    assert "снабжение" in str(refused.value)
    assert (count(store, "procurement_records"), count(store, "audit_log")) == before


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"status": "lost"}, "status", "неизвестный статус"),
        ({"planned_price_per_kg": Decimal("-1")}, "planned_price_per_kg", "отрицательн"),
        ({"planned_price_per_kg": Decimal("95.001")}, "planned_price_per_kg", "2 знаков"),
        ({"planned_mass_kg": Decimal("1.0005")}, "planned_mass_kg", "3 знаков"),
        ({"actual_material_cost": 12.5}, "actual_material_cost", "float"),
        ({"status": "ordered", "ordered_date": None}, "ordered_date", "дату заказа"),
        ({"status": "received"}, "received_date", "дату получения"),
        (
            {"status": "received", "received_date": TODAY - timedelta(days=5)},
            "received_date",
            "раньше даты заказа",
        ),
        (
            {"status": "received", "received_date": TODAY + timedelta(days=1)},
            "received_date",
            "ещё не наступила",
        ),
        ({"status": "to_order"}, "ordered_date", "уже заказан"),
        ({"supplier": "x" * 501}, "supplier", "слишком длинный"),
    ],
)
def test_save_procurement_validation_names_the_field(store, overrides, field, reason):
    line_id, _, _ = line_without_record(store)
    before = count(store, "procurement_records"), count(store, "audit_log")
    with desk(store, "volkova").writing() as a, pytest.raises(ValidationError) as bad:
        save(a, line_id, **overrides)
    assert bad.value.field == field
    assert reason in bad.value.reason
    assert "закупка позиции" in str(bad.value)
    assert (count(store, "procurement_records"), count(store, "audit_log")) == before


def test_material_price_list_and_a_new_dated_price(store):
    with desk(store, "volkova").reading() as a:
        listed = {m["material_id"]: m for m in proc.material_prices(a)}
    current = one(
        store,
        "SELECT price_per_kg, valid_from FROM material_prices WHERE material_id = 1 "
        "AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1",
        [TODAY],
    )
    assert (listed[1]["price_per_kg"], listed[1]["price_valid_from"]) == current
    assert listed[1]["grade"] == "Ст3сп" and listed[1]["needs_review"] is False

    with desk(store, "morozov").writing() as a:
        price_id = proc.set_material_price(a, 1, TODAY, Decimal("83.40"))
    with desk(store, "volkova").reading() as a:
        listed = {m["material_id"]: m for m in proc.material_prices(a)}
    assert (listed[1]["price_per_kg"], listed[1]["price_valid_from"]) == (Decimal("83.40"), TODAY)
    assert ("insert", "price_per_kg", None, "83.40", 9, None) in audit_rows(
        store, "material_price", price_id
    )

    # The same date again corrects that day's price.
    with desk(store, "volkova").writing() as a:
        assert proc.set_material_price(a, 1, TODAY, Decimal("84.00")) == price_id
    assert one(store, "SELECT price_per_kg FROM material_prices WHERE id = ?", [price_id]) == (
        Decimal("84.00"),
    )
    assert ("update", "price_per_kg", "83.40", "84.00", 10, None) in audit_rows(
        store, "material_price", price_id
    )


def test_material_price_is_refused_backdated_and_to_other_roles(store):
    before = count(store, "material_prices")
    with desk(store, "volkova").writing() as a, pytest.raises(ValidationError) as bad:
        proc.set_material_price(a, 1, TODAY - timedelta(days=1), Decimal("80.00"))
    assert bad.value.field == "valid_from"
    with desk(store, "volkova").writing() as a, pytest.raises(ValidationError) as bad:
        proc.set_material_price(a, 1, TODAY, Decimal("80.005"))
    assert bad.value.field == "price_per_kg"
    for login in ("ivanov", "kozlov", "egorova"):  # sales, production, finance
        with desk(store, login).writing() as a, pytest.raises(PermissionDeniedError):
            proc.set_material_price(a, 1, TODAY, Decimal("80.00"))
    with desk(store, "ivanov").reading() as a, pytest.raises(PermissionDeniedError):
        proc.material_prices(a)
    assert count(store, "material_prices") == before


def test_complete_material_fills_an_imported_grade(store):
    with store.write() as conn:  # an import added a grade it knew nothing about
        conn.execute(
            "INSERT INTO materials (id, grade, category, density_kg_m3, needs_review) "
            "VALUES (900, 'ВТ6-Импорт', NULL, NULL, TRUE)"
        )
    with desk(store, "volkova").reading() as a:
        assert proc.material_prices(a)[0]["grade"] == "ВТ6-Импорт"  # grades to review come first
    with desk(store, "lebedev").writing() as a, pytest.raises(ValidationError) as bad:
        proc.complete_material(a, 900, Decimal("0"), "titanium")
    assert bad.value.field == "density_kg_m3"
    with desk(store, "lebedev").writing() as a:
        proc.complete_material(a, 900, Decimal("4505"), "titanium")
    assert one(
        store, "SELECT density_kg_m3, category, needs_review FROM materials WHERE id = 900"
    ) == (Decimal("4505.000"), "titanium", False)
    logged = audit_rows(store, "material", 900)
    assert ("update", "density_kg_m3", None, "4505.000", 11, None) in logged
    assert ("update", "needs_review", "True", "False", 11, None) in logged

    with desk(store, "lebedev").writing() as a, pytest.raises(ValidationError) as bad:
        proc.complete_material(a, 900, Decimal("4500"), "titanium")
    assert bad.value.field == "needs_review"
    with desk(store, "ivanov").writing() as a, pytest.raises(PermissionDeniedError):
        proc.complete_material(a, 900, Decimal("4500"), "titanium")


def test_check_decimal_accepts_text_and_refuses_junk():
    assert proc.check_money("1234,50", "x", "f") == Decimal("1234.50")
    assert proc.check_money(None, "x", "f") is None
    with pytest.raises(ValidationError, match="не число"):
        proc.check_money("abc", "x", "f")
    with pytest.raises(ValidationError, match="больше нуля"):
        proc.check_money(Decimal("0"), "x", "f", positive=True)
    with pytest.raises(ValidationError, match="слишком большое"):
        proc.check_money(Decimal("1e16"), "x", "f")
    with pytest.raises(ValidationError, match="не заполнено"):
        proc.check_money(" ", "x", "f", required=True)
    assert proc.check_date(date(2026, 1, 2), "x", "f") == date(2026, 1, 2)

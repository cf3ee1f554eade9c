"""Reference data of an empty plant: what `zakaz init` without --demo writes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ingest.store import Store
from pricing import DEFAULT_VAT_TABLE
from zakaz.domain import ROLES
from zakaz.passwords import verify_password
from zakaz.reference import load_reference_data, material_grades, payment_terms

NOW = datetime(2026, 3, 2, 10, 30)


@pytest.fixture(scope="module")
def empty_plant(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("empty_plant"))
    store.create()
    with store.write() as tx:
        counts = load_reference_data(tx, admin_password="s3cret-Pass", now=NOW)
    return store, counts


def rows(store: Store, sql: str) -> list[tuple]:
    with store.read() as conn:
        return conn.execute(sql).fetchall()


def test_counts_match_the_tables(empty_plant):
    store, counts = empty_plant
    for table, n in counts.items():
        assert rows(store, f"SELECT count(*) FROM {table}")[0][0] == n, table


def test_roles_are_the_domain_roles(empty_plant):
    store, _ = empty_plant
    assert dict((c, (ru, en)) for c, ru, en in rows(store, "SELECT * FROM roles")) == ROLES


def test_vat_table_is_the_pricing_table(empty_plant):
    store, _ = empty_plant
    stored = rows(store, "SELECT valid_from, rate FROM vat_rates ORDER BY valid_from")
    assert tuple(stored) == DEFAULT_VAT_TABLE.entries
    assert stored == [
        (date(2004, 1, 1), Decimal("0.1800")),
        (date(2019, 1, 1), Decimal("0.2000")),
        (date(2026, 1, 1), Decimal("0.2200")),
    ]


def test_materials_have_real_densities_and_prices(empty_plant):
    store, _ = empty_plant
    found = {
        g: (c, d, p, v)
        for g, c, d, p, v in rows(
            store,
            "SELECT m.grade, m.category, m.density_kg_m3, p.price_per_kg, p.valid_from "
            "FROM materials m JOIN material_prices p ON p.material_id = m.id",
        )
    }
    assert len(found) >= 40
    assert len(found) == len(material_grades())
    expected_density = {
        "40Х": 7850, "45": 7850, "09Г2С": 7850, "Ст3сп": 7850, "12Х18Н10Т": 7900, "20Х13": 7670,
        "30ХГСА": 7850, "65Г": 7850, "ШХ15": 7812, "СЧ20": 7200, "ВЧ50": 7100, "Д16Т": 2780,
        "АМг6": 2640, "АД31": 2700, "Л63": 8440, "ЛС59-1": 8450, "БрАЖ9-4": 7600, "М1": 8940,
        "ВТ1-0": 4505, "Капролон ПА6": 1150, "Фторопласт-4": 2200,
    }  # fmt: skip
    for grade, density in expected_density.items():
        assert found[grade][1] == density, grade
    price_ranges = {
        "carbon_steel": (70, 110), "stainless_steel": (350, 600), "aluminium": (300, 450),
        "brass": (700, 1100), "bronze": (700, 1100), "titanium": (2500, 3500),
    }  # fmt: skip
    for grade, (category, _, price, valid_from) in found.items():
        assert valid_from == date(2026, 1, 1)  # default: 1 January of `now`
        if category in price_ranges:
            low, high = price_ranges[category]
            assert low <= price <= high, grade


def test_payment_terms_templates_have_steps_summing_to_100(empty_plant):
    store, _ = empty_plant
    sums = rows(
        store,
        "SELECT t.name, sum(s.pct), count(*) FROM payment_terms_templates t "
        "JOIN payment_terms_template_steps s ON s.template_id = t.id GROUP BY t.name",
    )
    assert len(sums) == len(payment_terms()) >= 4
    assert all(total == 100 for _, total, _ in sums)
    names = {name for name, _, _ in sums}
    assert {
        "100% предоплата",
        "50% предоплата, 50% в течение 5 дней после отгрузки",
        "30% аванс, 70% по факту поставки + 10 дней",
        "Отсрочка 30 дней после поставки",
    } <= names
    steps = rows(
        store,
        "SELECT s.pct, s.base_event, s.offset_days FROM payment_terms_templates t "
        "JOIN payment_terms_template_steps s ON s.template_id = t.id "
        "WHERE t.name = '50% предоплата, 50% в течение 5 дней после отгрузки' ORDER BY s.step_no",
    )
    assert steps == [(Decimal("50.00"), "agreed", 5), (Decimal("50.00"), "shipped", 5)]


def test_lead_sources_and_settings(empty_plant):
    store, _ = empty_plant
    sources = dict(rows(store, "SELECT code, name FROM lead_sources"))
    assert len(sources) >= 8
    assert {"website", "exhibition", "referral", "tender", "cold_call", "repeat"} <= set(sources)
    settings = dict(rows(store, "SELECT key, value FROM plant_settings"))
    assert settings["demo"] == "false"
    assert settings["plant_name"]
    from zakaz.inn import inn_error

    assert inn_error(settings["plant_inn"]) is None  # the bank import tells in from out by it


def test_exactly_one_user_the_admin_whose_password_verifies(empty_plant):
    store, _ = empty_plant
    users = rows(store, "SELECT login, email, role, password_hash, created_at FROM users")
    assert len(users) == 1
    login, email, role, password_hash, created_at = users[0]
    assert (login, email, role, created_at) == ("admin", "admin@zakaz.local", "admin", NOW)
    assert password_hash.startswith("$argon2")
    assert verify_password(password_hash, "s3cret-Pass")
    assert not verify_password(password_hash, "admin")
    audit = rows(store, "SELECT entity, action, new_value FROM audit_log")
    assert audit == [("user", "insert", "admin")]

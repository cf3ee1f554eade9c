"""The demo plant at scale 1: volumes, consistency of the process and the money, determinism."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

import duckdb
import polars as pl
import pytest

from pricing import price_lines, price_orders, resolve_vat_rate
from zakaz.demo import DEMO_USERS
from zakaz.domain import MAIN_PATH, OPEN_STATUSES, ROLES, STATUSES
from zakaz.inn import is_valid_inn
from zakaz.passwords import verify_password

CENT = Decimal("0.01")


# --- volumes -------------------------------------------------------------------------------------


def test_counts_are_the_table_sizes(plant):
    for table, n in plant.counts.items():
        assert plant.value(f"SELECT count(*) FROM {table}") == n, table


@pytest.mark.parametrize(
    ("table", "minimum"),
    [
        ("customers", 150), ("materials", 40), ("products", 200), ("orders", 1500),
        ("order_lines", 6000), ("quotes", 500), ("shipments", 300), ("payments", 500),
        ("lead_sources", 8), ("customer_contacts", 150), ("status_events", 1500),
        ("procurement_records", 1000), ("order_expenses", 1000), ("tasks", 1500),
        ("payment_steps", 500), ("invoices", 500),
    ],
)  # fmt: skip
def test_volumes_at_scale_1(plant, table, minimum):
    assert plant.counts[table] >= minimum


def test_outbox_empty_and_one_audit_row_for_the_demo_load(plant):
    assert plant.counts["notification_outbox"] == 0
    assert plant.rows("SELECT entity, action FROM audit_log ORDER BY id") == [
        ("user", "insert"),
        ("plant", "insert"),
    ]
    settings = dict(plant.rows("SELECT key, value FROM plant_settings"))
    assert settings["demo"] == "true"
    assert settings["demo_as_of"] == plant.as_of.isoformat()


def test_users_of_every_role_with_heads(plant):
    users = plant.rows("SELECT login, email, role, is_head, password_hash FROM users")
    by_role = defaultdict(list)
    for login, email, role, head, _ in users:
        assert email == f"{login}@zakaz.local"
        assert re.fullmatch(r"[a-z]+", login)
        by_role[role].append(head)
    assert set(by_role) == set(ROLES)
    assert len(by_role["sales"]) >= 7 and sum(by_role["sales"]) == 1  # 6 managers + the head
    for role in ("procurement", "production", "logistics", "finance"):
        assert sum(by_role[role]) == 1, role
    assert len(by_role["admin"]) == 1
    hashes = {login: h for login, _, _, _, h in users}
    assert verify_password(hashes["admin"], "admin")
    for user in DEMO_USERS[:2] + DEMO_USERS[-2:]:  # argon2 is slow on purpose: spot checks
        assert verify_password(hashes[user.login], "demo")


def test_lines_per_order_and_their_mix(plant):
    per_order = dict(plant.rows("SELECT order_id, count(*) FROM order_lines GROUP BY 1"))
    assert len(per_order) == plant.counts["orders"]
    assert set(per_order.values()) == set(range(1, 9))
    catalog, fixed, overridden, total = plant.rows(
        "SELECT count(product_id), count(fixed_unit_price), count(price_per_kg), count(*) "
        "FROM order_lines"
    )[0]
    assert 0.62 < catalog / total < 0.78
    assert 0.03 < fixed / total < 0.10
    assert 0 < overridden / total < 0.05
    quantities = plant.rows(
        "SELECT min(quantity), max(quantity), median(quantity) FROM order_lines"
    )
    assert quantities[0][0] == 1 and quantities[0][1] <= 500 and quantities[0][2] <= 20
    surcharges = dict(plant.rows("SELECT name, count(*) FROM order_line_surcharges GROUP BY 1"))
    assert {"термообработка", "покрытие", "срочность"} <= set(surcharges)


def test_products_look_like_a_catalog(plant):
    rows = plant.rows(
        "SELECT drawing_no, blank_shape, default_complexity, characteristics, diameter_mm, "
        "length_mm FROM products"
    )
    assert all(re.fullmatch(r"ВЗ-\d{4,5}\.\d{2}\.\d{3}", r[0]) for r in rows)
    assert {r[1] for r in rows} == {"round", "hex", "sheet", "tube", "weight"}
    assert all(1.2 <= r[2] <= 4.0 for r in rows)
    assert all(r[3].startswith("{") for r in rows)
    for _, shape, _, _, diameter, length in rows:
        if shape == "round":
            assert 8 <= diameter <= 800 and length > 0
            assert diameter == diameter.quantize(diameter.__class__("0.001"))


def test_material_price_history_trends_up(plant):
    history = defaultdict(list)
    for material, day, price in plant.rows(
        "SELECT material_id, valid_from, price_per_kg FROM material_prices ORDER BY 1, 2"
    ):
        history[material].append((day, price))
    assert len(history) == plant.counts["materials"]
    for prices in history.values():
        assert 4 <= len(prices) <= 7  # the reference price + 3-6 changes
    first = sum(p[0][1] for p in history.values())
    last = sum(p[-1][1] for p in history.values())
    assert 1.02 < last / first < 1.25


def test_customers_have_valid_inn_kpp_and_contacts(plant):
    customers = plant.rows("SELECT inn, kpp, name, address, lead_source_id FROM customers")
    assert all(is_valid_inn(inn) for inn, *_ in customers)
    assert len({inn for inn, *_ in customers}) == len(customers)
    assert all(kpp[:4] == inn[:4] and len(kpp) == 9 for inn, kpp, *_ in customers)
    assert len({inn[:2] for inn, *_ in customers}) >= 10  # varied regions
    assert all(re.match(r"(ООО|АО|ПАО) «.+»$", name) for _, _, name, _, _ in customers)
    assert all("г. " in address for *_, address, _ in customers)
    assert all(source is not None for *_, source in customers)
    contacts = dict(plant.rows("SELECT customer_id, count(*) FROM customer_contacts GROUP BY 1"))
    assert len(contacts) == len(customers) and set(contacts.values()) <= {1, 2, 3}


# --- orders and the process ----------------------------------------------------------------------


def test_every_status_is_present(plant):
    statuses = dict(plant.rows("SELECT status, count(*) FROM orders GROUP BY 1"))
    assert set(statuses) == set(STATUSES)
    cancelled = statuses["cancelled"] / plant.counts["orders"]
    assert 0.1 < cancelled < 0.3


def test_old_orders_are_finished_and_new_ones_early(plant):
    rows = plant.rows(
        "SELECT status, need_date FROM orders WHERE need_date < ? OR need_date > ?",
        [plant.as_of - timedelta(days=240), plant.as_of - timedelta(days=20)],
    )
    old = Counter(s for s, d in rows if d < plant.as_of - timedelta(days=240))
    new = Counter(s for s, d in rows if d > plant.as_of - timedelta(days=20))
    assert (old["closed"] + old["delivered"] + old["cancelled"]) / sum(old.values()) > 0.95
    early = ("need", "costing", "quote_sent", "agreed", "cancelled")
    assert sum(new[s] for s in early) / sum(new.values()) > 0.9


def test_order_numbers_and_dates(plant):
    rows = plant.rows(
        "SELECT number, need_date, quote_sent_date, agreed_date, planned_shipment_date, "
        "actual_shipment_date, delivered_date, closed_date, cancelled_date, cancel_reason, status "
        "FROM orders"
    )
    assert len({r[0] for r in rows}) == len(rows)
    as_of = plant.as_of
    assert min(r[1] for r in rows) >= as_of - timedelta(days=400)
    assert max(r[1] for r in rows) <= as_of
    for (
        number,
        need,
        quoted,
        agreed,
        planned,
        shipped,
        delivered,
        closed,
        cancelled,
        reason,
        st,
    ) in rows:
        assert re.fullmatch(rf"З-{need.year}-\d{{4,}}", number)
        chain = [d for d in (need, quoted, agreed, shipped, delivered, closed) if d is not None]
        assert chain == sorted(chain) and chain[-1] <= as_of
        assert (planned is not None) == (agreed is not None)
        assert (cancelled is not None) == (reason is not None) == (st == "cancelled")
        if st == "closed":
            assert None not in (quoted, agreed, shipped, delivered, closed)


NEXT = dict(pairwise(MAIN_PATH))
MOVERS = {
    **{s: {"sales"} for s in ("need", "costing", "quote_sent", "agreed", "procurement")},
    "cancelled": {"sales"},
    "production": {"procurement"},
    "ready_to_ship": {"production"},
    "shipped": {"logistics"},
    "delivered": {"logistics"},
    "closed": {"finance", "sales"},
}


def test_status_events_form_a_valid_chain(plant):
    roles = dict(plant.rows("SELECT id, role FROM users"))
    current = dict(plant.rows("SELECT id, status FROM orders"))
    chains = defaultdict(list)
    for order_id, frm, to, at, by in plant.rows(
        "SELECT order_id, from_status, to_status, changed_at, changed_by FROM status_events "
        "ORDER BY order_id, changed_at, id"
    ):
        chains[order_id].append((frm, to, at, by))
    assert set(chains) == set(current)
    revised = 0
    for order_id, chain in chains.items():
        assert chain[0][:2] == (None, "need")
        for (_, prev_to, prev_at, _), (frm, to, at, _) in pairwise(chain):
            assert frm == prev_to and at > prev_at
            assert (
                to == NEXT.get(frm)
                or (frm, to) == ("quote_sent", "costing")
                or (to == "cancelled" and frm in OPEN_STATUSES)
            ), (order_id, frm, to)
            revised += (frm, to) == ("quote_sent", "costing")
        for _, to, at, by in chain:
            assert roles[by] in MOVERS[to] | {"leadership", "admin"}, (order_id, to, roles[by])
            assert at.date() <= plant.as_of and at.weekday() < 5 and at.hour >= 9
        assert chain[-1][1] == current[order_id]
    assert revised >= 100


def test_order_dates_match_their_events(plant):
    mismatches = plant.value(
        """
        WITH last AS (
            SELECT order_id, to_status, max(changed_at)::DATE AS day
            FROM status_events GROUP BY ALL
        ), pivoted AS (
            SELECT order_id,
                   max(day) FILTER (WHERE to_status = 'quote_sent') AS quote_sent,
                   max(day) FILTER (WHERE to_status = 'agreed') AS agreed,
                   max(day) FILTER (WHERE to_status = 'shipped') AS shipped,
                   max(day) FILTER (WHERE to_status = 'delivered') AS delivered,
                   max(day) FILTER (WHERE to_status = 'closed') AS closed,
                   max(day) FILTER (WHERE to_status = 'cancelled') AS cancelled
            FROM last GROUP BY 1
        )
        SELECT count(*) FROM orders o JOIN pivoted p ON p.order_id = o.id
        WHERE o.quote_sent_date IS DISTINCT FROM p.quote_sent
           OR o.agreed_date IS DISTINCT FROM p.agreed
           OR o.actual_shipment_date IS DISTINCT FROM p.shipped
           OR o.delivered_date IS DISTINCT FROM p.delivered
           OR o.closed_date IS DISTINCT FROM p.closed
           OR o.cancelled_date IS DISTINCT FROM p.cancelled
        """
    )
    assert mismatches == 0


def test_lead_sources_and_managers_spread(plant):
    assert plant.value("SELECT count(DISTINCT lead_source_id) FROM orders") >= 8
    managers = plant.rows(
        "SELECT u.login, count(*) FROM orders o JOIN users u ON u.id = o.sales_manager_id "
        "WHERE u.role = 'sales' GROUP BY 1"
    )
    assert len(managers) >= 6


# --- money -----------------------------------------------------------------------------------


def test_money_columns_are_decimal_18_2_and_weights_18_3(plant):
    columns = plant.rows(
        """
        SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'main' AND table_name <> 'schema_version' AND (
              column_name LIKE '%amount%' OR column_name LIKE '%price%' OR column_name LIKE '%cost%'
           OR column_name IN ('net', 'vat', 'total', 'planned', 'actual')
           OR (column_name LIKE 'line\\_%' ESCAPE '\\'
               AND column_name NOT IN ('line_no', 'line_id'))
           OR column_name LIKE '%weight%' OR column_name LIKE '%mass%')
        """
    )
    assert len(columns) >= 25
    for table, column, dtype in columns:
        weight = "weight" in column or "mass" in column
        assert dtype == ("DECIMAL(18,3)" if weight else "DECIMAL(18,2)"), (table, column, dtype)


def _order_totals(plant) -> pl.DataFrame:
    """Recompute every agreed order's totals from the stored inputs with the pricing library."""
    with plant.store.read() as conn:
        lines = conn.sql(
            """
            SELECT l.id AS line_id, l.order_id, l.quantity::BIGINT AS quantity, m.density_kg_m3,
                   coalesce(l.price_per_kg, mp.price_per_kg) AS price_per_kg,
                   l.blank_shape AS shape, l.diameter_mm, l.across_flats_mm, l.outer_diameter_mm,
                   l.wall_mm, l.length_mm, l.width_mm, l.thickness_mm, l.weight_kg, l.complexity,
                   coalesce(s.total, 0)::DECIMAL(8,2) AS surcharge_pct_total, l.fixed_unit_price,
                   l.vat_rate, l.planned_shipment_date AS shipment_date
            FROM (SELECT ol.*, o.need_date, o.vat_rate, o.planned_shipment_date
                  FROM order_lines ol JOIN orders o ON o.id = ol.order_id
                  WHERE o.planned_shipment_date IS NOT NULL) l
            JOIN materials m ON m.id = l.material_id
            ASOF JOIN material_prices mp
              ON mp.material_id = l.material_id AND l.need_date >= mp.valid_from
            LEFT JOIN (SELECT line_id, sum(pct) AS total FROM order_line_surcharges GROUP BY 1) s
              ON s.line_id = l.id
            ORDER BY l.id
            """
        ).to_arrow_table()
    priced = price_lines(resolve_vat_rate(pl.from_arrow(lines)))
    no_expenses = pl.DataFrame(
        schema={"order_id": pl.Int64, "category": pl.String, "planned": pl.Decimal(18, 2)}
    )
    return price_orders(priced, no_expenses).select("order_id", "net", "vat", "total")


def test_payment_steps_sum_to_the_priced_order_total(plant):
    totals = {oid: (net, vat, total) for oid, net, vat, total in _order_totals(plant).iter_rows()}
    steps = dict(plant.rows("SELECT order_id, sum(amount) FROM payment_steps GROUP BY 1"))
    agreed = {oid for (oid,) in plant.rows("SELECT id FROM orders WHERE agreed_date IS NOT NULL")}
    assert set(steps) == agreed == set(totals)
    for order_id, amount in steps.items():
        assert amount == totals[order_id][2], order_id
    vat = dict(plant.rows("SELECT order_id, sum(vat_amount) FROM invoices GROUP BY 1"))
    invoiced = dict(plant.rows("SELECT order_id, sum(amount) FROM invoices GROUP BY 1"))
    for order_id, amount in invoiced.items():
        assert amount <= totals[order_id][2]
        if amount == totals[order_id][2]:
            assert vat[order_id] == totals[order_id][1]


def test_step_amounts_are_the_rounded_percentages(plant):
    steps = defaultdict(list)
    for order_id, pct, amount in plant.rows(
        "SELECT order_id, pct, amount FROM payment_steps ORDER BY order_id, step_no"
    ):
        steps[order_id].append((pct, amount))
    for order_id, order_steps in steps.items():
        total = sum(amount for _, amount in order_steps)
        assert sum(pct for pct, _ in order_steps) == 100
        for pct, amount in order_steps[:-1]:
            assert amount == (total * pct / 100).quantize(CENT, ROUND_HALF_UP), order_id


def test_invoices_follow_their_steps(plant):
    rows = plant.rows(
        """
        SELECT i.number, i.amount, s.amount, i.issue_date, i.due_date, o.status
        FROM invoices i JOIN payment_steps s ON s.id = i.payment_step_id
        JOIN orders o ON o.id = i.order_id ORDER BY i.id
        """
    )
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert all(r[1] == r[2] for r in rows)
    assert all(r[3] <= r[4] and r[3] <= plant.as_of for r in rows)
    assert all(r[5] != "cancelled" for r in rows)
    issue_dates = [r[3] for r in rows]
    assert issue_dates == sorted(issue_dates)


def test_payments_never_exceed_their_invoice(plant):
    assert (
        plant.value(
            "SELECT count(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id "
            "WHERE p.amount > i.amount OR p.amount <= 0 OR p.payment_date < i.issue_date "
            "OR p.order_id <> i.order_id"
        )
        == 0
    )
    over = plant.value(
        "SELECT count(*) FROM (SELECT invoice_id, sum(amount) AS paid FROM payments GROUP BY 1) p "
        "JOIN invoices i ON i.id = p.invoice_id WHERE p.paid > i.amount"
    )
    assert over == 0
    assert plant.value("SELECT max(payment_date) FROM payments") <= plant.as_of


def test_payment_behaviour_mix(plant):
    states = dict(
        plant.rows(
            """
            SELECT CASE WHEN paid IS NULL AND i.due_date < ? THEN 'overdue_unpaid'
                        WHEN paid IS NULL THEN 'unpaid'
                        WHEN paid < i.amount THEN 'partial'
                        WHEN last > i.due_date THEN 'late' ELSE 'on_time' END, count(*)
            FROM invoices i LEFT JOIN (SELECT invoice_id, sum(amount) AS paid,
                                              max(payment_date) AS last
                                       FROM payments GROUP BY 1) p ON p.invoice_id = i.id
            GROUP BY 1
            """,
            [plant.as_of],
        )
    )
    assert states["on_time"] > states["late"] > 0
    assert states["partial"] > 0 and states["overdue_unpaid"] > 0 and states["unpaid"] > 0
    sources = dict(plant.rows("SELECT source, count(*) FROM payments GROUP BY 1"))
    assert set(sources) == {"bank", "manual"}
    assert (
        plant.value(
            "SELECT count(*) FROM payments p JOIN customers c ON c.id = p.customer_id "
            "WHERE p.payer_inn <> c.inn OR (p.source = 'bank') <> (p.source_key IS NOT NULL)"
        )
        == 0
    )


def test_closed_orders_are_fully_paid(plant):
    unpaid = plant.rows(
        """
        SELECT o.id FROM orders o
        JOIN (SELECT order_id, sum(amount) AS total FROM payment_steps GROUP BY 1) s
          ON s.order_id = o.id
        LEFT JOIN (SELECT order_id, sum(amount) AS paid FROM payments GROUP BY 1) p
          ON p.order_id = o.id
        WHERE o.status = 'closed' AND coalesce(p.paid, 0) <> s.total
        """
    )
    assert unpaid == []
    assert (
        plant.value(
            "SELECT count(*) FROM orders "
            "WHERE status = 'closed' AND payment_terms_template_id IS NULL"
        )
        == 0
    )


def test_quote_totals_equal_their_lines(plant):
    bad = plant.rows(
        """
        SELECT q.id FROM quotes q JOIN (
            SELECT quote_id, sum(line_net) AS net, sum(line_vat) AS vat, sum(line_total) AS total,
                   bool_and(line_total = line_net + line_vat) AS lines_ok
            FROM quote_lines GROUP BY 1) l ON l.quote_id = q.id
        WHERE q.net <> l.net OR q.vat <> l.vat OR q.total <> l.total OR q.total <> q.net + q.vat
           OR NOT l.lines_ok
        """
    )
    assert bad == []
    assert (
        plant.value(
            "SELECT count(*) FROM quotes WHERE id NOT IN (SELECT quote_id FROM quote_lines)"
        )
        == 0
    )


def test_quote_versions_and_numbers(plant):
    rows = plant.rows(
        "SELECT q.number, q.version, o.number, q.issued_at, q.valid_until FROM quotes q "
        "JOIN orders o ON o.id = q.order_id"
    )
    for quote_no, version, order_no, issued, valid_until in rows:
        assert quote_no == f"КП-{order_no.removeprefix('З-')}/{version}"
        assert valid_until > issued.date()
    versions = Counter(v for _, v, *_ in rows)
    assert versions[2] > 0 and versions[3] > 0
    # The last quote carries the order's current lines (unless a revision is being costed).
    differing = plant.value(
        """
        WITH last AS (SELECT order_id, max(version) AS version FROM quotes GROUP BY 1)
        SELECT count(*) FROM quotes q JOIN last USING (order_id, version)
        JOIN orders o ON o.id = q.order_id
        JOIN quote_lines ql ON ql.quote_id = q.id
        JOIN order_lines l ON l.order_id = q.order_id AND l.line_no = ql.line_no
        WHERE o.status <> 'costing'
          AND (ql.quantity <> l.quantity OR ql.drawing_no <> l.drawing_no)
        """
    )
    assert differing == 0
    quoted = plant.value("SELECT count(*) FROM orders WHERE quote_sent_date IS NOT NULL")
    assert quoted == plant.value("SELECT count(DISTINCT order_id) FROM quotes")


def test_procurement_records_per_line(plant):
    rows = plant.rows(
        """
        SELECT p.status, p.planned_price_per_kg, p.planned_mass_kg, p.actual_material_cost,
               p.actual_mass_kg, p.actual_price_per_kg, p.ordered_date, p.received_date, o.status
        FROM procurement_records p JOIN orders o ON o.id = p.order_id
        """
    )
    expected = plant.value(
        "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE o.status IN ('procurement', 'production', 'ready_to_ship', 'shipped', "
        "'delivered', 'closed')"
    )
    assert len(rows) == expected
    assert {r[0] for r in rows} == {"to_order", "ordered", "received"}
    for (
        status,
        price,
        mass,
        cost,
        actual_mass,
        actual_price,
        ordered,
        received,
        order_status,
    ) in rows:
        planned = price * mass
        if status == "to_order":
            assert cost is None and ordered is None
            continue
        assert ordered is not None and (received is not None) == (status == "received")
        assert planned * Decimal("0.94") <= cost <= planned * Decimal("1.16") + 1
        assert actual_mass >= mass and actual_price > 0
        if order_status != "procurement":
            assert status == "received"


def test_shipments(plant):
    rows = plant.rows(
        "SELECT s.order_id, s.shipped_date, s.delivered_date, s.carrier, s.weight_kg, "
        "s.delivery_cost, o.status, o.actual_shipment_date FROM shipments s "
        "JOIN orders o ON o.id = s.order_id"
    )
    per_order = Counter(r[0] for r in rows)
    assert max(per_order.values()) == 2 and min(per_order.values()) == 1
    assert {"ПЭК", "Деловые Линии", "КИТ"} <= {r[3] for r in rows}
    shipped_orders = plant.value(
        "SELECT count(*) FROM orders WHERE status IN ('shipped', 'delivered', 'closed')"
    )
    assert len({r[0] for r in rows if r[6] in ("shipped", "delivered", "closed")}) == shipped_orders
    for _, shipped, delivered, _, kg, cost, status, actual in rows:
        assert kg > 0 and cost >= 0 and shipped <= plant.as_of
        assert delivered is None or shipped <= delivered <= plant.as_of
        if status in ("shipped", "delivered", "closed"):
            assert shipped <= actual
        if status in ("delivered", "closed"):
            assert delivered is not None


def test_expenses(plant):
    rows = plant.rows(
        "SELECT e.category, e.planned, e.actual, o.status FROM order_expenses e "
        "JOIN orders o ON o.id = e.order_id"
    )
    assert {r[0] for r in rows} == {"production", "logistics", "packaging", "outsourcing", "other"}
    for category, planned, actual, status in rows:
        assert planned >= 0
        finished = status in ("shipped", "delivered", "closed")
        assert (actual is not None) == finished, (category, status)


def test_tasks_follow_the_rules(plant):
    rules = {
        "need": {"need.sales"},
        "quote_sent": {"quote_sent.sales"},
        "agreed": {"agreed.finance", "agreed.procurement"},
        "procurement": {"procurement.procurement"},
        "production": {"production.production"},
        "ready_to_ship": {"ready_to_ship.logistics", "ready_to_ship.finance"},
        "shipped": {"shipped.finance", "shipped.sales"},
        "delivered": {"delivered.sales"},
    }
    made = defaultdict(set)
    for event_id, rule_key in plant.rows(
        "SELECT event_id, rule_key FROM tasks WHERE event_id IS NOT NULL"
    ):
        made[event_id].add(rule_key)
    for event_id, to_status in plant.rows("SELECT id, to_status FROM status_events"):
        assert made.get(event_id, set()) == rules.get(to_status, set()), (event_id, to_status)
    wrong_role = plant.value(
        "SELECT count(*) FROM tasks t JOIN users u ON u.id = t.assignee_id WHERE u.role <> t.role"
    )
    assert wrong_role == 0
    own = plant.value(
        "SELECT count(*) FROM tasks t JOIN orders o ON o.id = t.order_id "
        "WHERE t.rule_key LIKE '%.sales' AND t.assignee_id <> o.sales_manager_id"
    )
    assert own == 0
    states = dict(plant.rows("SELECT state, count(*) FROM tasks GROUP BY 1"))
    assert set(states) == {"open", "done", "cancelled"}
    assert (
        plant.value(
            "SELECT count(*) FROM tasks WHERE state = 'open' AND due_date < ?", [plant.as_of]
        )
        > 0
    )
    assert (
        plant.value(
            "SELECT count(*) FROM tasks WHERE (state = 'open') <> (closed_at IS NULL) "
            "OR closed_at < created_at OR closed_at::DATE > ?",
            [plant.as_of],
        )
        == 0
    )
    assert plant.value("SELECT count(*) FROM tasks WHERE event_id IS NULL") > 0  # by hand


def test_open_tasks_belong_to_the_current_status(plant):
    stale = plant.value(
        """
        SELECT count(*) FROM tasks t JOIN status_events e ON e.id = t.event_id
        JOIN orders o ON o.id = t.order_id
        WHERE t.state = 'open' AND e.to_status <> o.status
        """
    )
    assert stale == 0


def test_no_wall_clock_everything_before_as_of(plant):
    end = datetime.combine(plant.as_of + timedelta(days=1), datetime.min.time())
    for table, column in (
        ("orders", "updated_at"), ("status_events", "changed_at"), ("quotes", "issued_at"),
        ("payments", "created_at"), ("invoices", "created_at"), ("tasks", "created_at"),
        ("shipments", "created_at"), ("procurement_records", "updated_at"),
        ("customers", "created_at"), ("users", "created_at"), ("order_expenses", "created_at"),
        ("audit_log", "logged_at"),
    ):  # fmt: skip
        assert plant.value(f"SELECT max({column}) FROM {table}") < end, table


# --- determinism ---------------------------------------------------------------------------------


def test_same_arguments_give_the_same_plant(plant, plant_builder, tmp_path):
    again = plant_builder(tmp_path / "again")
    assert again.counts == plant.counts
    conn = duckdb.connect()
    conn.execute(f"ATTACH '{plant.store.db_path}' AS a (READ_ONLY)")
    conn.execute(f"ATTACH '{again.store.db_path}' AS b (READ_ONLY)")
    tables = [
        t
        for (t,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'a' "
            "AND table_name <> 'schema_version' ORDER BY 1"
        ).fetchall()
    ]
    assert len(tables) >= 25
    for table in tables:
        columns = [
            f'"{c}"'
            for (c,) in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_catalog = 'a' AND table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
            if not (table == "users" and c == "password_hash")
        ]
        cols = ", ".join(columns)
        for x, y in (("a", "b"), ("b", "a")):
            diff = conn.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM {x}.{table} "
                f"EXCEPT ALL SELECT {cols} FROM {y}.{table})"
            ).fetchone()[0]
            assert diff == 0, table
    hashes = conn.execute(
        "SELECT count(*) FROM a.users x JOIN b.users y USING (id) "
        "WHERE x.password_hash = y.password_hash"
    ).fetchone()[0]
    assert hashes == 0  # salted
    conn.close()

"""build_demo_plant: reference data plus a year of a machine-building plant's work, in one go.

Everything is derived from (scale, as_of, seed): each generator has its own seeded stream and no
wall clock is read, so two builds with the same arguments hold the same rows (only the salted
password hashes differ).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import polars as pl

from ingest.store import Store
from zakaz.demo import (
    catalog,
    customers,
    events,
    expenses,
    orders,
    payments,
    priced,
    process,
    procurement,
    quotes,
    shipments,
    tasks,
    users,
)
from zakaz.demo.context import Context, Reference
from zakaz.demo.load import insert_plant, mark_demo, table_counts
from zakaz.demo.rand import stream
from zakaz.demo.workdays import to_datetime
from zakaz.reference import load_reference_data

# Volumes at scale 1 (materials and lead sources do not scale).
CUSTOMERS = 160
PRODUCTS = 240
ORDERS = 1600


@dataclass(frozen=True)
class DemoSpec:
    scale: int
    as_of: date
    seed: int
    user_password: str


def build_demo_plant(
    store: Store,
    *,
    scale: int = 1,
    as_of: date,
    seed: int = 2026,
    admin_password: str = "admin",
    user_password: str = "demo",
) -> dict[str, int]:
    """Fill a freshly created store with the demo plant in one write transaction; rows per table."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    first_need, go_live = Context.window(as_of)
    setup_us = Context.setup_stamp(go_live)
    with store.write() as tx:
        load_reference_data(
            tx,
            admin_password=admin_password,
            now=to_datetime(setup_us),
            prices_valid_from=date(go_live.year, go_live.month, 1),
        )
        ref = Reference.read(tx)
        admin_id = tx.execute("SELECT id FROM users WHERE login = 'admin'").fetchone()[0]
        next_price_id = tx.execute(
            "SELECT coalesce(max(id), 0) + 1 FROM material_prices"
        ).fetchone()[0]
        frames = plant_frames(
            DemoSpec(scale, as_of, seed, user_password),
            ref,
            admin_id,
            next_price_id,
            first_need,
            setup_us,
        )
        with _no_cyclic_gc():
            insert_plant(tx, frames)
        mark_demo(
            tx, scale=scale, as_of=as_of, seed=seed, admin_id=admin_id, at=to_datetime(setup_us)
        )
        return table_counts(tx)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small objects are made.

    The generators build acyclic data (lists, tuples, slotted records), which reference counting
    frees on its own; left on, the collector re-scans all live objects again and again as they
    pile up, which made --scale 100 about a third slower.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def plant_frames(
    spec: DemoSpec,
    ref: Reference,
    admin_id: int,
    next_price_id: int,
    first_need: date,
    setup_us: int,
) -> Iterator[tuple[str, pl.DataFrame]]:
    """Every generated table as (name, frame), pure (no store access). A generator, so the
    caller can write each frame and let it go before the next is made (scale 100 fits in memory).
    """
    seed, scale = spec.seed, spec.scale
    users_df, staff = users.users_frame(admin_id + 1, spec.user_password, setup_us, admin_id)
    yield "users", users_df
    ctx = Context(
        seed=seed,
        scale=scale,
        as_of=spec.as_of.toordinal(),
        first_need=first_need.toordinal(),
        setup_us=setup_us,
        cal=Context.calendar(spec.as_of),
        staff=staff,
        ref=ref,
    )
    maker = catalog.PartMaker(ref.materials)
    prices = catalog.make_price_list(stream(seed, "prices"), ctx, next_price_id)
    yield "material_prices", prices.frame()
    products = catalog.make_products(stream(seed, "products"), maker, PRODUCTS * scale)
    yield "products", catalog.products_frame(products)
    clients = customers.make_customers(stream(seed, "customers"), ctx, CUSTOMERS * scale)
    yield "customers", customers.customers_frame(clients)
    yield "customer_contacts", customers.contacts_frame(stream(seed, "contacts"), clients)

    order_list, lines, surcharges = orders.make_orders(
        stream(seed, "orders"), ctx, clients, products, maker, prices, ORDERS * scale
    )
    del products
    process.plan_orders(stream(seed, "process"), ctx, order_list)
    yield "orders", orders.orders_frame(order_list)
    yield "order_lines", orders.lines_frame(lines)
    yield "order_line_surcharges", orders.surcharges_frame(surcharges)
    ids = events.event_ids(order_list)
    yield "status_events", events.events_frame(order_list, ids)
    yield "tasks", tasks.tasks_frame(stream(seed, "tasks"), ctx, order_list, ids)
    del ids
    quotes_df, quote_lines_df = quotes.quotes_frames(stream(seed, "quotes"), order_list, lines)
    yield "quotes", quotes_df
    yield "quote_lines", quote_lines_df
    del quotes_df, quote_lines_df

    current = priced.price_current_lines(lines, [o.timeline.vat_bp for o in order_list])
    sums = priced.order_sums(lines, current, len(order_list))
    yield (
        "procurement_records",
        procurement.procurement_frame(stream(seed, "procurement"), ctx, order_list, lines, current),
    )
    shipments_df, freight = shipments.shipments_frame(
        stream(seed, "shipments"), order_list, sums.weight_g
    )
    yield "shipments", shipments_df
    del shipments_df
    treated: dict[str, set[int]] = {}
    for line_id, name in zip(surcharges.line_id, surcharges.name, strict=True):
        treated.setdefault(name, set()).add(line_id - 1)
    yield (
        "order_expenses",
        expenses.expenses_frame(
            stream(seed, "expenses"), order_list, lines, current, sums, freight, treated
        ),
    )
    steps_df, invoices_df, payments_df = payments.payment_frames(
        stream(seed, "payments"), ctx, order_list, sums
    )
    yield "payment_steps", steps_df
    yield "invoices", invoices_df
    yield "payments", payments_df

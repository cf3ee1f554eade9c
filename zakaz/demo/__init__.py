"""The demo plant: a deterministic year of a Russian machine-building plant's orders.

    store.create()
    counts = build_demo_plant(store, scale=1, as_of=date(2026, 11, 28))

One file per job: users, customers, catalog (materials' price list, products), orders (+ lines),
process (each order's timeline), events, quotes, procurement, shipments, payments (plan, invoices,
payments), expenses, tasks; priced.py calls the pricing library; load.py writes the frames.
"""

from zakaz.demo.build import build_demo_plant, plant_frames
from zakaz.demo.users import DEMO_USERS

__all__ = ["DEMO_USERS", "build_demo_plant", "plant_frames"]

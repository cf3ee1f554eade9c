"""Procurement records: one per line of every order that reached procurement."""

from __future__ import annotations

import random

import polars as pl

from pricing import div_half_up
from zakaz.demo.columns import dates, frame, money, stamps, weight
from zakaz.demo.context import Context
from zakaz.demo.orders import Lines, Order
from zakaz.demo.priced import Priced
from zakaz.demo.workdays import stamp, work_minute

SUPPLIERS = {
    "steel": ("ООО «МеталлСервис-Самара»", "АО «Уралсталь-Комплект»", "ООО «СталеПромСнаб»",
              "ООО «Металлобаза № 3»", "ООО «Спецсталь Поволжье»"),
    "stainless_steel": ("ООО «НержМет»", "ООО «Сталь-Инокс»", "ООО «МеталлСервис-Самара»"),
    "casting": ("ООО «Волжское литьё»", "АО «Сызранский литейный завод»", "ООО «ЛитМаш»"),
    "non_ferrous": ("ООО «Цветмет-Ресурс»", "ООО «АлюмТорг»", "ООО «БронзаЛит»"),
    "titanium": ("ООО «ТитанСплав»", "АО «СпецМеталлТитан»"),
    "plastic": ("ООО «ПолимерТехника»", "ООО «Техпласт»"),
}  # fmt: skip
GROUP = {
    "carbon_steel": "steel", "alloy_steel": "steel", "tool_steel": "steel",
    "stainless_steel": "stainless_steel", "cast_iron": "casting", "cast_steel": "casting",
    "aluminium": "non_ferrous", "copper": "non_ferrous", "brass": "non_ferrous",
    "bronze": "non_ferrous", "titanium": "titanium", "plastic": "plastic",
}  # fmt: skip


def procurement_frame(
    rng: random.Random, ctx: Context, orders: list[Order], lines: Lines, priced: Priced
) -> pl.DataFrame:
    """procurement_records: planned from the priced line, actual once the material is ordered."""
    cal, as_of = ctx.cal, ctx.as_of
    cols: dict[str, list] = {k: [] for k in (
        "order_id", "line_id", "material_id", "supplier", "planned_price_per_kg",
        "planned_mass_kg", "actual_price_per_kg", "actual_mass_kg", "actual_material_cost",
        "status", "ordered_date", "received_date", "updated_at", "updated_by",
    )}  # fmt: skip
    for order in orders:
        tl = order.timeline
        started = tl.day_of("procurement")
        if started is None:
            continue
        production = tl.day_of("production")
        for i in range(order.first_line, order.first_line + order.n_lines):
            ordered = cal.add(started, rng.randint(0, 3))
            received = cal.add(ordered, rng.randint(2, 10))
            if production is not None:
                received = min(received, production)
                ordered = min(ordered, received)
                status = "received"
            elif ordered > as_of:
                status = "to_order"
            elif received > as_of:
                status = "ordered"
            else:
                status = "received"
            planned_mass = priced.line_weight_g[i]
            price = mass = cost = None
            if status != "to_order":
                cost = div_half_up(priced.planned_cost[i] * (1000 + rng.randint(-50, 150)), 1000)
                mass = max(1, round(planned_mass * rng.uniform(1.0, 1.06)))
                price = div_half_up(cost * 1000, mass)
            last_day = {"to_order": started, "ordered": ordered, "received": received}[status]
            group = SUPPLIERS[GROUP.get(lines.category[i], "steel")]
            cols["order_id"].append(order.id)
            cols["line_id"].append(i + 1)
            cols["material_id"].append(lines.material_id[i])
            cols["supplier"].append(rng.choice(group) if status != "to_order" else None)
            cols["planned_price_per_kg"].append(lines.price_kop[i])
            cols["planned_mass_kg"].append(planned_mass)
            cols["actual_price_per_kg"].append(price)
            cols["actual_mass_kg"].append(mass)
            cols["actual_material_cost"].append(cost)
            cols["status"].append(status)
            cols["ordered_date"].append(ordered if status != "to_order" else None)
            cols["received_date"].append(received if status == "received" else None)
            cols["updated_at"].append(stamp(last_day, work_minute(rng)))
            cols["updated_by"].append(tl.procurement_id)
    n = len(cols["line_id"])
    return frame(
        {
            "id": list(range(1, n + 1)),
            "order_id": cols["order_id"],
            "line_id": cols["line_id"],
            "material_id": cols["material_id"],
            "supplier": pl.Series(cols["supplier"], dtype=pl.String),
            "planned_price_per_kg": money(cols["planned_price_per_kg"]),
            "planned_mass_kg": weight(cols["planned_mass_kg"]),
            "actual_price_per_kg": money(cols["actual_price_per_kg"]),
            "actual_mass_kg": weight(cols["actual_mass_kg"]),
            "actual_material_cost": money(cols["actual_material_cost"]),
            "status": cols["status"],
            "ordered_date": dates(cols["ordered_date"]),
            "received_date": dates(cols["received_date"]),
            "updated_at": stamps(cols["updated_at"]),
            "updated_by": cols["updated_by"],
        }
    )

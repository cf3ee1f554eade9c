"""Order headers and their lines: who ordered what, when, from which lead source.

Need dates fill the 13 months ending on as_of (a little growth, quieter January and August);
orders get ids in the order their needs were recorded. Lines are ~70% catalog products (often the
customer's usual ones) and the rest parts made to the customer's own drawings.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from zakaz.demo.catalog import DIM_KEYS, Part, PartMaker, PriceList, Product
from zakaz.demo.columns import dates as date_column
from zakaz.demo.columns import dimension, frame, money, scaled, stamps, weight
from zakaz.demo.context import Context
from zakaz.demo.customers import Customer
from zakaz.demo.names import CITIES, City, address
from zakaz.demo.workdays import stamp, work_minute

LINES_PER_ORDER = (1, 2, 3, 4, 5, 6, 7, 8)
LINES_WEIGHTS = (12, 15, 15, 15, 13, 12, 10, 8)
ESKD_CLASSES = ("711", "712", "713", "714", "715", "721", "731", "741", "745", "753", "758")
COATING_PCT = (5, 8, 10, 12, 15)
ORDER_COMMENTS = (
    "Приёмка ОТК заказчика", "Сертификаты на материал обязательны", "Упаковка в деревянные ящики",
    "Маркировка по ТЗ заказчика", "Доставка до склада заказчика", "Согласовать образец до запуска",
    "Заказчик просит отгрузку двумя партиями", "Паспорт на изделие", "Консервация по ГОСТ 9.014",
)  # fmt: skip


@dataclass(slots=True)
class Order:
    id: int
    number: str
    customer: Customer
    manager_id: int
    lead_source_id: int
    need_day: int
    need_us: int
    delivery_address: str
    delivery_city: City
    comment: str | None
    urgent: bool
    explicit_vat_bp: int | None
    first_line: int  # index of the order's first line in Lines
    n_lines: int
    blank_kg: float  # estimate of the blanks' mass, for durations and freight
    timeline: object = None  # process.Timeline, set by the process step


@dataclass
class Lines:
    """Order lines as columns (index i is line id i + 1)."""

    order_id: list[int] = field(default_factory=list)
    line_no: list[int] = field(default_factory=list)
    product_id: list[int | None] = field(default_factory=list)
    drawing_no: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    material_id: list[int] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    grade: list[str] = field(default_factory=list)
    density_milli: list[int] = field(default_factory=list)
    price_override: list[int | None] = field(default_factory=list)  # kopecks per kg, stored
    price_kop: list[int] = field(default_factory=list)  # effective price per kg
    shape: list[str] = field(default_factory=list)
    dims: dict[str, list[int | None]] = field(default_factory=lambda: {k: [] for k in DIM_KEYS})
    weight_g: list[int | None] = field(default_factory=list)
    quantity: list[int] = field(default_factory=list)
    complexity_milli: list[int] = field(default_factory=list)
    fixed_kop: list[int | None] = field(default_factory=list)
    surcharge_centi: list[int] = field(default_factory=list)  # sum of the line's surcharges
    approx_kg: list[float] = field(default_factory=list)  # unit blank mass estimate

    def __len__(self) -> int:
        return len(self.order_id)


@dataclass
class Surcharges:
    line_id: list[int] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    pct_centi: list[int] = field(default_factory=list)


def _need_days(rng: random.Random, ctx: Context, count: int) -> list[tuple[int, int]]:
    """(day, minute) of every need, sorted: a little growth over the year, seasonal dips."""
    days = ctx.cal.between(ctx.first_need, ctx.as_of)
    span = max(1, days[-1] - days[0])
    season = {1: 0.7, 5: 0.9, 7: 0.9, 8: 0.8, 12: 1.1}
    weights = [
        (0.85 + 0.3 * (d - days[0]) / span) * season.get(date.fromordinal(d).month, 1.0)
        for d in days
    ]
    picked = sorted(rng.choices(days, weights=weights, k=count))
    return sorted((d, work_minute(rng)) for d in picked)


def _numbers(ctx: Context, days: list[int]) -> list[str]:
    """З-<year>-<seq>: the sequence continues the year's earlier (pre-demo) orders."""
    first = date.fromordinal(days[0]) if days else date.fromordinal(ctx.first_need)
    per_day = len(days) / max(1, ctx.as_of - ctx.first_need)
    earlier = round(per_day * (first - date(first.year, 1, 1)).days)
    counters: dict[int, int] = {first.year: earlier}
    out = []
    for d in days:
        year = date.fromordinal(d).year
        counters[year] = counters.get(year, 0) + 1
        out.append(f"З-{year}-{counters[year]:04d}")
    return out


class _CustomerPicker:
    """Draws customers by weight among those who already exist on the need day."""

    def __init__(self, customers: list[Customer]) -> None:
        self.customers = customers
        self.since = [c.since for c in customers]
        self.cum = list(itertools.accumulate(c.weight for c in customers))

    def pick(self, rng: random.Random, day: int) -> Customer:
        k = max(1, bisect.bisect_right(self.since, day))
        i = bisect.bisect_right(self.cum, rng.random() * self.cum[k - 1])
        return self.customers[min(i, k - 1)]


def make_orders(
    rng: random.Random,
    ctx: Context,
    customers: list[Customer],
    products: list[Product],
    maker: PartMaker,
    prices: PriceList,
    count: int,
) -> tuple[list[Order], Lines, Surcharges]:
    needs = _need_days(rng, ctx, count)
    numbers = _numbers(ctx, [d for d, _ in needs])
    picker = _CustomerPicker(customers)
    active = [p for p in products if p.is_active]
    by_id = {p.id: p for p in active}
    sales = ctx.staff.of("sales")
    sources = ctx.ref.lead_sources
    repeat = sources.get("repeat")
    other_sources = list(sources.values())
    seen: set[int] = set()
    lines, surcharges = Lines(), Surcharges()
    orders: list[Order] = []
    for oid, ((day, minute), number) in enumerate(zip(needs, numbers, strict=True), start=1):
        customer = picker.pick(rng, day)
        manager = customer.manager_id if rng.random() < 0.85 else rng.choice(sales)
        first_time = customer.id not in seen
        seen.add(customer.id)
        r = rng.random()
        if repeat and not first_time and r < 0.55:
            source = repeat
        elif repeat and first_time and customer.since < ctx.first_need and r < 0.65:
            source = repeat
        elif r > 0.92:
            source = rng.choice(other_sources)
        else:
            source = customer.lead_source_id
        if rng.random() < 0.85:
            city, delivery = customer.city, customer.address
        else:
            city = rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]
            delivery = address(rng, city)
        urgent = rng.random() < 0.06
        explicit_vat = 0 if rng.random() < 0.01 else None
        comment = rng.choice(ORDER_COMMENTS) if rng.random() < 0.12 else None
        if explicit_vat is not None:
            comment = "Экспорт в Республику Казахстан (ЕАЭС): ставка НДС 0%"
        order = Order(
            id=oid,
            number=number,
            customer=customer,
            manager_id=manager,
            lead_source_id=source,
            need_day=day,
            need_us=stamp(day, minute),
            delivery_address=delivery,
            delivery_city=city,
            comment=comment,
            urgent=urgent,
            explicit_vat_bp=explicit_vat,
            first_line=len(lines),
            n_lines=rng.choices(LINES_PER_ORDER, weights=LINES_WEIGHTS)[0],
            blank_kg=0.0,
        )
        for line_no in range(1, order.n_lines + 1):
            _add_line(rng, order, line_no, active, by_id, maker, prices, lines, surcharges)
        orders.append(order)
    return orders, lines, surcharges


def _pick_part(
    rng: random.Random,
    customer: Customer,
    active: list[Product],
    by_id: dict[int, Product],
    maker: PartMaker,
) -> tuple[int | None, str, Part, int]:
    """(product_id, drawing_no, part, complexity in thousandths)."""
    if active and rng.random() < 0.7:
        if not customer.favourites:
            customer.favourites = [
                p.id for p in rng.sample(active, min(len(active), rng.randint(3, 12)))
            ]
        if rng.random() < 0.65:
            product = by_id[rng.choice(customer.favourites)]
        else:
            product = rng.choice(active)
        k = product.part.complexity_milli
        if rng.random() < 0.15:
            k = max(1000, round(k * rng.uniform(0.9, 1.2) / 50) * 50)
        return product.id, product.drawing_no, product.part, k
    if customer.own_parts and rng.random() < 0.35:
        drawing, part = rng.choice(customer.own_parts)
    else:
        part = maker.make(rng)
        cls = f"{rng.choice(ESKD_CLASSES)}{rng.randint(0, 999):03d}"
        drawing = f"{customer.code}.{cls}.{rng.randint(1, 99):03d}"
        customer.own_parts.append((drawing, part))
    return None, drawing, part, part.complexity_milli


def _quantity(rng: random.Random, unit_kg: float, unit_rubles: float) -> int:
    """Pieces: mostly a few, sometimes hundreds; heavy parts in ones and twos, cheap small
    parts in batches."""
    limit = 500 if unit_kg < 2 else 300 if unit_kg < 10 else 100 if unit_kg < 50 else 20
    if unit_kg >= 200:
        limit = 6
    q = round(math.exp(rng.random() ** 1.3 * math.log(limit)))
    if unit_rubles < 300 and q < 20:
        q = rng.randint(20, 200)
    if q > 100:
        q = round(q / 10) * 10
    elif q > 50:
        q = round(q / 5) * 5
    return max(1, min(q, 500))


def _add_line(
    rng: random.Random,
    order: Order,
    line_no: int,
    active: list[Product],
    by_id: dict[int, Product],
    maker: PartMaker,
    prices: PriceList,
    lines: Lines,
    surcharges: Surcharges,
) -> None:
    line_id = len(lines) + 1
    product_id, drawing, part, k = _pick_part(rng, order.customer, active, by_id, maker)
    list_price = prices.on(part.material.id, order.need_day)
    override = None
    if rng.random() < 0.02:
        override = max(100, round(list_price * rng.uniform(0.9, 0.98) / 10) * 10)
    price = override or list_price
    unit_rubles = part.approx_kg * price / 100 * k / 1000
    qty = _quantity(rng, part.approx_kg, unit_rubles)

    extra: list[tuple[str, int]] = []
    steel = part.material.category in ("carbon_steel", "alloy_steel", "tool_steel", "cast_steel")
    if ("heat_treatment" in part.characteristics and rng.random() < 0.7) or (
        steel and rng.random() < 0.04
    ):
        extra.append(("термообработка", 1000))
    if ("coating" in part.characteristics and rng.random() < 0.75) or rng.random() < 0.03:
        extra.append(("покрытие", rng.choice(COATING_PCT) * 100))
    if order.urgent:
        extra.append(("срочность", 2000))
    if qty <= 2 and rng.random() < 0.15:
        extra.append(("малая партия", 1500))
    s_total = sum(p for _, p in extra)
    for name, pct in extra:
        surcharges.line_id.append(line_id)
        surcharges.name.append(name)
        surcharges.pct_centi.append(pct)

    fixed = None
    if rng.random() < 0.05 or (unit_rubles < 100 and rng.random() < 0.3):
        estimate = unit_rubles * (1 + s_total / 10000)
        rubles = max(50.0, estimate * rng.uniform(0.9, 1.0))
        step = 100 if rubles > 5000 else 10
        fixed = max(50, round(rubles / step) * step) * 100

    lines.order_id.append(order.id)
    lines.line_no.append(line_no)
    lines.product_id.append(product_id)
    lines.drawing_no.append(drawing)
    lines.name.append(part.name)
    lines.material_id.append(part.material.id)
    lines.category.append(part.material.category)
    lines.grade.append(part.material.grade)
    lines.density_milli.append(part.material.density_milli)
    lines.price_override.append(override)
    lines.price_kop.append(price)
    lines.shape.append(part.shape)
    for key in DIM_KEYS:
        lines.dims[key].append(part.dims.get(key))
    lines.weight_g.append(part.weight_g)
    lines.quantity.append(qty)
    lines.complexity_milli.append(k)
    lines.fixed_kop.append(fixed)
    lines.surcharge_centi.append(s_total)
    lines.approx_kg.append(part.approx_kg)
    order.blank_kg += part.approx_kg * qty


def lines_frame(lines: Lines) -> pl.DataFrame:
    """order_lines as stored (the price per kg only where a line overrides the price list)."""
    return frame(
        {
            "id": list(range(1, len(lines) + 1)),
            "order_id": lines.order_id,
            "line_no": lines.line_no,
            "product_id": pl.Series(lines.product_id, dtype=pl.Int64),
            "drawing_no": lines.drawing_no,
            "name": lines.name,
            "material_id": lines.material_id,
            "price_per_kg": money(lines.price_override),
            "blank_shape": lines.shape,
            **{key: dimension(lines.dims[key]) for key in DIM_KEYS},
            "weight_kg": weight(lines.weight_g),
            "quantity": lines.quantity,
            "complexity": scaled(lines.complexity_milli, 3, 8),
            "fixed_unit_price": money(lines.fixed_kop),
        }
    )


def surcharges_frame(surcharges: Surcharges) -> pl.DataFrame:
    return frame(
        {
            "line_id": surcharges.line_id,
            "name": surcharges.name,
            "pct": scaled(surcharges.pct_centi, 2, 8),
        }
    )


def orders_frame(orders: list[Order]) -> pl.DataFrame:
    """orders with their process columns (status, dates, managers) from each order's timeline."""
    tls = [o.timeline for o in orders]
    return frame(
        {
            "id": [o.id for o in orders],
            "number": [o.number for o in orders],
            "customer_id": [o.customer.id for o in orders],
            "lead_source_id": [o.lead_source_id for o in orders],
            "sales_manager_id": [o.manager_id for o in orders],
            "procurement_manager_id": pl.Series([t.procurement_id for t in tls], dtype=pl.Int64),
            "logistics_manager_id": pl.Series([t.logistics_id for t in tls], dtype=pl.Int64),
            "status": [t.status for t in tls],
            "need_date": date_column([o.need_day for o in orders]),
            "quote_sent_date": date_column([t.day_of("quote_sent") for t in tls]),
            "agreed_date": date_column([t.day_of("agreed") for t in tls]),
            "planned_shipment_date": date_column([t.planned_ship for t in tls]),
            "actual_shipment_date": date_column([t.day_of("shipped") for t in tls]),
            "delivered_date": date_column([t.day_of("delivered") for t in tls]),
            "closed_date": date_column([t.day_of("closed") for t in tls]),
            "cancelled_date": date_column([t.day_of("cancelled") for t in tls]),
            "cancel_reason": pl.Series([t.cancel_reason for t in tls], dtype=pl.String),
            "vat_rate": scaled([o.explicit_vat_bp for o in orders], 4, 6),
            "payment_terms_template_id": pl.Series(
                [t.template.id if t.template else None for t in tls], dtype=pl.Int64
            ),
            "delivery_address": [o.delivery_address for o in orders],
            "comment": pl.Series([o.comment for o in orders], dtype=pl.String),
            "created_at": stamps([o.need_us for o in orders]),
            "created_by": [o.manager_id for o in orders],
            "updated_at": stamps([t.events[-1].us for t in tls]),
            "updated_by": [t.events[-1].user for t in tls],
            "version": [len(t.events) for t in tls],
        }
    )

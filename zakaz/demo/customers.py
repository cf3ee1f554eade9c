"""Customers (legal entities with a valid ИНН) and their contact people."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import polars as pl

from zakaz.demo.catalog import Part
from zakaz.demo.columns import frame, stamps
from zakaz.demo.context import Context
from zakaz.demo.names import (
    CITIES,
    CONTACT_POSITIONS,
    City,
    address,
    city_phone,
    company_name,
    mobile_phone,
    person,
    translit,
)
from zakaz.demo.workdays import stamp, work_minute
from zakaz.inn import make_org_inn

# How customers first came to the plant (a customer never *starts* as a repeat customer).
FIRST_CONTACT_WEIGHTS = {
    "website": 20, "exhibition": 10, "referral": 14, "tender": 12, "cold_call": 8,
    "marketplace": 6, "partner": 8, "email": 5, "context_ads": 10,
}  # fmt: skip

# Payment terms a customer usually agrees to, by payment discipline.
TERMS_BY_PAYER = {
    "big": {"deferral_30": 3, "deferral_60": 1, "advance_30_delivery_70": 3,
            "advance_50_delivery_50": 1.5, "prepay_50_ship_50": 1.5},
    "good": {"prepay_50_ship_50": 3.5, "advance_30_delivery_70": 2, "advance_50_delivery_50": 1.5,
             "ship_100": 1, "prepay_70_ship_30": 1, "deferral_30": 1},
    "ok": {"prepay_50_ship_50": 3.5, "prepay_70_ship_30": 2.5, "prepay_100": 2,
           "advance_30_delivery_70": 2},
    "poor": {"prepay_100": 6, "prepay_70_ship_30": 4},
}  # fmt: skip


@dataclass
class Customer:
    id: int
    name: str
    inn: str
    kpp: str
    city: City
    address: str
    phone: str
    email: str
    domain: str
    code: str  # prefix of the customer's own drawing numbers
    lead_source_id: int
    since: int  # ordinal: first day the customer may have a need
    created_us: int
    manager_id: int
    weight: float  # how often the customer orders
    payer: str  # good | ok | poor
    terms: dict[str, float]  # template code -> weight
    favourites: list[int] = field(default_factory=list)  # product ids, drawn on first use
    own_parts: list[tuple[str, Part]] = field(default_factory=list)  # (drawing_no, part)


def make_customers(rng: random.Random, ctx: Context, count: int) -> list[Customer]:
    """Customers sorted by the day they may first order (old customers first)."""
    sources = [c for c in FIRST_CONTACT_WEIGHTS if c in ctx.ref.lead_sources]
    source_weights = [FIRST_CONTACT_WEIGHTS[c] for c in sources]
    sales = ctx.staff.of("sales")
    manager_weights = [0.4 if u == ctx.staff.heads.get("sales") else 1.0 for u in sales]
    names: set[str] = set()
    inns: set[str] = set()
    drafts = []
    for _ in range(count):
        city = rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]
        company = company_name(rng, city)
        while company.legal_name in names:
            company = company_name(rng, city)
        names.add(company.legal_name)
        inn = make_org_inn(rng, city.region)
        while inn in inns:
            inn = make_org_inn(rng, city.region)
        inns.add(inn)
        old = rng.random() < 0.6
        if old:
            since = ctx.first_need - rng.randint(60, 5 * 365)
            created = ctx.setup_us + rng.randint(0, 8 * 60) * 60_000_000  # imported at go-live
        else:
            since = ctx.cal.roll(rng.randint(ctx.first_need, ctx.as_of - 20))
            created = stamp(since, work_minute(rng))
        weight = rng.lognormvariate(0, 1.0) * (1.5 if old else 1.0)
        payer = rng.choices(("good", "ok", "poor"), weights=(65, 25, 10))[0]
        drafts.append((since, created, company, city, inn, weight, payer))
    drafts.sort(key=lambda d: (d[0], d[1], d[4]))
    big_cut = sorted(d[5] for d in drafts)[int(len(drafts) * 0.85)] if drafts else 0
    customers = []
    for i, (since, created, company, city, inn, weight, payer) in enumerate(drafts, start=1):
        profile = "big" if payer == "good" and weight >= big_cut else payer
        terms = {c: w for c, w in TERMS_BY_PAYER[profile].items() if c in ctx.ref.templates}
        mailbox = rng.choice(("info", "info", "zakaz", "snab", "office"))
        customers.append(
            Customer(
                id=i,
                name=company.legal_name,
                inn=inn,
                kpp=inn[:4] + "01001",
                city=city,
                address=address(rng, city),
                phone=city_phone(rng, city),
                email=f"{mailbox}@{company.domain}",
                domain=company.domain,
                code=company.code,
                lead_source_id=ctx.ref.lead_sources[rng.choices(sources, source_weights)[0]],
                since=since,
                created_us=created,
                manager_id=rng.choices(sales, weights=manager_weights)[0],
                weight=weight,
                payer=payer,
                terms=terms or {c: 1.0 for c in ctx.ref.templates},
            )
        )
    return customers


def customers_frame(customers: list[Customer]) -> pl.DataFrame:
    return frame(
        {
            "id": [c.id for c in customers],
            "name": [c.name for c in customers],
            "inn": [c.inn for c in customers],
            "kpp": [c.kpp for c in customers],
            "address": [c.address for c in customers],
            "phone": [c.phone for c in customers],
            "email": [c.email for c in customers],
            "lead_source_id": [c.lead_source_id for c in customers],
            "created_at": stamps([c.created_us for c in customers]),
        }
    )


def contacts_frame(rng: random.Random, customers: list[Customer]) -> pl.DataFrame:
    """1-3 contact people per customer."""
    rows = []
    for c in customers:
        positions = rng.sample(CONTACT_POSITIONS, rng.choices((1, 2, 3), weights=(45, 35, 20))[0])
        for position in positions:
            p = person(rng)
            login = f"{translit(p.first_name)[0]}.{translit(p.surname)}"
            rows.append((c.id, p.full_name, position, mobile_phone(rng), f"{login}@{c.domain}"))
    return frame(
        {
            "id": list(range(1, len(rows) + 1)),
            "customer_id": [r[0] for r in rows],
            "full_name": [r[1] for r in rows],
            "position": [r[2] for r in rows],
            "phone": [r[3] for r in rows],
            "email": [r[4] for r in rows],
        }
    )

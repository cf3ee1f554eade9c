"""Carriers, transit times and the shipments of shipped orders (some in two parts)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import polars as pl

from zakaz.demo.columns import dates, frame, money, stamps, weight
from zakaz.demo.names import City
from zakaz.demo.workdays import stamp, work_minute

OWN_TRANSPORT = "Собственный транспорт"
PICKUP = "Самовывоз"
# Days on the road from the plant (Самара) by truck.
TRANSIT_DAYS = {
    "Самара": 0, "Тольятти": 1, "Ульяновск": 1, "Пенза": 2, "Саратов": 2, "Оренбург": 2,
    "Казань": 2, "Набережные Челны": 2, "Уфа": 2, "Ижевск": 3, "Нижний Новгород": 3, "Киров": 4,
    "Пермь": 4, "Москва": 3, "Владимир": 3, "Тула": 3, "Калуга": 4, "Брянск": 4, "Смоленск": 4,
    "Воронеж": 3, "Липецк": 3, "Белгород": 4, "Ярославль": 4, "Волгоград": 3, "Ростов-на-Дону": 4,
    "Санкт-Петербург": 5, "Череповец": 5, "Екатеринбург": 4, "Челябинск": 3, "Магнитогорск": 3,
    "Курган": 4, "Тюмень": 5, "Омск": 6, "Сургут": 7, "Новосибирск": 7, "Новокузнецк": 8,
    "Кемерово": 8, "Барнаул": 8, "Красноярск": 9, "Иркутск": 11,
}  # fmt: skip
CARRIERS = {"ПЭК": 30, "Деловые Линии": 30, "КИТ": 15, "Байкал Сервис": 10}


def transit_days(city: City) -> int:
    return TRANSIT_DAYS.get(city.name, 5)


def choose_carrier(rng: random.Random, city: City) -> tuple[str, int]:
    """(carrier, calendar days from shipment to delivery)."""
    road = transit_days(city)
    if rng.random() < 0.08:
        return PICKUP, 0
    if road <= 2 and rng.random() < 0.6:
        return OWN_TRANSPORT, max(1, road)
    carrier = rng.choices(list(CARRIERS), weights=list(CARRIERS.values()))[0]
    extra = 0 if carrier == "Деловые Линии" else 1
    return carrier, max(1, road) + extra


def waybill(rng: random.Random, carrier: str, day_no: int) -> str | None:
    if carrier == PICKUP:
        return f"ТН-{rng.randint(1, 99999):05d}"
    if carrier == "ПЭК":
        return f"СМРСМР-{rng.randint(1, 9)}/{day_no % 10000:04d}{rng.randint(10, 99)}"
    if carrier == "Деловые Линии":
        return f"{rng.randint(24, 26)}-{rng.randint(10**10, 10**11 - 1):011d}"
    if carrier == "КИТ":
        return f"СМР{rng.randint(10**6, 10**7 - 1)}"
    if carrier == "Байкал Сервис":
        return f"БС-{rng.randint(10**7, 10**8 - 1)}"
    return f"ТТН-{rng.randint(1, 99999):05d}"


def delivery_cost_kop(rng: random.Random, carrier: str, kg: float, road_days: int) -> int:
    """Freight in kopecks (whole rubles): a call-out charge plus a rate per kg by distance."""
    if carrier == PICKUP:
        return 0
    if carrier == OWN_TRANSPORT:
        rubles = 2500 + 1800 * max(1, road_days) + kg * 1.5
    else:
        rubles = 900 + kg * (4.0 + 2.2 * max(1, road_days))
    return round(rubles * rng.uniform(0.9, 1.1)) * 100


@dataclass(slots=True)
class Shipment:
    shipped: int  # ordinal
    delivered: int | None
    share_milli: int  # share of the order's weight
    carrier: str
    road_days: int


def shipments_frame(
    rng: random.Random, orders: list, order_weight_g: list[int]
) -> tuple[pl.DataFrame, dict[int, int]]:
    """(shipments, freight cost per order id in kopecks): one row per shipment of every order;
    the weight is the packed parts' (machining takes metal off the blanks)."""
    cols: dict[str, list] = {k: [] for k in (
        "order_id", "shipment_no", "shipped_date", "carrier", "waybill_no", "weight_kg",
        "delivery_cost", "delivery_address", "delivered_date", "created_at", "created_by",
    )}  # fmt: skip
    freight: dict[int, int] = {}
    for order in orders:
        tl = order.timeline
        for no, s in enumerate(tl.shipments, start=1):
            blanks_g = order_weight_g[order.id - 1] * s.share_milli // 1000
            grams = max(500, round(blanks_g * rng.uniform(0.55, 0.85)))
            cols["order_id"].append(order.id)
            cols["shipment_no"].append(no)
            cols["shipped_date"].append(s.shipped)
            cols["carrier"].append(s.carrier)
            cols["waybill_no"].append(waybill(rng, s.carrier, s.shipped))
            cols["weight_kg"].append(grams)
            cost = delivery_cost_kop(rng, s.carrier, grams / 1000, s.road_days)
            freight[order.id] = freight.get(order.id, 0) + cost
            cols["delivery_cost"].append(cost)
            cols["delivery_address"].append(order.delivery_address)
            cols["delivered_date"].append(s.delivered)
            cols["created_at"].append(stamp(s.shipped, work_minute(rng)))
            cols["created_by"].append(tl.logistics_id)
    n = len(cols["order_id"])
    shipments = frame(
        {
            "id": list(range(1, n + 1)),
            "order_id": cols["order_id"],
            "shipment_no": cols["shipment_no"],
            "shipped_date": dates(cols["shipped_date"]),
            "carrier": cols["carrier"],
            "waybill_no": cols["waybill_no"],
            "weight_kg": weight(cols["weight_kg"]),
            "delivery_cost": money(cols["delivery_cost"]),
            "delivery_address": cols["delivery_address"],
            "delivered_date": dates(cols["delivered_date"]),
            "created_at": stamps(cols["created_at"]),
            "created_by": cols["created_by"],
        }
    )
    return shipments, freight

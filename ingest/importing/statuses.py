"""Status names as people wrote them in their registers -> the status codes of domain.md.

The official Russian names (zakaz.domain.STATUS_NAMES_RU) and the codes always work; the variants
below are what plant spreadsheets actually say. Case, ё and punctuation do not matter
("В производстве", "в производстве.", "ОТГРУЖЕН" ...). A name not listed is a rejected row
(«неизвестный статус»), never a guess.
"""

from __future__ import annotations

import re
from functools import lru_cache

from zakaz.domain import STATUS_NAMES_RU, STATUSES

VARIANTS: dict[str, tuple[str, ...]] = {
    "need": (
        "новый",
        "новая",
        "новое",
        "потребность",
        "заявка",
        "запрос",
        "новая заявка",
        "поступила заявка",
        "new",
        "request",
    ),
    "costing": (
        "расчет",
        "расчёт",
        "в расчете",
        "в расчёте",
        "просчет",
        "на расчете",
        "расчет стоимости",
        "costing",
    ),
    "quote_sent": (
        "кп отправлено",
        "кп",
        "отправлено кп",
        "кп выслано",
        "выставлено кп",
        "отправлено предложение",
        "коммерческое предложение отправлено",
        "quote sent",
        "quoted",
    ),
    "agreed": (
        "согласован",
        "согласовано",
        "согласована",
        "договор подписан",
        "подписан",
        "принят",
        "принят в работу",
        "agreed",
        "accepted",
    ),
    "procurement": (
        "снабжение",
        "закупка",
        "в закупке",
        "закупка материалов",
        "закупка материала",
        "procurement",
        "purchasing",
    ),
    "production": (
        "производство",
        "в производстве",
        "изготовление",
        "в изготовлении",
        "в работе цеха",
        "production",
        "in production",
    ),
    "ready_to_ship": (
        "готов к отгрузке",
        "готово к отгрузке",
        "готов",
        "готово",
        "изготовлен",
        "изготовлено",
        "ready",
        "ready to ship",
    ),
    "shipped": ("отгружен", "отгружено", "отгружена", "shipped"),
    "delivered": ("доставлен", "доставлено", "доставлена", "получен заказчиком", "delivered"),
    "closed": (
        "закрыт",
        "закрыто",
        "закрыта",
        "выполнен",
        "выполнено",
        "завершен",
        "завершён",
        "завершено",
        "closed",
        "done",
        "completed",
    ),
    "cancelled": (
        "отменен",
        "отменён",
        "отменено",
        "отмена",
        "отказ",
        "отказ заказчика",
        "аннулирован",
        "cancelled",
        "canceled",
    ),
}

_PUNCT = re.compile(r"[^\w\s]+")


def status_key(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.casefold().replace("ё", "е")).split())


def _index() -> dict[str, str]:
    index = {status_key(code.replace("_", " ")): code for code in STATUSES}
    index.update({status_key(name): code for code, name in STATUS_NAMES_RU.items()})
    for code, names in VARIANTS.items():
        for name in names:
            key = status_key(name)
            assert index.get(key, code) == code, f"status variant {name!r} is ambiguous"
            index[key] = code
    return index


STATUS_INDEX: dict[str, str] = _index()


@lru_cache(maxsize=4096)
def status_code(text: str) -> str | None:
    """The status code a register's status name means, or None if unknown."""
    return STATUS_INDEX.get(status_key(text))

"""Reading invoice numbers, dates, VAT and sums out of НазначениеПлатежа as people write it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.bank.purpose import invoice_key, read_purpose


def _numbers(text: str) -> list[str]:
    return [ref.number for ref in read_purpose(text).invoices]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Оплата по счету № 142 от 03.03.2026, в т.ч. НДС 22%", ["142"]),
        ("Оплата по счёту №142", ["142"]),
        ("сч. 142", ["142"]),
        ("по сч.142", ["142"]),
        ("ОПЛАТА ПО СЧ 142 ЗА ДЕТАЛИ", ["142"]),
        ("Оплата по счету N142", ["142"]),
        ("Оплата по счету No. 142", ["142"]),
        ("счет №СЧ-2026-0142", ["СЧ-2026-0142"]),
        ("Оплата СЧ-2026-0142 за металлообработку", ["СЧ-2026-0142"]),
        ("по сч.142,143", ["142", "143"]),
        ("Оплата по счетам № 142, 143 и 145", ["142", "143", "145"]),
        ("Оплата по счетам 142; 143", ["142", "143"]),
        ("Оплата по счету 142/1", ["142/1"]),
        ("Оплата по счету на оплату № 77 от 10.11.2026г.", ["77"]),
        ("Оплата по счету от 03.03.2026 № 142 за детали", ["142"]),
        ("Оплата по счёту-договору № 7", ["7"]),
        ("Оплата по счету № 142, 2026 г. Без НДС", ["142"]),
        ("По счету 142 и по счету 142 повторно", ["142"]),
    ],
)
def test_invoice_numbers(text, numbers):
    assert _numbers(text) == numbers


@pytest.mark.parametrize(
    "text",
    [
        "Перечисление на расчетный счет 40702810500000001234",
        "Возврат на р/сч 40702810500000001234",
        "Оплата по счету-фактуре № 55 от 01.03.2026",
        "Оплата по счет-фактуре 55",
        "Оплата по с/ф 55",
        "Оплата по сч/ф 12",
        "Оплата по договору № 15 от 01.01.2026",
        "Оплата по счетчику 123",
        "Пополнение лицевого счета 1234",
        "Оплата по счету",
        "Оплата по счету от 03.03.2026",
        "Зачисление на корр. счет 30101810400000000225",
        "Оплата за детали по заказу З-2026-0142",
        "",
    ],
)
def test_no_invoice_numbers(text):
    assert _numbers(text) == []


def test_a_date_written_with_the_number_belongs_to_it():
    refs = read_purpose("Оплата по счетам № 142 от 03.03.2026 и № 143 от 4.3.26").invoices
    assert [(r.number, r.date) for r in refs] == [
        ("142", date(2026, 3, 3)),
        ("143", date(2026, 3, 4)),
    ]
    (ref,) = read_purpose("по счету от 03.03.2026 № 142").invoices
    assert ref.date == date(2026, 3, 3)
    (ref,) = read_purpose("по счету № 142 от 31.02.2026").invoices  # no such day: no date
    assert ref.date is None


def test_invoice_keys():
    assert invoice_key("0142") == invoice_key("142") == "142"
    assert invoice_key("сч-2026-0142") == invoice_key("СЧ-2026-0142")
    assert invoice_key("CЧ-2026-0142") == "СЧ-2026-0142"  # a Latin C typed for the Cyrillic one
    assert invoice_key("№ 142") == "142"
    assert invoice_key("0") == "0"


def test_vat_dates_and_sums():
    p = read_purpose(
        "Оплата по счету № 1712 от 25.11.2026 за изготовление деталей по заказу З-2026-0992, "
        "в т.ч. НДС 22% — 21 572,54 руб."
    )
    assert p.vat_pct == Decimal("22") and not p.without_vat
    assert p.dates == (date(2026, 11, 25),)
    assert p.amounts == (Decimal("21572.54"),)
    assert read_purpose("Сумма 1000-00 р. НДС не облагается").without_vat
    assert read_purpose("Без НДС").without_vat
    assert read_purpose("НДС (20%) 2057,61 руб.").vat_pct == Decimal("20")

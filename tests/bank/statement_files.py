"""Bank statements made by the tests themselves, as messy as real ones (docs/bank.md).

    text = statement([incoming(...), outgoing(...)], account=PLANT_ACCOUNT)
    data = encode(text, "cp1251")            # CRLF, Windows-1251 like a real 1C export

Every field is text exactly as it will be written; a document is a list of (key, value) pairs so
a test can drop, repeat, misspell or add keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

PLANT_ACCOUNT = "40702810900000012345"
PLANT_INN = "6316019840"  # zakaz/reference/plant_settings.csv
OTHER_ACCOUNT = "40702810100000098765"
BANK_HEADER_EXTRA = (
    ("Отправитель", "Бухгалтерия предприятия, редакция 3.0"),
    ("Получатель", ""),
    ("ДатаСоздания", "28.11.2026"),
    ("ВремяСоздания", "10:15:00"),
)

Fields = list[tuple[str, str]]


def ru_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def incoming(
    number: str,
    day: date,
    amount: str,
    *,
    payer_inn: str | None,
    purpose: str,
    payer_name: str = "ООО «Заказчик»",
    payer_account: str | None = OTHER_ACCOUNT,
    received: date | None = None,
    payee_account: str = PLANT_ACCOUNT,
    payee_inn: str = PLANT_INN,
    extra: Sequence[tuple[str, str]] = (),
) -> Fields:
    """A payment order from a customer to the plant, the keys in 1C's usual order."""
    fields: Fields = [("Номер", number), ("Дата", ru_date(day)), ("Сумма", amount)]
    if payer_account is not None:
        fields.append(("ПлательщикСчет", payer_account))
    fields += [
        ("Плательщик", f"ИНН {payer_inn or ''} {payer_name}".strip()),
        ("ПлательщикИНН", payer_inn or ""),
        ("Плательщик1", payer_name),
        ("ПлательщикБанк1", "ПАО СБЕРБАНК"),
        ("ПлательщикБИК", "043601607"),
        ("ПолучательСчет", payee_account),
        ("Получатель", f"ИНН {payee_inn} АО «ВЗТМ»"),
        ("ПолучательИНН", payee_inn),
        ("Получатель1", "АО «ВЗТМ»"),
        ("ВидОплаты", "01"),
        ("Очередность", "5"),
        ("НазначениеПлатежа", purpose),
        ("ДатаПоступило", ru_date(received or day)),
        *extra,
    ]
    return fields


def outgoing(number: str, day: date, amount: str, *, purpose: str = "Оплата за металл") -> Fields:
    """A payment from the plant to a supplier."""
    return [
        ("Номер", number),
        ("Дата", ru_date(day)),
        ("Сумма", amount),
        ("ПлательщикСчет", PLANT_ACCOUNT),
        ("ПлательщикИНН", PLANT_INN),
        ("Плательщик1", "АО «ВЗТМ»"),
        ("ПолучательСчет", OTHER_ACCOUNT),
        ("ПолучательИНН", "7707083893"),
        ("Получатель1", "ПАО «Металлоторг»"),
        ("НазначениеПлатежа", purpose),
        ("ДатаСписано", ru_date(day)),
    ]


def statement(
    documents: Iterable[Fields | str],
    *,
    account: str | None = PLANT_ACCOUNT,
    date_from: date = date(2026, 11, 1),
    date_to: date = date(2026, 11, 28),
    label: str = "Windows",
    account_section: bool = True,
    end: bool = True,
    header_extra: Sequence[tuple[str, str]] = BANK_HEADER_EXTRA,
    kind: str = "Платежное поручение",
) -> str:
    """The statement's text (lines joined by "\\n"; encode() sets the real line breaks).

    A document given as a str is written as is (for broken sections)."""
    lines = ["1CClientBankExchange", "ВерсияФормата=1.03", f"Кодировка={label}"]
    lines += [f"{k}={v}" for k, v in header_extra]
    lines += [f"ДатаНачала={ru_date(date_from)}", f"ДатаКонца={ru_date(date_to)}"]
    if account:
        lines += [f"РасчСчет={account}"]
    lines += ["Документ=Платежное поручение"]
    if account_section and account:
        lines += [
            "СекцияРасчСчет",
            f"ДатаНачала={ru_date(date_from)}",
            f"ДатаКонца={ru_date(date_to)}",
            f"РасчСчет={account}",
            "НачальныйОстаток=1000000.00",
            "ВсегоПоступило=0.00",
            "ВсегоСписано=0.00",
            "КонечныйОстаток=1000000.00",
            "КонецРасчСчет",
        ]
    for doc in documents:
        if isinstance(doc, str):
            lines.append(doc)
            continue
        lines.append(f"СекцияДокумент={kind}")
        lines += [f"{k}={v}" for k, v in doc]
        lines.append("КонецДокумента")
    if end:
        lines.append("КонецФайла")
    return "\n".join(lines) + "\n"


def encode(
    text: str, encoding: str = "cp1251", *, newline: str = "\r\n", bom: bool = False
) -> bytes:
    data = text.replace("\n", newline).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data

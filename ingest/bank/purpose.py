"""What a payment's purpose (НазначениеПлатежа) says: the invoices it pays, dates, VAT, sums.

Pure text reading. It is deliberately strict about what counts as an invoice number — only a
number written after «счёт»/«сч.» (in any case form) — and leaves out bank accounts («на
расчётный счёт 40702…»), VAT invoices («счёт-фактура», «с/ф») and contract numbers. A number read
wrongly can only send a payment to the queue (matching.py needs every number named to point at
the same single invoice), never to a wrong invoice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

_I = re.IGNORECASE  # [0-9], not \d: full-width or Arabic-Indic digits are no number here
_DATE_TEXT = r"[0-9]{1,2}[./][0-9]{1,2}[./](?:[0-9]{4}|[0-9]{2})(?![0-9])"
# An invoice number: digits, or a short letter prefix and digits (СЧ-2026-0142, А15, 142/1).
# Not followed by ".digit" (a date or a decimal) nor by «г.» (a year).
_TOKEN = (
    r"(?:[a-zа-яё]{1,4}-?)?[0-9]+(?:[-/][0-9]+)*(?![.][0-9]|[0-9]|[a-zа-яё])(?!\s*г(?:\.|од|\b))"
)
_NUMBER_SIGN = r"(?:№|n\s*o\.?|n|#|номер|ном\.)?"
_KEYWORD = r"(?:сч[её]т(?:ам|ах|ов|ом|у|а|ы)?|сч-т|сч\.?)"
_FILLER = (
    r"(?:\s*-?\s*договор\w*)?"  # счёт-договор
    r"(?:\s+на\s+оплату|\s+на\s+опл\.?)?"
    rf"(?:\s+от\s+(?P<datepre>{_DATE_TEXT}))?"  # «по счёту от 03.03.2026 № 142»
)
_ONE = rf"{_NUMBER_SIGN}\s*[:.]?\s*(?P<num>{_TOKEN})(?:\s*(?:от|from)\s*(?P<date>{_DATE_TEXT}))?"
_REF = re.compile(
    rf"(?<![a-zа-яё0-9/])(?P<kw>{_KEYWORD})(?![a-zа-яё])(?![-\s]*фактур)(?!\s*/\s*ф){_FILLER}\s*"
    rf"(?P<first>{_ONE.replace('?P<num>', '?P<num0>').replace('?P<date>', '?P<date0>')})"
    rf"(?P<more>(?:\s*(?:,|;|\+|\bи\b)\s*{_ONE.replace('?P<num>', '').replace('?P<date>', '')})*)",
    _I,
)
_MORE = re.compile(rf"(?:,|;|\+|\bи\b)\s*{_ONE}", _I)
# A standalone coded number without the word «счёт»: «оплата СЧ-2026-0142».
_CODE = re.compile(r"(?<![a-zа-яё0-9-])(?P<num>сч-[0-9]+(?:[-/][0-9]+)+)(?![0-9/-])", _I)
# Words before «счёт» that make it a bank account, not an invoice.
_ACCOUNT_BEFORE = re.compile(
    r"(?:расч[её]тн\w*|расч\.|р/|к/|л/|лицев\w*|корр?\w*\.?|кор\.|банковск\w*|"
    r"транзитн\w*|бюджетн\w*|специальн\w*|казначейск\w*|депозитн\w*|ссудн\w*)\s*$",
    _I,
)
_ANY_DATE = re.compile(rf"(?<![0-9.]){_DATE_TEXT}")
_VAT_RATE = re.compile(r"НДС\s*(?:\(\s*)?([0-9]{1,2}(?:[.,][0-9]{1,2})?)\s*%", _I)
_NO_VAT = re.compile(r"без\s+(?:налога\s*\(?)?ндс|ндс\s+не\s+облага|ндс\s+нет", _I)
_SUM = re.compile(
    r"(?<![0-9.,])([0-9]{1,3}(?:[ \u00a0][0-9]{3})+|[0-9]+)[.,-]([0-9]{2})(?![0-9])"
    r"\s*(?:руб|р\.|₽)",
    _I,
)
_LATIN_LOOKALIKES = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
MAX_ACCOUNT_LIKE_DIGITS = 15  # 20-digit account numbers are not invoice numbers


@dataclass(frozen=True)
class InvoiceRef:
    number: str  # as written: «142», «СЧ-2026-0142»
    key: str  # invoice_key(number), what is compared with the plant's invoice numbers
    date: date | None  # «от 03.03.2026» written with it


@dataclass(frozen=True)
class Purpose:
    text: str
    invoices: tuple[InvoiceRef, ...]  # distinct by key, in the order written
    dates: tuple[date, ...]
    vat_pct: Decimal | None  # «в т.ч. НДС 22%» -> 22
    without_vat: bool  # «Без НДС», «НДС не облагается»
    amounts: tuple[Decimal, ...]  # «21 572,54 руб.»


def invoice_key(number: str) -> str:
    """The comparable form of an invoice number: upper case, Cyrillic look-alikes, no spaces,
    «№» dropped, no leading zeros in a plain number («0142» = «142»)."""
    text = "".join(str(number).upper().replace("Ё", "Е").replace("№", "").split())
    text = text.translate(_LATIN_LOOKALIKES)
    return (text.lstrip("0") or "0") if text.isdigit() else text


def _date(text: str | None) -> date | None:
    if not text:
        return None
    day, month, year = (int(p) for p in re.split(r"[./]", text))
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _digits(number: str) -> int:
    return sum(c.isdigit() for c in number)


def _refs(text: str) -> list[InvoiceRef]:
    found: list[tuple[int, InvoiceRef]] = []
    for match in _REF.finditer(text):
        if _ACCOUNT_BEFORE.search(text[max(0, match.start() - 25) : match.start()]):
            continue
        pairs = [(match["num0"], match["date0"] or match["datepre"])]
        pairs += [(m["num"], m["date"]) for m in _MORE.finditer(match["more"] or "")]
        for number, written in pairs:
            if _digits(number) < MAX_ACCOUNT_LIKE_DIGITS:
                found.append(
                    (match.start(), InvoiceRef(number, invoice_key(number), _date(written)))
                )
    for match in _CODE.finditer(text):
        number = match["num"]
        found.append((match.start(), InvoiceRef(number, invoice_key(number), None)))
    refs: dict[str, InvoiceRef] = {}
    for _, ref in sorted(found, key=lambda item: item[0]):
        known = refs.get(ref.key)
        if known is None or (known.date is None and ref.date is not None):
            refs[ref.key] = ref
    return list(refs.values())


def read_purpose(text: str | None) -> Purpose:
    text = " ".join((text or "").split())
    vat = _VAT_RATE.search(text)
    return Purpose(
        text=text,
        invoices=tuple(_refs(text)),
        dates=tuple(d for d in (_date(m.group()) for m in _ANY_DATE.finditer(text)) if d),
        vat_pct=Decimal(vat[1].replace(",", ".")) if vat else None,
        without_vat=bool(_NO_VAT.search(text)),
        amounts=tuple(
            Decimal(f"{m[1].replace(' ', '').replace(chr(0xA0), '')}.{m[2]}")
            for m in _SUM.finditer(text)
        ),
    )

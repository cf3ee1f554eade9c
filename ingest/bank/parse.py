"""Reading a bank statement in the 1CClientBankExchange text format (what 1C and Russian banks
export): the encoding, the header, the account sections and the payment documents.

Pure: bytes in, a frozen Statement out. A malformed document becomes a StatementError naming its
number, line and field, and the other documents are still read; a file that is not a
1CClientBankExchange statement at all raises NotAStatementError.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

MAGIC = "1CClientBankExchange"
_BOM = b"\xef\xbb\xbf"
ENCODING_NAMES = {"utf-8": "UTF-8", "cp1251": "Windows-1251", "cp866": "DOS (CP866)"}
# Words every statement has: the decoding that shows most of them is the right one.
_MARKERS = (
    "Кодировка",
    "ВерсияФормата",
    "СекцияДокумент",
    "КонецДокумента",
    "Номер=",
    "Сумма=",
    "Дата=",
    "РасчСчет",
    "КонецФайла",
    "Плательщик",
    "Получатель",
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # not str.splitlines: \x1c, \x85... are not line breaks
_SPACES = "\u00a0\u202f\u2009"
# re.ASCII: \d is 0-9 only (Unicode \d and str.isdigit take full-width, Arabic-Indic digits).
_AMOUNT = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?", re.ASCII)
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_ACCOUNT = re.compile(r"\d{20}", re.ASCII)
MAX_AMOUNT = Decimal(10) ** 16  # DECIMAL(18,2)
MAX_NUMBER_LEN = 50
MAX_TEXT_LEN = 2000


class NotAStatementError(ValueError):
    """The file is not a 1CClientBankExchange statement (Russian message for the person)."""


@dataclass(frozen=True)
class StatementError:
    """One problem in the file: a rejected document, or a file-level remark (no document)."""

    reason: str
    line: int | None = None
    doc_number: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.doc_number is not None:
            parts.append(f"документ № {self.doc_number}")
        elif self.line is not None and self.field is not None:
            parts.append("документ без номера")
        if self.line is not None:
            parts.append(f"(строка {self.line})" if parts else f"строка {self.line}")
        where = " ".join(parts)
        field = f"поле {self.field}: " if self.field else ""
        return f"{where}, {field}{self.reason}" if where else f"{field}{self.reason}"


@dataclass(frozen=True)
class Document:
    """One payment document (СекцияДокумент ... КонецДокумента) that passed every check."""

    kind: str  # Платежное поручение, Банковский ордер ...
    line: int  # the line of its СекцияДокумент
    number: str
    date: date
    amount: Decimal
    payer_inn: str | None
    payer_name: str | None
    payer_account: str | None
    payee_inn: str | None
    payee_name: str | None
    payee_account: str | None
    purpose: str
    received: date | None  # ДатаПоступило
    written_off: date | None  # ДатаСписано
    fields: tuple[tuple[str, str], ...]  # every key as written, unknown ones too


@dataclass(frozen=True)
class Statement:
    encoding: str  # utf-8, cp1251 or cp866
    header: tuple[tuple[str, str], ...]
    accounts: tuple[str, ...]  # the statement's own accounts (РасчСчет): the plant's
    date_from: date | None
    date_to: date | None
    sections: int  # СекцияДокумент sections read, good or bad
    documents: tuple[Document, ...]
    errors: tuple[StatementError, ...]

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES.get(self.encoding, self.encoding)

    def header_value(self, key: str) -> str | None:
        return next((v for k, v in self.header if k == key), None)


# --- Encoding -------------------------------------------------------------------------------


def _looks_like_statement(data: bytes) -> bool:
    return data.lstrip(b" \t\r\n").startswith(MAGIC.encode("ascii"))


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): a UTF-8 BOM or valid UTF-8 wins; otherwise Windows-1251 or DOS (CP866),
    whichever shows the format's own words (Кодировка=Windows/DOS names it, but a wrong
    decoding cannot even read that line)."""
    bom = data.startswith(_BOM)
    body = data[len(_BOM) :] if bom else data
    if not _looks_like_statement(body):
        raise NotAStatementError(_not_a_statement())
    if b"\x00" in body:
        raise NotAStatementError("в файле есть нулевые байты — это не текстовая выписка")
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if bom:
            raise NotAStatementError(
                f"файл помечен как UTF-8, но байт {exc.start + len(_BOM) + 1} не UTF-8"
            ) from None
    # cp866 decodes any bytes, so does cp1251 with its one hole (0x98) replaced; ties go to
    # Windows-1251, the usual one.
    decoded = {enc: body.decode(enc, errors="replace") for enc in ("cp1251", "cp866")}
    best = max(
        decoded, key=lambda enc: (sum(decoded[enc].count(m) for m in _MARKERS), enc == "cp1251")
    )
    return decoded[best], best


def _not_a_statement() -> str:
    return (
        f"это не выписка в формате 1CClientBankExchange: файл должен начинаться строкой «{MAGIC}»"
    )


# --- Values ---------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Control characters become spaces, runs of spaces one space."""
    chars = (" " if unicodedata.category(c) == "Cc" else c for c in value)
    return " ".join("".join(chars).split())


def _shown(text: str, limit: int = 40) -> str:
    """A value quoted in a message: cleaned and cut, a long garbage line stays one line."""
    value = clean_text(text)
    return value if len(value) <= limit else value[:limit] + "…"


def parse_amount(text: str) -> Decimal:
    """'12345.67', '12 345,67', '12\u00a0345,67' -> Decimal('12345.67'); ValueError otherwise."""
    cleaned = text.strip()
    for space in _SPACES:
        cleaned = cleaned.replace(space, " ")
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(f"не сумма: «{_shown(text)}» (нужно, например, 12345.67)")
    digits = cleaned.replace(" ", "").replace(",", ".")
    whole, _, frac = digits.partition(".")
    if len(frac) > 2:
        raise ValueError(f"больше двух знаков после запятой: «{_shown(text)}»")
    amount = Decimal(f"{whole}.{frac or '0'}").quantize(Decimal("0.01"))
    if amount <= 0:
        raise ValueError("сумма должна быть больше нуля")
    if amount >= MAX_AMOUNT:
        raise ValueError(f"слишком большая сумма: «{_shown(text)}»")
    return amount


def parse_date(text: str) -> date:
    """'03.03.2026' -> date(2026, 3, 3); ValueError otherwise."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"не дата: «{_shown(text)}» (нужно ДД.ММ.ГГГГ)")
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"такой даты нет: «{_shown(text)}»") from None


def _inn(text: str | None) -> str | None:
    """An ИНН of 10 or 12 digits; empty or «0» (none, e.g. a private person) -> None.

    The checksum is not enforced here: the money arrived all the same, and a payer ИНН that
    fails it simply matches no customer (matching.py says so in the queue)."""
    value = (text or "").strip()
    if value in ("", "0", "00"):
        return None
    if not (value.isascii() and value.isdigit() and len(value) in (10, 12)):
        raise ValueError(f"ИНН — 10 или 12 цифр, а не «{_shown(value)}»")
    return value


def _account(text: str | None) -> str | None:
    value = (text or "").strip().replace(" ", "")
    if not value:
        return None
    if not _ACCOUNT.fullmatch(value):
        raise ValueError(f"номер счёта — 20 цифр, а не «{_shown(value)}»")
    return value


# --- Documents ------------------------------------------------------------------------------


@dataclass
class _Section:
    kind: str
    line: int
    fields: dict[str, str]
    lines: dict[str, int]
    problems: list[StatementError]


def _purpose(fields: Mapping[str, str]) -> str:
    """НазначениеПлатежа, plus НазначениеПлатежа1, 2... that some exports split it into."""
    extra = sorted(
        (int(key[len("НазначениеПлатежа") :]), value)
        for key, value in fields.items()
        if key.startswith("НазначениеПлатежа") and key[len("НазначениеПлатежа") :].isdigit()
    )
    parts = [fields.get("НазначениеПлатежа", ""), *(value for _, value in extra)]
    return clean_text(" ".join(parts))[:MAX_TEXT_LEN]


def _document(section: _Section) -> Document | list[StatementError]:
    fields = section.fields
    number = clean_text(fields.get("Номер", ""))
    shown = number[:MAX_NUMBER_LEN] or None
    problems = [
        StatementError(p.reason, p.line, shown, p.field) for p in section.problems
    ]  # found while reading lines, before the number was known

    def fail(field: str, reason: str) -> None:
        problems.append(
            StatementError(reason, section.lines.get(field, section.line), shown, field)
        )

    def check(field: str, convert, *, required: bool = False):
        value = fields.get(field)
        if value is None or not value.strip():
            if required:
                fail(field, "не заполнено")
            return None
        try:
            return convert(value)
        except ValueError as exc:
            fail(field, str(exc))
            return None

    if not number:
        fail("Номер", "не заполнено")
    elif len(number) > MAX_NUMBER_LEN:
        fail("Номер", f"слишком длинный номер (больше {MAX_NUMBER_LEN} символов)")
    doc_date = check("Дата", parse_date, required=True)
    amount = check("Сумма", parse_amount, required=True)
    payer_inn = check("ПлательщикИНН", _inn)
    payee_inn = check("ПолучательИНН", _inn)
    payer_account = check("ПлательщикСчет", _account)
    payee_account = check("ПолучательСчет", _account)
    received = check("ДатаПоступило", parse_date)
    written_off = check("ДатаСписано", parse_date)
    if problems:
        return problems

    def name(*keys: str) -> str | None:
        value = next((fields[k] for k in keys if fields.get(k, "").strip()), None)
        return clean_text(value)[:MAX_TEXT_LEN] if value else None

    return Document(
        kind=clean_text(section.kind)[:100],
        line=section.line,
        number=number,
        date=doc_date,
        amount=amount,
        payer_inn=payer_inn,
        payer_name=name("Плательщик1", "Плательщик"),
        payer_account=payer_account,
        payee_inn=payee_inn,
        payee_name=name("Получатель1", "Получатель"),
        payee_account=payee_account,
        purpose=_purpose(fields),
        received=received,
        written_off=written_off,
        fields=tuple(fields.items()),
    )


# --- The file -------------------------------------------------------------------------------


def parse_statement(data: bytes) -> Statement:
    """The statement in data (the file's bytes)."""
    text, encoding = decode(data)
    header: list[tuple[str, str]] = []
    accounts: list[str] = []
    documents: list[Document] = []
    errors: list[StatementError] = []
    sections = 0
    section: _Section | None = None
    in_account_section = False
    ended = False

    def close(current: _Section) -> None:
        result = _document(current)
        if isinstance(result, Document):
            documents.append(result)
        else:
            errors.extend(result)

    def unterminated(current: _Section, at: int) -> None:
        current.problems.append(
            StatementError("документ не закончен строкой КонецДокумента", at, None, None)
        )
        close(current)

    lines = _LINE_BREAK.split(text.lstrip("\ufeff"))
    first = next(i for i, raw in enumerate(lines) if raw.strip())  # decode() saw the magic
    for number, raw in enumerate(lines[first + 1 :], start=first + 2):
        line = raw.strip()
        if not line:
            continue
        key, sep, value = (part.strip() for part in line.partition("="))
        if section is not None:
            if line == "КонецДокумента":
                close(section)
                section = None
            elif key == "СекцияДокумент" or line == "КонецФайла":
                unterminated(section, number)
                section = None
                if line == "КонецФайла":
                    ended = True
                    break
                sections += 1
                section = _Section(value, number, {}, {}, [])
            elif not sep:
                section.problems.append(
                    StatementError(f"строка без «=»: «{clean_text(line)[:80]}»", number)
                )
            elif key in section.fields and section.fields[key] != value:
                section.problems.append(
                    StatementError("поле повторяется с другим значением", number, None, key)
                )
            else:
                section.fields[key] = value
                section.lines.setdefault(key, number)
        elif in_account_section:
            if line == "КонецРасчСчет":
                in_account_section = False
            elif key == "РасчСчет" and value:
                accounts.append(value.replace(" ", ""))
        elif key == "СекцияДокумент" and sep:
            sections += 1
            section = _Section(value, number, {}, {}, [])
        elif line == "СекцияРасчСчет":
            in_account_section = True
        elif line == "КонецФайла":
            ended = True
            break
        elif sep:  # a header key, known or not
            header.append((key, value))
            if key == "РасчСчет" and value:
                accounts.append(value.replace(" ", ""))
        # any other stray line outside a document is tolerated
    if section is not None:
        unterminated(section, len(lines))
    if not ended:
        errors.append(StatementError("нет строки КонецФайла — файл, возможно, обрезан"))

    def header_date(key: str) -> date | None:
        value = next((v for k, v in header if k == key), None)
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            errors.append(StatementError(str(exc), None, None, key))
            return None

    return Statement(
        encoding=encoding,
        header=tuple(header),
        accounts=tuple(dict.fromkeys(accounts)),
        date_from=header_date("ДатаНачала"),
        date_to=header_date("ДатаКонца"),
        sections=sections,
        documents=tuple(documents),
        errors=tuple(errors),
    )

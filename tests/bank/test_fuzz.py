"""Hypothesis fuzzing of statements: reading never crashes, a bad document never gets in and a
good one is never lost, and an import never records a payment unless the rules are certain."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from bank_helpers import desk, last_payment_id, rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statement_files import PLANT_INN, encode, incoming, statement

from ingest.bank.importer import import_file
from ingest.bank.parse import NotAStatementError, parse_statement
from ingest.bank.purpose import invoice_key, read_purpose
from zakaz.inn import make_org_inn

DAY = date(2026, 11, 20)
FUZZ = settings(max_examples=150, deadline=None)


def _check_document(doc) -> None:
    """What every document that gets in satisfies, whatever the file looked like."""
    assert doc.amount > 0 and doc.amount.as_tuple().exponent == -2
    assert isinstance(doc.date, date)
    assert doc.number and len(doc.number) <= 50 and "\n" not in doc.number
    for inn in (doc.payer_inn, doc.payee_inn):
        assert inn is None or (inn.isdigit() and len(inn) in (10, 12))
    for account in (doc.payer_account, doc.payee_account):
        assert account is None or (account.isdigit() and len(account) == 20)
    assert all(ord(c) >= 32 for c in doc.purpose)


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([b"\r\n", b"\n", b"\r", b""]))
def test_any_bytes_after_the_first_line_never_crash(body, newline):
    try:
        parsed = parse_statement(b"1CClientBankExchange" + newline + body)
    except NotAStatementError as exc:
        assert str(exc)
        return
    assert parsed.sections >= len(parsed.documents)
    for doc in parsed.documents:
        _check_document(doc)


@FUZZ
@given(st.text(max_size=2000))
def test_any_text_never_crashes(text):
    for encoding in ("utf-8", "cp1251"):
        data = ("1CClientBankExchange\n" + text).encode(encoding, errors="replace")
        try:
            parsed = parse_statement(data)
        except NotAStatementError:  # a NUL character: not a text file
            assert "\x00" in text
            continue
        for doc in parsed.documents:
            _check_document(doc)
    read_purpose(text)


# --- Field by field: good values always get in, bad ones never ------------------------------

GOOD = {
    "Сумма": st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2)
    .flatmap(lambda d: st.sampled_from([f"{d}", f"{d:,.2f}".replace(",", " ").replace(".", ","),
                                        f"{d:,.2f}".replace(",", "\u00a0").replace(".", ",")])),
    "Дата": st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(lambda d: d.strftime("%d.%m.%Y")),
    "ПлательщикИНН": st.sampled_from(["7707083893", "500100732259", "0", "", "7707083890"]),
    "ПлательщикСчет": st.from_regex(r"[0-9]{20}", fullmatch=True),
    "ДатаПоступило": st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(
        lambda d: d.strftime("%d.%m.%Y")
    ),
}  # fmt: skip
BAD = {
    "Сумма": st.one_of(
        st.sampled_from(["0", "0.00", "-5", "1.001", "1e3", "NaN", "Infinity", "12,34,56",
                         "1 2", "руб.", "--", "١٢٣", "１２", "5.", ".5", "99999999999999999"]),
        st.text(st.characters(codec="cp1251", categories=("L",)), min_size=1, max_size=8),
    ),
    "Дата": st.sampled_from(["31.02.2026", "2026-11-20", "20/11/2026", "00.00.0000", "вчера",
                             "1.1.26", "32.01.2026"]),
    "ПлательщикИНН": st.sampled_from(["123", "77070838931", "ИНН7707083893", "7707 083893",
                                      "-707083893", "１２３４５６７８９０"]),
    "ПлательщикСчет": st.sampled_from(["4070281090000001234", "407028109000000123456",
                                       "40702810X00000012345", "4070281090000001234٠"]),
    "ДатаПоступило": st.sampled_from(["29.02.2025", "сегодня", "20.11"]),
}  # fmt: skip
# Any text Windows-1251 can hold, control characters too, but no line break or NUL.
NOISE = st.text(st.characters(codec="cp1251", exclude_characters="\r\n\x00"), max_size=200)


@st.composite
def documents(draw):
    """(fields, is_good): each field good or bad, the purpose and unknown keys any noise."""
    fields = {"Номер": None}
    good = True
    for key in GOOD:
        if draw(st.integers(0, 4)) == 0:
            fields[key] = draw(BAD[key])
            good = False
        elif key in ("Сумма", "Дата") or draw(st.booleans()):
            fields[key] = draw(GOOD[key])
    fields["НазначениеПлатежа"] = draw(NOISE)
    fields[draw(st.sampled_from(["КодНазПлатежа", "Икс", "СтатусСоставителя"]))] = draw(NOISE)
    return fields, good


@FUZZ
@given(st.lists(documents(), min_size=1, max_size=6), st.sampled_from(["cp1251", "utf-8"]))
def test_fuzzed_fields_bad_documents_never_get_in_good_ones_always_do(docs, encoding):
    written = []
    for n, (fields, _) in enumerate(docs, start=1):
        fields["Номер"] = str(n)
        written.append([(k, v.strip()) for k, v in fields.items()])
    text = statement(written)
    try:
        data = encode(text, encoding)
    except UnicodeEncodeError:  # a value Windows-1251 cannot hold (full-width digits...)
        data = encode(text, "utf-8")
    parsed = parse_statement(data)
    accepted = {doc.number for doc in parsed.documents}
    assert accepted == {str(n) for n, (_, good) in enumerate(docs, start=1) if good}
    assert parsed.sections == len(docs)
    rejected = {e.doc_number for e in parsed.errors if e.doc_number}
    assert rejected == {str(n) for n, (_, good) in enumerate(docs, start=1) if not good}
    for doc, (fields, _) in zip(parsed.documents, (d for d in docs if d[1]), strict=True):
        _check_document(doc)
        amount = fields["Сумма"].replace("\u00a0", "").replace(" ", "").replace(",", ".")
        assert doc.amount == Decimal(amount)


# --- Importing fuzzed payments into the demo plant ------------------------------------------


@st.composite
def payments_for(draw, invoices):
    """A payment order built from the demo plant's invoices, right or subtly wrong."""
    inv = draw(st.sampled_from(invoices))
    other = draw(st.sampled_from(invoices))
    stranger = make_org_inn(random.Random(draw(st.integers(0, 1000))))
    inn = draw(st.sampled_from([inv["inn"], other["inn"], None, PLANT_INN, stranger]))
    number = draw(st.sampled_from([inv["number"], f"0{inv['number']}", other["number"], "999999"]))
    issued = draw(st.sampled_from([inv["issue_date"], inv["issue_date"] + timedelta(days=1)]))
    purpose = draw(st.sampled_from([
        f"Оплата по счету № {number} от {issued:%d.%m.%Y}, в т.ч. НДС 22%",
        f"по сч.{number}",
        f"Оплата по счетам {number}, {other['number']}",
        "Оплата за изготовление деталей",
    ]))  # fmt: skip
    left = inv["outstanding"]
    amount = draw(st.sampled_from([left, left + Decimal("0.01"), max(left / 2, Decimal("0.01")),
                                   Decimal("1000000.00")]))  # fmt: skip
    amount = amount.quantize(Decimal("0.01"))
    return incoming(str(draw(st.integers(1, 10**6))), DAY, str(amount), payer_inn=inn,
                    purpose=purpose + draw(NOISE.map(lambda s: s[:40])))  # fmt: skip


def _invoices(home) -> list[dict]:
    """The newest 60 open invoices of the demo plant, with their customer's ИНН."""
    found = rows(
        home,
        "SELECT * FROM (SELECT i.id, i.number, i.issue_date, c.inn, i.amount - coalesce("
        "  (SELECT sum(amount) FROM payments p WHERE p.invoice_id = i.id), 0) AS outstanding "
        "  FROM invoices i JOIN orders o ON o.id = i.order_id "
        "  JOIN customers c ON c.id = o.customer_id WHERE o.status <> 'cancelled') "
        "WHERE outstanding > 0 ORDER BY id DESC LIMIT 60",
    )
    return [dict(zip(("id", "number", "issue_date", "inn", "outstanding"), r, strict=True))
            for r in found]  # fmt: skip


def test_fuzzed_imports_record_a_payment_only_when_certain(demo_home):
    invoices = _invoices(demo_home)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(payments_for(invoices), min_size=1, max_size=8))
    def check(docs):
        before = last_payment_id(demo_home)
        data = encode(statement(docs), "utf-8")
        with desk(demo_home).writing() as a:
            result = import_file(a, data, "fuzz.txt")
        new = rows(
            demo_home,
            "SELECT p.invoice_id, p.amount, p.payer_inn, p.purpose, i.number, c.inn "
            "FROM payments p JOIN invoices i ON i.id = p.invoice_id "
            "JOIN orders o ON o.id = i.order_id JOIN customers c ON c.id = o.customer_id "
            "WHERE p.id > ?",
            [before],
        )
        assert len(new) == result.matched
        for _, _, payer_inn, purpose, number, customer_inn in new:
            assert payer_inn == customer_inn  # the payer is the invoice's customer
            keys = [ref.key for ref in read_purpose(purpose).invoices]
            assert keys == [invoice_key(number)]  # the purpose names this invoice, only it
        overpaid = rows(
            demo_home,
            "SELECT i.id FROM invoices i JOIN payments p ON p.invoice_id = i.id "
            "GROUP BY i.id, i.amount HAVING sum(p.amount) > i.amount",
        )
        assert overpaid == []
        assert result.incoming == result.matched + result.queued + result.known
        # The only refusal possible here: a number reused by a payer on a day, another amount.
        assert all("на другую сумму" in e for e in result.errors)

    check()
    assert rows(demo_home, "SELECT count(*) FROM bank_statements")[0][0] >= 30

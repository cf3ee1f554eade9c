"""The matching rules on a small hand-made ledger: exact, every kind of ambiguous and of none,
and which side of the statement a document is on. (test_import.py runs them on the demo plant.)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from statement_files import OTHER_ACCOUNT, PLANT_ACCOUNT, PLANT_INN, encode, incoming, outgoing
from statement_files import statement as statement_text

from ingest.bank.matching import (
    AMBIGUOUS,
    EXACT,
    NONE,
    REASONS,
    Customer,
    InvoiceFact,
    Ledger,
    direction,
    match_payment,
)
from ingest.bank.parse import parse_statement
from ingest.bank.purpose import read_purpose

ROMASHKA = Customer(1, "ООО «Ромашка»", "7707083893")
VASILEK = Customer(2, "АО «Василёк»", "7736207543")
DAY = date(2026, 11, 20)


def _invoice(id_: int, number: str, customer: Customer, amount: str, **kw) -> InvoiceFact:
    return InvoiceFact(
        id=id_, number=number, order_id=100 + id_, order_number=f"З-2026-{id_:04d}",
        order_status=kw.get("status", "shipped"), customer_id=customer.id,
        customer_name=customer.name, customer_inn=customer.inn,
        issue_date=kw.get("issued", date(2026, 3, 3)), amount=Decimal(amount),
    )  # fmt: skip


INVOICES = [
    _invoice(1, "142", ROMASHKA, "100000.00"),
    _invoice(2, "143", ROMASHKA, "50000.00"),
    _invoice(3, "150", VASILEK, "70000.00"),
    _invoice(4, "151", VASILEK, "10000.00", status="cancelled"),
    _invoice(5, "СЧ-2026-0160", VASILEK, "20000.00"),
]
PAID = {2: Decimal("50000.00"), 3: Decimal("20000.00")}  # 143 fully paid, 150 partly
LEDGER = Ledger.build(PLANT_INN, [ROMASHKA, VASILEK], INVOICES, PAID)


def _match(purpose: str, amount: str = "100000.00", payer_inn: str | None = ROMASHKA.inn):
    fields = incoming("1", DAY, amount, payer_inn=payer_inn, purpose=purpose)
    (doc,) = parse_statement(encode(statement_text([fields]))).documents
    return match_payment(doc, read_purpose(doc.purpose), LEDGER)


def test_exact_one_invoice_same_customer_amount_within_outstanding():
    m = _match("Оплата по счету № 142 от 03.03.2026, в т.ч. НДС 22%")
    assert m.verdict == EXACT and m.invoice.id == 1 and m.reason_code is None
    assert _match("сч. 142", amount="40000.00").invoice.id == 1  # a part payment is exact too
    assert _match("по счету 0142").invoice.id == 1  # leading zeros
    m = _match("Оплата СЧ-2026-0160", amount="20000.00", payer_inn=VASILEK.inn)
    assert m.verdict == EXACT and m.invoice.id == 5
    assert _match("счет 150", amount="50000.00", payer_inn=VASILEK.inn).verdict == EXACT


@pytest.mark.parametrize(
    ("purpose", "amount", "payer", "code"),
    [
        ("по сч.142,143", "100000.00", ROMASHKA, "several_invoices"),
        ("по счетам 142 и 999", "100000.00", ROMASHKA, "several_invoices"),
        ("Оплата по счету № 150", "1000.00", ROMASHKA, "other_customer"),
        ("Оплата по счету № 142 от 04.03.2026", "100000.00", ROMASHKA, "date_differs"),
        ("Оплата по счету № 143", "100.00", ROMASHKA, "already_paid"),
        ("Оплата по счету № 142", "100000.01", ROMASHKA, "amount_exceeds"),
        ("Оплата по счету № 150", "50000.01", VASILEK, "amount_exceeds"),
        ("Оплата по счету № 151", "100.00", VASILEK, "order_cancelled"),
        ("Оплата за детали", "100000.00", ROMASHKA, "no_invoice_number"),
        ("Оплата по счету № 999", "100000.00", ROMASHKA, "unknown_invoice"),
        ("Оплата по счету № 142", "100000.00", None, "payer_not_customer"),
    ],
)
def test_ambiguous_goes_to_a_person_with_candidates(purpose, amount, payer, code):
    m = _match(purpose, amount, payer.inn if payer else "7794580730")
    assert (m.verdict, m.reason_code) == (AMBIGUOUS, code)
    assert m.invoice is None and m.reason and m.candidates
    assert code in REASONS


def test_candidates_named_first_then_open_ones_with_the_same_amount_first():
    m = _match("Оплата по счету № 150", "20000.00", ROMASHKA.inn)  # 150 is Василёк's
    assert [c.id for c in m.candidates] == [3, 1]  # Ромашка's 143 is paid: not a candidate
    ledger = Ledger.build(
        PLANT_INN,
        [ROMASHKA],
        [_invoice(1, "1", ROMASHKA, "500.00"), _invoice(2, "2", ROMASHKA, "300.00",
                                                          issued=date(2026, 5, 1))],
        {},
    )  # fmt: skip
    fields = incoming("1", DAY, "300.00", payer_inn=ROMASHKA.inn, purpose="Оплата за детали")
    (doc,) = parse_statement(encode(statement_text([fields]))).documents
    m = match_payment(doc, read_purpose(doc.purpose), ledger)
    assert m.reason_code == "no_invoice_number"
    assert [c.id for c in m.candidates] == [2, 1]  # the amount fits 2: a hint, never a match


@pytest.mark.parametrize(
    ("purpose", "payer_inn", "code"),
    [
        ("Оплата за детали", "7794580730", "unknown_payer"),
        ("Оплата за детали", None, "no_payer_inn"),
        ("Оплата за детали", "7707083890", "bad_payer_inn"),  # checksum fails
        ("Оплата по счету № 143", None, "payer_not_customer"),
    ],
)
def test_none_or_payer_unknown(purpose, payer_inn, code):
    m = _match(purpose, "100.00", payer_inn)
    assert m.reason_code == code
    assert m.verdict == (AMBIGUOUS if code == "payer_not_customer" else NONE)


def test_none_when_the_customer_has_nothing_open():
    ledger = Ledger.build(PLANT_INN, [ROMASHKA], [INVOICES[1]], PAID)  # only 143, paid
    fields = incoming("1", DAY, "10.00", payer_inn=ROMASHKA.inn, purpose="Аванс по договору 5")
    (doc,) = parse_statement(encode(statement_text([fields]))).documents
    m = match_payment(doc, read_purpose(doc.purpose), ledger)
    assert (m.verdict, m.reason_code, m.candidates) == (NONE, "no_open_invoices", ())
    fields = incoming("2", DAY, "10.00", payer_inn=ROMASHKA.inn, purpose="по счету 777")
    (doc,) = parse_statement(encode(statement_text([fields]))).documents
    assert match_payment(doc, read_purpose(doc.purpose), ledger).verdict == NONE


def test_after_a_payment_the_ledger_knows_less_is_left():
    after = LEDGER.after_payment(1, Decimal("60000.00"))
    assert after.outstanding(1) == Decimal("40000.00") and LEDGER.outstanding(1) == 100000
    fields = incoming("1", DAY, "60000.00", payer_inn=ROMASHKA.inn, purpose="счет 142")
    (doc,) = parse_statement(encode(statement_text([fields]))).documents
    assert match_payment(doc, read_purpose(doc.purpose), after).reason_code == "amount_exceeds"


def test_direction():
    docs = parse_statement(encode(statement_text([
        incoming("1", DAY, "1", payer_inn=ROMASHKA.inn, purpose=""),
        outgoing("2", DAY, "1"),
        incoming("3", DAY, "1", payer_inn=ROMASHKA.inn, purpose="", payee_account=OTHER_ACCOUNT),
        incoming("4", DAY, "1", payer_inn=ROMASHKA.inn, purpose="", payee_account=OTHER_ACCOUNT,
                 payee_inn="7736207543"),
        incoming("5", DAY, "1", payer_inn=PLANT_INN, purpose="", payer_account=PLANT_ACCOUNT,
                 payee_account="40702810000000000001"),
    ]))).documents  # fmt: skip
    accounts = (PLANT_ACCOUNT,)
    # by the account; by the plant's ИНН when the account is not the statement's; neither side
    # the plant; a transfer from the plant's own account is outgoing.
    assert [direction(d, accounts, PLANT_INN) for d in docs] == ["in", "out", "in", None, "out"]
    # A statement without its account: the plant's ИНН alone decides.
    assert [direction(d, (), PLANT_INN) for d in docs[:2]] == ["in", "out"]
    assert direction(docs[0], (), None) is None

"""The statement matching rules: which documents are the plant's incoming payments, and which
invoice each one pays — only when that is certain.

Pure: a document, its purpose as read by purpose.py, and a Ledger (what the store knows of
customers, invoices and what is left to pay on them) in; a verdict out.

- EXACT: the payer's ИНН is a customer's, the purpose names exactly one invoice number, that
  invoice is this customer's (and of the date written with it, if any), its order is not
  cancelled, and what is left to pay on it is at least the amount. The payment is recorded.
- AMBIGUOUS: there is something to go on, but not certainty — several invoices named, an
  invoice of another customer, a date or amount that does not fit, a fully paid invoice, or no
  number although the customer has open invoices. A person chooses from the candidates.
- NONE: nothing to go on — an unknown payer and no invoice of the plant named, or a known
  customer with no open invoice. A person decides.
Nothing is ever guessed: an amount that happens to equal one open invoice is only a hint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from ingest.bank.parse import Document
from ingest.bank.purpose import Purpose, invoice_key
from zakaz.inn import inn_error
from zakaz.money import rub

EXACT, AMBIGUOUS, NONE = "exact", "ambiguous", "none"
Direction = Literal["in", "out"]
# Reason codes of AMBIGUOUS and NONE (dashboards/i18n/messages/bank.py names them).
REASONS = (
    "several_invoices",
    "other_customer",
    "payer_not_customer",
    "date_differs",
    "order_cancelled",
    "already_paid",
    "amount_exceeds",
    "no_invoice_number",
    "unknown_invoice",
    "unknown_payer",
    "no_payer_inn",
    "bad_payer_inn",
    "no_open_invoices",
)


@dataclass(frozen=True)
class Customer:
    id: int
    name: str
    inn: str


@dataclass(frozen=True)
class InvoiceFact:
    id: int
    number: str
    order_id: int
    order_number: str
    order_status: str
    customer_id: int
    customer_name: str
    customer_inn: str
    issue_date: date
    amount: Decimal

    @property
    def key(self) -> str:
        return invoice_key(self.number)


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Ledger:
    """Customers by ИНН, invoices by number and by customer, and what is left to pay."""

    plant_inn: str | None
    customers: Mapping[str, Customer]
    invoices: Mapping[int, InvoiceFact]
    outstanding_by_id: Mapping[int, Decimal]
    _by_key: Mapping[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _by_customer: Mapping[int, tuple[int, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        plant_inn: str | None,
        customers: Iterable[Customer],
        invoices: Iterable[InvoiceFact],
        paid: Mapping[int, Decimal],
    ) -> Ledger:
        facts = {inv.id: inv for inv in invoices}
        by_key: dict[str, list[int]] = {}
        by_customer: dict[int, list[int]] = {}
        for inv in facts.values():
            by_key.setdefault(inv.key, []).append(inv.id)
            by_customer.setdefault(inv.customer_id, []).append(inv.id)
        return cls(
            plant_inn=plant_inn,
            customers=_frozen({c.inn: c for c in customers}),
            invoices=_frozen(facts),
            outstanding_by_id=_frozen(
                {i: inv.amount - paid.get(i, Decimal("0.00")) for i, inv in facts.items()}
            ),
            _by_key=_frozen({k: tuple(v) for k, v in by_key.items()}),
            _by_customer=_frozen({k: tuple(v) for k, v in by_customer.items()}),
        )

    def customer(self, inn: str | None) -> Customer | None:
        return self.customers.get(inn) if inn else None

    def outstanding(self, invoice_id: int) -> Decimal:
        return self.outstanding_by_id[invoice_id]

    def by_key(self, key: str) -> list[InvoiceFact]:
        return [self.invoices[i] for i in self._by_key.get(key, ())]

    def open_invoices(self, customer_id: int) -> list[InvoiceFact]:
        """The customer's invoices with something left to pay, orders not cancelled."""
        return [
            self.invoices[i]
            for i in self._by_customer.get(customer_id, ())
            if self.outstanding_by_id[i] > 0 and self.invoices[i].order_status != "cancelled"
        ]

    def after_payment(self, invoice_id: int, amount: Decimal) -> Ledger:
        """The ledger once a payment of amount is recorded against the invoice."""
        left = dict(self.outstanding_by_id)
        left[invoice_id] -= amount
        return replace(self, outstanding_by_id=_frozen(left))


@dataclass(frozen=True)
class Match:
    verdict: str  # EXACT, AMBIGUOUS or NONE
    reason_code: str | None  # one of REASONS; None for EXACT
    reason: str  # one Russian line for the person at the queue
    invoice: InvoiceFact | None  # the invoice paid (EXACT only)
    candidates: tuple[InvoiceFact, ...] = ()  # what a person would choose from


def direction(doc: Document, accounts: Iterable[str], plant_inn: str | None) -> Direction | None:
    """'in' when the plant receives the money, 'out' when it pays, None when the document names
    neither the statement's account nor the plant's ИНН on either side."""
    own = set(accounts)
    if own and (doc.payer_account in own or doc.payee_account in own):
        # A transfer between the plant's own accounts is not a customer's payment either.
        return "out" if doc.payer_account in own else "in"
    if plant_inn:
        if doc.payer_inn == plant_inn:
            return "out"
        if doc.payee_inn == plant_inn:
            return "in"
    return None


def _no(inv: InvoiceFact) -> str:
    return f"№ {inv.number}"


def _candidates(
    amount: Decimal, named: Iterable[InvoiceFact], own_open: Iterable[InvoiceFact], ledger: Ledger
) -> tuple[InvoiceFact, ...]:
    """The invoices named first, then the customer's open ones: those whose outstanding equals
    the amount first, the oldest first."""
    named = list(named)
    rest = [inv for inv in own_open if inv not in named]
    rest.sort(key=lambda inv: (ledger.outstanding(inv.id) != amount, inv.issue_date, inv.id))
    return (*named, *rest)


def match_payment(doc: Document, purpose: Purpose, ledger: Ledger) -> Match:
    """The verdict for one incoming document (see the module's rules)."""
    customer = ledger.customer(doc.payer_inn)
    refs = purpose.invoices
    named = {ref.key: ledger.by_key(ref.key) for ref in refs}
    named_invoices = [inv for invs in named.values() for inv in invs]
    own_open = ledger.open_invoices(customer.id) if customer else []

    def ambiguous(code: str, reason: str) -> Match:
        return Match(
            AMBIGUOUS, code, reason, None, _candidates(doc.amount, named_invoices, own_open, ledger)
        )

    if customer is None:
        if named_invoices:
            inv = named_invoices[0]
            payer = f"ИНН {doc.payer_inn}" if doc.payer_inn else "без ИНН"
            return ambiguous(
                "payer_not_customer",
                f"счёт {_no(inv)} выставлен {inv.customer_name} (ИНН {inv.customer_inn}), "
                f"а плательщик ({payer}) не заказчик завода",
            )
        if doc.payer_inn is None:
            return Match(
                NONE, "no_payer_inn", "в документе нет ИНН плательщика, счёт не назван", None
            )
        if inn_error(doc.payer_inn):
            return Match(
                NONE,
                "bad_payer_inn",
                f"ИНН плательщика {doc.payer_inn}: {inn_error(doc.payer_inn)}",
                None,
            )
        return Match(
            NONE,
            "unknown_payer",
            f"плательщик с ИНН {doc.payer_inn} не найден среди заказчиков",
            None,
        )
    if not refs:
        if own_open:
            return ambiguous(
                "no_invoice_number",
                f"в назначении платежа нет номера счёта; открытых счетов у заказчика: "
                f"{len(own_open)}",
            )
        return Match(
            NONE, "no_open_invoices", f"у заказчика {customer.name} нет неоплаченных счетов", None
        )
    if len(refs) > 1 or len(named_invoices) > 1:
        numbers = ", ".join(ref.number for ref in refs)
        return ambiguous("several_invoices", f"в назначении несколько счетов: {numbers}")
    ref = refs[0]
    if not named_invoices:
        if own_open:
            return ambiguous("unknown_invoice", f"счёта № {ref.number} у завода нет")
        return Match(
            NONE,
            "no_open_invoices",
            f"счёта № {ref.number} у завода нет, а у заказчика {customer.name} нет "
            "неоплаченных счетов",
            None,
        )
    inv = named_invoices[0]
    if inv.customer_id != customer.id:
        return ambiguous(
            "other_customer",
            f"счёт {_no(inv)} выставлен {inv.customer_name} (ИНН {inv.customer_inn}), "
            f"а платит {customer.name} (ИНН {customer.inn})",
        )
    if inv.order_status == "cancelled":
        return ambiguous("order_cancelled", f"заказ {inv.order_number} счёта {_no(inv)} отменён")
    if ref.date is not None and ref.date != inv.issue_date:
        return ambiguous(
            "date_differs",
            f"счёт {_no(inv)} выставлен {inv.issue_date:%d.%m.%Y}, в назначении — "
            f"{ref.date:%d.%m.%Y}",
        )
    left = ledger.outstanding(inv.id)
    if left <= 0:
        return ambiguous("already_paid", f"счёт {_no(inv)} уже оплачен полностью")
    if doc.amount > left:
        return ambiguous(
            "amount_exceeds",
            f"сумма {rub(doc.amount)} больше неоплаченного остатка счёта {_no(inv)}: {rub(left)}",
        )
    return Match(EXACT, None, f"счёт {_no(inv)}, заказ {inv.order_number}", inv, (inv,))

"""One writer process: a sales manager entering and editing their orders through the service
layer, exactly as the order pages call it (Desk(store, login).writing() around one service call).

Each round: create an order (1-4 real line specs, a real customer), open its card (or an earlier
order's), change one line's quantity, then the header's comment and planned shipment date, and
sometimes move the order along (need -> costing -> quote_sent, a move sales may make and that
involves no payment) or add a line. Every save is timed (wall time, lock wait included) and, once
it returned, written to the journal. A refusal the page would show (dashboards.ui.actions.attempt)
is counted by its on-screen text and the writer goes on; anything else is unexpected (a traceback
on the page) and is kept with its traceback (shown_errors.py).
"""

from __future__ import annotations

import os
import random
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ingest.repos.orders import BLANK_COLUMNS, LineDraft, OrderDraft
from ingest.service import Desk, lines, orders, status
from ingest.service.lines import LineEdit
from ingest.service.order_pricing import draft_of
from ingest.store import Store

from .journal import Journal
from .shown_errors import ShownErrors

NEXT_STATUS = {"need": "costing", "costing": "quote_sent"}


@dataclass(frozen=True)
class WriterConfig:
    worker: int
    home: str
    login: str
    journal: str
    customers: list[int]
    specs: list[dict[str, Any]]
    seed: int
    think_ms: float


@dataclass
class OrderModel:
    """What this writer believes one of its orders holds (from its own committed saves)."""

    number: str
    version: int
    lines: dict[int, int]  # line_no -> quantity
    comment: str | None
    status: str


@dataclass
class Tally:
    saves: dict[str, list[float]] = field(default_factory=dict)  # op -> latencies, s
    reads: list[float] = field(default_factory=list)  # card opens, s
    errors: ShownErrors = field(default_factory=ShownErrors)
    read_mismatches: list[str] = field(default_factory=list)


class Writer:
    def __init__(self, cfg: WriterConfig):
        self.cfg = cfg
        store = Store.open(cfg.home)
        store.ensure_schema()  # once per process, as the app does at start: not in the timings
        self.desk = Desk(store, cfg.login)
        self.rng = random.Random(cfg.seed)
        self.journal = Journal(Path(cfg.journal))
        self.orders: dict[int, OrderModel] = {}
        self.tally = Tally()

    # -- timing and errors ---------------------------------------------------------------------
    def _save(self, op: str, action):
        start = time.perf_counter()
        try:
            with self.desk.writing() as a:
                result = action(a)
        except Exception as exc:
            self.tally.errors.record(op, exc)
            return None
        self.tally.saves.setdefault(op, []).append(time.perf_counter() - start)
        return result

    def _read(self, action):
        start = time.perf_counter()
        try:
            with self.desk.reading() as a:
                result = action(a)
        except Exception as exc:
            self.tally.errors.record("card", exc)
            return None
        self.tally.reads.append(time.perf_counter() - start)
        return result

    # -- the round -----------------------------------------------------------------------------
    def round(self, n: int, pause) -> None:
        created = self.create(n)
        pause()
        target = created if created is not None and self.rng.random() < 0.6 else self._earlier()
        if target is None:
            return
        card = self.open_card(target)
        if card is None:
            return
        pause()
        edits = self.change_quantity(target, card)
        pause()
        self.change_header(target, n)
        if self.rng.random() < 0.4:  # now and then one more change: a move or a new line
            pause()
            if self.orders[target].status in NEXT_STATUS and self.rng.random() < 0.5:
                self.move_on(target)
            elif edits is not None:
                self.add_line(target, edits)

    def _earlier(self) -> int | None:
        return self.rng.choice(list(self.orders)) if self.orders else None

    def _line(self, spec: dict[str, Any], quantity: int):
        return LineDraft(
            name=spec["name"],
            material_id=spec["material_id"],
            blank_shape=spec["blank_shape"],
            dims={k: spec[k] for k in BLANK_COLUMNS if spec.get(k) is not None},
            quantity=quantity,
            complexity=spec["complexity"],
            product_id=spec["product_id"],
            drawing_no=spec["drawing_no"],
        )

    def create(self, n: int) -> int | None:
        quantities = [self.rng.randint(1, 60) for _ in range(self.rng.randint(1, 4))]
        comment = f"Нагрузочный тест: {self.cfg.login}, заказ {n}"
        draft = OrderDraft(
            customer_id=self.rng.choice(self.cfg.customers),
            need_date=date.today() + timedelta(days=self.rng.randint(14, 60)),
            lines=tuple(self._line(self.rng.choice(self.cfg.specs), q) for q in quantities),
            comment=comment,
        )
        made = self._save("create", lambda a: orders.create_order(a, draft))
        if made is None:
            return None
        order_id, number = made
        quantity_by_no = {no: q for no, q in enumerate(quantities, start=1)}
        self.orders[order_id] = OrderModel(number, 1, quantity_by_no, comment, "need")
        self.journal.append(
            {
                "op": "create",
                "order_id": order_id,
                "number": number,
                "lines": quantity_by_no,
                "comment": comment,
                "planned_shipment_date": None,
                "status": "need",
                "version": 1,
            }
        )
        return order_id

    def open_card(self, order_id: int) -> tuple[dict, list[dict]] | None:
        """The card as the page reads it; a card that disagrees with our saves is noted."""
        card = self._read(
            lambda a: (orders.get_order(a, order_id), lines.order_lines(a, order_id)[0])
        )
        if card is None:
            return None
        order, stored = card
        model = self.orders[order_id]
        seen = {ln["line_no"]: ln["quantity"] for ln in stored}
        if (order["version"], seen, order["comment"]) != (
            model.version,
            model.lines,
            model.comment,
        ):
            self.tally.read_mismatches.append(
                f"{model.number}: прочитано версия {order['version']}, позиции {seen}, "
                f"ожидалось версия {model.version}, позиции {model.lines}"
            )
            model.version = order["version"]  # go on from what the card shows, as a user would
        return order, stored

    def change_quantity(self, order_id: int, card) -> list | None:
        _, stored = card
        model = self.orders[order_id]
        edits = [LineEdit(ln["id"], draft_of(ln)) for ln in stored]
        k = self.rng.randrange(len(edits))
        quantity = edits[k].draft.quantity + self.rng.randint(1, 9)
        edits[k] = LineEdit(edits[k].line_id, replace(edits[k].draft, quantity=quantity))
        line_no = stored[k]["line_no"]
        version = self._save(
            "quantity", lambda a: lines.save_lines(a, order_id, model.version, edits)
        )
        if version is None:
            return None
        model.version, model.lines[line_no] = version, quantity
        self.journal.append(
            {
                "op": "quantity",
                "order_id": order_id,
                "line_no": line_no,
                "quantity": quantity,
                "version": version,
            }
        )
        return edits

    def change_header(self, order_id: int, n: int) -> None:
        model = self.orders[order_id]
        comment = f"Нагрузочный тест: {self.cfg.login}, правка {n}"
        planned = date.today() + timedelta(days=self.rng.randint(30, 120))
        changes = {"comment": comment, "planned_shipment_date": planned}
        version = self._save(
            "header", lambda a: orders.update_header(a, order_id, model.version, changes)
        )
        if version is None:
            return
        model.version, model.comment = version, comment
        self.journal.append(
            {
                "op": "header",
                "order_id": order_id,
                "comment": comment,
                "planned_shipment_date": planned.isoformat(),
                "version": version,
            }
        )

    def move_on(self, order_id: int) -> None:
        model = self.orders[order_id]
        to = NEXT_STATUS[model.status]
        done = self._save(
            "status",
            lambda a: status.change_status(
                a, order_id, to, comment="нагрузочный тест", expected_version=model.version
            ),
        )
        if done is None:
            return
        model.version, model.status = model.version + 1, to
        self.journal.append(
            {"op": "status", "order_id": order_id, "status": to, "version": model.version}
        )

    def add_line(self, order_id: int, edits: list) -> None:
        model = self.orders[order_id]
        quantity = self.rng.randint(1, 60)
        new = LineEdit(None, self._line(self.rng.choice(self.cfg.specs), quantity))
        version = self._save(
            "add_line", lambda a: lines.save_lines(a, order_id, model.version, [*edits, new])
        )
        if version is None:
            return
        line_no = max(model.lines) + 1
        model.version, model.lines[line_no] = version, quantity
        self.journal.append(
            {
                "op": "add_line",
                "order_id": order_id,
                "line_no": line_no,
                "quantity": quantity,
                "version": version,
            }
        )

    # -- the loop ------------------------------------------------------------------------------
    def loop(self, stop) -> dict[str, Any]:
        parent = os.getppid()

        def pause() -> None:
            if self.cfg.think_ms > 0:
                stop.wait(self.cfg.think_ms / 1000 * self.rng.uniform(0.5, 1.5))
            if stop.is_set() or os.getppid() != parent:  # over, or the soak itself was killed
                raise _Stop

        n = 0
        try:
            while not stop.is_set():
                n += 1
                self.round(n, pause)
                pause()
        except _Stop:
            pass
        finally:
            self.journal.close()
        t = self.tally
        return {
            "worker": self.cfg.worker,
            "login": self.cfg.login,
            "rounds": n,
            "saves": t.saves,
            "card_reads": t.reads,
            "read_mismatches": t.read_mismatches,
            **t.errors.as_dict(),
        }


def wait_for_start(go) -> bool:
    """Wait for the soak's start; False if the soak died first (never wait on an orphan)."""
    parent = os.getppid()
    while not go.wait(1.0):
        if os.getppid() != parent:
            return False
    return True


class _Stop(Exception):
    """The soak is over: leave the round between two saves."""


def run_writer(cfg: WriterConfig, ready, go, stop, out) -> None:
    """Process entry point: set up, say ready, wait for the start, then the tally on `out` (or
    how it crashed)."""
    writer, result = None, None
    try:
        writer = Writer(cfg)
    except BaseException:
        result = {"worker": cfg.worker, "login": cfg.login, "crashed": traceback.format_exc()}
    ready.put(cfg.worker)
    if writer is not None and wait_for_start(go):
        try:
            result = writer.loop(stop)
        except BaseException:
            result = {"worker": cfg.worker, "login": cfg.login, "crashed": traceback.format_exc()}
    out.put(result)

"""The app's saves in a loop until killed (the SIGKILL test of the app).

    python app_writer.py HOME JOURNAL

Imports once, then forks one writer per line `ROUND` on stdin (a fresh process as far as the
store is concerned: DuckDB is opened only in the child) and answers `child PID`, then `exit CODE`
once the test has killed it — a restart costs milliseconds instead of a second of imports.

Each writer saves as the user ivanov, through the service layer the Streamlit pages call
(Desk.writing()): new multi-line orders, edits of their lines (some kept, some changed, some
removed, some added, in one save) and status moves. Each save is journaled twice, flushed: its
intent before (the state the order has now and the state the save makes), its result after it
returned. A kill leaves at most one intent without its result; the test then accepts either
state for that order, and nothing in between.
"""

import json
import os
import random
import sys
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ingest.repos.orders import LineDraft, OrderDraft
from ingest.service import Desk, lines, orders, status
from ingest.service.lines import LineEdit
from ingest.store import Store

TAG = "fault-app"
LOGIN = "ivanov"
NEXT = {"need": "costing", "costing": "quote_sent", "quote_sent": "agreed",
        "agreed": "procurement"}  # the moves a sales manager makes  # fmt: skip

home, journal_path = sys.argv[1], sys.argv[2]
desk = Desk(Store.open(home), LOGIN)
rng = random.Random()
journal = None


def note(entry: dict) -> None:
    journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
    journal.flush()


def my_orders() -> list[dict]:
    """This test's orders with their state: status, version and lines as (name, quantity)."""
    with desk.reading() as a:
        found = a.rows(
            "SELECT id, status, version FROM orders WHERE comment LIKE ? ORDER BY id", [TAG + " %"]
        )
        for order in found:
            order["lines"] = a.rows(
                "SELECT id, name, quantity FROM order_lines WHERE order_id = ? ORDER BY line_no",
                [order["id"]],
            )
    return found


def state(status_: str, version: int, line_pairs) -> dict:
    return {"status": status_, "version": version, "lines": sorted([n, q] for n, q in line_pairs)}


def line(name: str, quantity: int) -> LineDraft:
    return LineDraft(
        name=name, material_id=MATERIAL, blank_shape="round", quantity=quantity,
        dims={"diameter_mm": Decimal("60"), "length_mm": Decimal(rng.randint(100, 900))},
        complexity=Decimal("2.5"), surcharges_pct={"термообработка": Decimal("10")},
    )  # fmt: skip


def create(key: str) -> None:
    pairs = [(f"{key} Вал {i}", rng.randint(1, 99)) for i in range(rng.randint(5, 40))]
    note({"key": key, "op": "create", "comment": f"{TAG} {key}", "after": state("need", 1, pairs)})
    draft = OrderDraft(customer_id=CUSTOMER, need_date=date(2026, 11, 28), comment=f"{TAG} {key}",
                       lines=tuple(line(n, q) for n, q in pairs))  # fmt: skip
    with desk.writing() as a:
        order_id, _ = orders.create_order(a, draft)
    note({"done": key, "order_id": order_id})


def edit_lines(key: str, order: dict) -> None:
    kept = [ln for ln in order["lines"] if rng.random() < 0.7] or order["lines"][:1]
    edits, pairs = [], []
    for ln in kept:
        quantity = ln["quantity"] if rng.random() < 0.6 else rng.randint(1, 99)
        edits.append(LineEdit(ln["id"], line(ln["name"], quantity)))
        pairs.append((ln["name"], quantity))
    for i in range(rng.randint(1, 10)):
        edits.append(LineEdit(None, line(f"{key} Фланец {i}", rng.randint(1, 99))))
        pairs.append((f"{key} Фланец {i}", edits[-1].draft.quantity))
    stored = [(x["name"], x["quantity"]) for x in order["lines"]]
    before = state(order["status"], order["version"], stored)
    after = state(order["status"], order["version"] + 1, pairs)
    note({"key": key, "op": "lines", "order_id": order["id"], "before": before, "after": after})
    with desk.writing() as a:
        version = lines.save_lines(a, order["id"], order["version"], edits)
    note({"done": key, "version": version})


def move(key: str, order: dict) -> None:
    cancel = order["status"] not in NEXT or rng.random() < 0.1
    to = "cancelled" if cancel else NEXT[order["status"]]
    pairs = [(x["name"], x["quantity"]) for x in order["lines"]]
    before = state(order["status"], order["version"], pairs)
    after = state(to, order["version"] + 1, pairs)
    note({"key": key, "op": "status", "order_id": order["id"], "before": before, "after": after})
    with desk.writing() as a:
        event_id = status.change_status(
            a, order["id"], to, comment="заказчик передумал" if cancel else None
        )
    note({"done": key, "event_id": event_id, "to": to})


def write_until_killed(round_no: int) -> None:
    global journal, MATERIAL, CUSTOMER
    rng.seed(round_no)
    journal = open(journal_path, "a", encoding="utf-8")  # open until the kill
    with desk.reading() as a:
        MATERIAL = a.execute("SELECT id FROM materials WHERE grade = '40Х'").fetchone()[0]
        CUSTOMER = a.execute("SELECT min(id) FROM customers").fetchone()[0]
    seq = 0
    while True:
        seq += 1
        key = f"r{round_no}.{seq}"
        open_orders = [o for o in my_orders() if o["status"] != "cancelled"]
        choice = rng.random()
        if len(open_orders) < 3 or choice < 0.35:
            create(key)
        elif choice < 0.7:
            edit_lines(key, rng.choice(open_orders))
        else:
            move(key, rng.choice(open_orders))


MATERIAL = CUSTOMER = None
# fork() copies only the calling thread: a lock held by another thread would stay held forever.
assert threading.active_count() == 1, threading.enumerate()
print("ready", flush=True)
for line_ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        try:
            write_until_killed(int(line_))
        finally:
            os._exit(1)  # only a failed save ends a writer (its traceback is on stderr)
    try:
        os.setpgid(pid, pid)  # also here: the test may kill the group before the child ran
    except OSError:
        pass
    print(f"child {pid}", flush=True)
    _, status_ = os.waitpid(pid, 0)
    print(f"exit {os.waitstatus_to_exitcode(status_)}", flush=True)

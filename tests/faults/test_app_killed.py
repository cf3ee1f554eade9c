"""The app SIGKILLed mid-save 20 times: no partial order, no lost save, the store opens whole.

"The app" is killed at its service layer: app_writer.py makes the saves a Streamlit page makes
(the same Desk(store, login).writing() and service calls, which the Streamlit server runs in its
own process), so a SIGKILL of the server mid-save is this kill. Killing the real Streamlit
server mid-save would need a browser driving a page per save and could not aim at the save.
Each writer is forked from one warm process (app_writer.py), so a restart costs milliseconds.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from processes import kill_group

from ingest.store import Store

WRITER = Path(__file__).parent / "app_writer.py"
KILLS = 20


def _read_journal(path: Path) -> tuple[list[dict], dict[str, dict]]:
    """(intents in order, results by key); a line cut by the kill is not an entry."""
    intents, results = [], {}
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(text)
        except json.JSONDecodeError:
            continue
        if "done" in entry:
            results[entry["done"]] = entry
        else:
            intents.append(entry)
    return intents, results


def _stored(conn) -> dict[int, dict]:
    """Each test order's state as the writer journals it."""
    found = {}
    for order_id, comment, status, version in conn.execute(
        "SELECT id, comment, status, version FROM orders WHERE comment LIKE 'fault-app %'"
    ).fetchall():
        pairs = conn.execute(
            "SELECT name, quantity FROM order_lines WHERE order_id = ?", [order_id]
        ).fetchall()
        found[order_id] = {
            "comment": comment,
            "state": {"status": status, "version": version,
                      "lines": sorted([n, q] for n, q in pairs)},
        }  # fmt: skip
    return found


def _check_every_save(intents, results, stored, conn) -> Counter:
    """Every journaled save is there; every order is in the state of exactly one of its saves."""
    outcome = Counter()
    by_comment = {o["comment"]: order_id for order_id, o in stored.items()}
    last: dict[int, dict] = {}
    for intent in intents:
        done = results.get(intent["key"])
        if intent["op"] == "create":
            order_id = done["order_id"] if done else by_comment.get(intent["comment"])
            if done:
                assert order_id in stored, f"lost: {intent['key']} order {order_id}"
            if order_id is None:
                outcome["create cut before commit"] += 1
                continue
            intent = {**intent, "order_id": order_id, "before": None}
        if done and intent["op"] == "status":
            event = conn.execute(
                "SELECT order_id, to_status FROM status_events WHERE id = ?", [done["event_id"]]
            ).fetchone()
            assert event == (intent["order_id"], done["to"]), f"lost: {intent['key']}"
        last[intent["order_id"]] = {**intent, "done": bool(done)}
    assert set(last) == set(stored), "an order no save of the journal made"
    for order_id, intent in last.items():
        actual = stored[order_id]["state"]
        if intent["done"]:
            assert actual == intent["after"], f"order {order_id}: {intent['key']}"
            continue
        # The kill cut this save: the order is as before it or as after it, never in between.
        assert actual in (intent["before"], intent["after"]), f"partial: order {order_id}"
        outcome[
            "save cut, committed" if actual == intent["after"] else "save cut, rolled back"
        ] += 1
    return outcome


def _check_integrity(conn) -> int:
    """Status history chains up to the order's status; no orphans; every row of every table reads
    (DuckDB verifies each block's checksum as it reads it). Returns the rows read."""
    broken = conn.execute(
        "WITH e AS (SELECT order_id, from_status, to_status, "
        "lag(to_status) OVER (PARTITION BY order_id ORDER BY id) AS prev, "
        "row_number() OVER (PARTITION BY order_id ORDER BY id DESC) AS from_end "
        "FROM status_events) "
        "SELECT count(*) FROM e JOIN orders o ON o.id = e.order_id "
        "WHERE o.comment LIKE 'fault-app %' AND (e.from_status IS DISTINCT FROM e.prev "
        "OR (e.from_end = 1 AND e.to_status <> o.status))"
    ).fetchone()[0]
    assert broken == 0
    orphans = conn.execute(
        "SELECT (SELECT count(*) FROM order_lines l WHERE NOT EXISTS "
        "(SELECT 1 FROM orders o WHERE o.id = l.order_id)) + (SELECT count(*) FROM "
        "order_line_surcharges s WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.id = "
        "s.line_id))"
    ).fetchone()[0]
    assert orphans == 0
    tables = [r[0] for r in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()]  # fmt: skip
    return sum(conn.sql(f'SELECT * FROM "{t}"').to_arrow_table().num_rows for t in tables)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_app_killed_20_times_mid_save_loses_nothing_and_leaves_no_partial_order(
    demo_home, tmp_path
):
    store = Store.open(demo_home)
    journal = tmp_path / "journal.jsonl"
    rng = random.Random(20)
    started = time.monotonic()
    forker = subprocess.Popen(
        [sys.executable, str(WRITER), str(demo_home), str(journal)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert forker.stdout.readline().strip() == "ready"
        for round_no in range(KILLS):
            forker.stdin.write(f"{round_no}\n")
            forker.stdin.flush()
            writer = int(forker.stdout.readline().split()[1])
            time.sleep(rng.uniform(0.05, 1.5))  # a few saves, then the kill lands anywhere
            kill_group(writer)
            assert forker.stdout.readline().strip() == "exit -9", "the writer stopped by itself"
            with store.read() as conn:  # opens at once after every kill, its log replayed
                conn.execute("SELECT count(*) FROM orders").fetchone()
    finally:
        kill_group(forker.pid)
        forker.wait()

    intents, results = _read_journal(journal)
    with store.read() as conn:
        outcome = _check_every_save(intents, results, _stored(conn), conn)
        rows = _check_integrity(conn)
    with store.write() as tx:  # and it takes the next save
        tx.execute("UPDATE orders SET comment = comment WHERE comment LIKE 'fault-app %'")
    ops = Counter(i["op"] for i in intents if i["key"] in results)
    assert ops["create"] and ops["lines"] and ops["status"]
    print(
        f"\n{KILLS} kills in {time.monotonic() - started:.1f} s; saves journaled {dict(ops)}; "
        f"kills inside a save: {dict(outcome)}; rows read back: {rows}"
    )

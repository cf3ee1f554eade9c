"""A writer killed with SIGKILL mid-save leaves no partial order, and the database opens."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plant_fixtures import NOW, make_minimal_plant, order_draft

from ingest.repos.orders import create_order

WRITER = Path(__file__).parent / "crash_writer.py"
LINES = 40


def _partial_orders(conn) -> int:
    return conn.execute(
        "SELECT count(*) FROM orders o WHERE "
        "(SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) <> ? "
        "OR (SELECT count(*) FROM status_events e WHERE e.order_id = o.id) <> 1 "
        "OR (SELECT count(*) FROM audit_log a WHERE a.entity_id = o.id) <> 2",
        [LINES],
    ).fetchone()[0]


@pytest.mark.slow
def test_sigkill_mid_save_leaves_no_partial_order(tmp_path):
    store = make_minimal_plant(tmp_path)
    rng = random.Random(7)
    committed_before = 0
    for _round in range(6):
        writer = subprocess.Popen(
            [sys.executable, str(WRITER), str(tmp_path), str(LINES)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        writer.stdout.readline()  # at least one order committed in this round
        time.sleep(rng.uniform(0.05, 0.6))  # then kill it at a random moment of a save
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        # A reader first: it must see only whole orders, even with a crashed writer's log present.
        with store.read() as conn:
            assert _partial_orders(conn) == 0
            committed = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
        assert committed > committed_before  # what was committed before the kill is still there
        committed_before = committed
        with store.write() as tx:  # and the plant takes new saves right away
            create_order(tx, actor_id=1, draft=order_draft(LINES, "after"), now=NOW)
        committed_before += 1
    with store.read() as conn:
        assert _partial_orders(conn) == 0
        assert conn.execute("SELECT count(DISTINCT number) FROM orders").fetchone()[0] == (
            committed_before
        )

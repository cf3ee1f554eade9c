"""Saves large orders in a loop until killed (used by the SIGKILL test)."""

import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).parent)]

from plant_fixtures import NOW, order_draft  # noqa: E402

from ingest.repos.orders import create_order  # noqa: E402
from ingest.store import Store  # noqa: E402

store = Store.open(sys.argv[1])
lines = int(sys.argv[2])
i = 0
while True:
    with store.write() as tx:
        create_order(tx, actor_id=1, draft=order_draft(lines, f"crash-{i}"), now=NOW)
    i += 1
    print(i, flush=True)

"""A save refused for want of room, where no disk can be filled (no permission to mount one).

    python file_limit_save.py HOME ORDER_ID LOGIN

The soft RLIMIT_FSIZE of this process is lowered below what the save must write: the kernel
refuses the write (EFBIG, "File too large") as a full disk refuses it (ENOSPC). Then the limit is
lifted — the space freed — and the same save is made again. Prints one JSON line.
"""

import json
import resource
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ingest.service import Desk, status
from ingest.store import Store, StoreError

home, order_id, login = sys.argv[1], int(sys.argv[2]), sys.argv[3]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write is an error, not a dead process
store = Store.open(home)
store.ensure_schema()  # migrations checked before the limit: only the save itself is refused


def events() -> int:
    with store.read() as conn:
        return conn.execute("SELECT count(*) FROM status_events").fetchone()[0]


def save() -> int:
    with Desk(store, login).writing() as a:
        return status.change_status(a, order_id, "agreed")


before = events()
resource.setrlimit(resource.RLIMIT_FSIZE, (100, resource.RLIM_INFINITY))
try:
    save()
    refused = None
except StoreError as exc:
    refused = {"type": type(exc).__name__, "message": str(exc)}
during = events()  # reading needs no room
resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
after_freeing = events()
event_id = save()
outcome = {"before": before, "refused": refused, "during": during, "after_freeing": after_freeing}
print(json.dumps({**outcome, "saved_event": event_id, "final": events()}))

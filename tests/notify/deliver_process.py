"""One deliverer process for the crash and concurrency tests: deliver_due once, print the report.

    python deliver_process.py HOME PORT NOW_ISO [GO_FILE]

With GO_FILE it waits (after the slow imports) until that file exists, so that two processes
start delivering at the same moment.
"""

import json
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ingest.notify.outbox import deliver_due
from ingest.notify.smtp_settings import SmtpSettings
from ingest.store import Store

home, port, now = sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
store = Store.open(home)
store.ensure_schema()
print("ready", flush=True)
if len(sys.argv) > 4:
    while not Path(sys.argv[4]).exists():
        time.sleep(0.005)
report = deliver_due(store, SmtpSettings("127.0.0.1", port, timeout_s=30), now)
print(json.dumps(report.__dict__), flush=True)

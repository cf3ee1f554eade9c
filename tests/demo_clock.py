"""The demo plant's "today" for tests (the plant is built as of this date)."""

from datetime import date, datetime

DEMO_AS_OF = date(2026, 11, 28)
DEMO_NOW = datetime(2026, 11, 28, 11, 0, 0)

"""Desk: one user's short transactions on the store (what a page or a CLI command holds)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from ingest.service.acting import Acting, acting
from ingest.store import Store


@dataclass
class Desk:
    store: Store
    login: str
    clock: Callable[[], datetime] = field(default=datetime.now)

    @contextmanager
    def reading(self) -> Iterator[Acting]:
        with self.store.read() as conn:
            yield acting(conn, self.login, self.clock())

    @contextmanager
    def writing(self) -> Iterator[Acting]:
        with self.store.write() as conn:
            yield acting(conn, self.login, self.clock())

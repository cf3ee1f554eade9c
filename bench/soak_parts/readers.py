"""One reader process: a leadership (or finance) user refreshing dashboards in a loop.

A refresh reads what the pages read: Overview and Payments (the viewer from the store, then one
MartReader session on the published build: freshness, the filter choices, the page's load with
the default period) and the order list (Desk(store, login).reading(): the managers for the filter,
the first 500 orders and their count). Each page view is timed. Before the first build is
published a mart page shows a notice, not an error: counted as `not_published`.
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass
from typing import Any

from .shown_errors import ShownErrors
from .writer import wait_for_start


@dataclass(frozen=True)
class ReaderConfig:
    worker: int
    home: str
    login: str
    pause_ms: float


def _mart_page(store, home: str, login: str, page: str) -> str:
    """One analytics page view; returns the build it showed."""
    from dashboards.analytics import overview, payments
    from dashboards.analytics.filters import AnalyticsFilters, default_period
    from dashboards.analytics.reader import MartReader
    from dashboards.analytics.viewer import viewer_for
    from dashboards.analytics.widgets import filter_choices

    viewer = viewer_for(store, login)
    viewer.require(page)
    reader = MartReader(home, viewer)
    with reader.session():
        info = reader.freshness()
        filter_choices(reader, info.as_of)
        filters = AnalyticsFilters(*default_period(info.as_of))
        (overview if page == "overview" else payments).load(reader, filters)
    return info.build_id


def _order_list(store, login: str) -> None:
    from ingest.service import Desk, orders
    from ingest.service.orders import OrderFilters
    from ingest.service.users import user_choices

    desk = Desk(store, login)
    with desk.reading() as a:
        user_choices(a, role="sales")
    filters = OrderFilters(limit=500)
    with desk.reading() as a:
        orders.list_orders(a, filters)
        orders.count_orders(a, filters)


def reader_loop(cfg: ReaderConfig, stop, mart_views) -> dict[str, Any]:
    from ingest.store import Store
    from pipelines.published import NotPublishedError

    store = Store.open(cfg.home)
    latencies: dict[str, list[float]] = {"overview": [], "payments": [], "orders": []}
    errors = ShownErrors()
    not_published = 0
    builds: set[str] = set()
    parent = os.getppid()
    while not stop.is_set() and os.getppid() == parent:  # a killed soak leaves no reader behind
        for page in latencies:
            start = time.perf_counter()
            try:
                if page == "orders":
                    _order_list(store, cfg.login)
                else:
                    builds.add(_mart_page(store, cfg.home, cfg.login, page))
                    with mart_views.get_lock():
                        mart_views.value += 1
                latencies[page].append(time.perf_counter() - start)
            except NotPublishedError:  # the page shows "nothing published yet", not an error
                not_published += 1
            except Exception as exc:
                errors.record(page, exc)
            if stop.wait(cfg.pause_ms / 1000):
                break
    return {
        "worker": cfg.worker,
        "login": cfg.login,
        "reads": latencies,
        "not_published": not_published,
        "builds_seen": sorted(builds),
        **errors.as_dict(),
    }


def run_reader(cfg: ReaderConfig, ready, go, stop, out, mart_views) -> None:
    """Process entry point, like writer.run_writer (imports done before saying ready)."""
    try:  # the heavy imports happen before the start
        import dashboards.analytics.widgets
        import dashboards.ui.actions  # noqa: F401
    finally:
        ready.put(cfg.worker)
    if not wait_for_start(go):
        return
    try:
        result = reader_loop(cfg, stop, mart_views)
    except BaseException:
        result = {"worker": cfg.worker, "login": cfg.login, "crashed": traceback.format_exc()}
    out.put(result)

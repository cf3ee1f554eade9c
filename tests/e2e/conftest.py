"""Fixtures of the browser end-to-end tests: the real stack on a fresh demo plant, and Debian's
chromium driven by Playwright.

Without a chromium (ZAKAZ_CHROMIUM, default /usr/bin/chromium) the tests are skipped with the
reason — unless ZAKAZ_E2E_REQUIRED is set (CI sets it; .ci/run installs the browser), when a
missing browser fails them. The stack is started only once a browser is known to be there.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_browser import CHROMIUM, Shots, close, launch, new_page
from e2e_stack import Stack, make_demo_plant, running_stack

TIMINGS: dict[str, float] = {}  # printed at the end of the session (docs/e2e.md quotes them)


@pytest.fixture(scope="session")
def chromium() -> str:
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (
        f"no chromium at {CHROMIUM}: the browser tests need Debian's chromium "
        "(apt-get install chromium; `playwright install` cannot download browsers here) "
        "or ZAKAZ_CHROMIUM pointing at one"
    )
    if os.environ.get("ZAKAZ_E2E_REQUIRED"):
        pytest.fail(f"ZAKAZ_E2E_REQUIRED is set but {reason}")
    pytest.skip(reason)


# Module scope, not session: the browser tests are one file, and a `zakaz up` left running until
# the whole run ends (its Dagster daemon and webserver restart their code servers every minute)
# cost the other test files ~15 minutes of CPU.
@pytest.fixture(scope="module")
def stack(chromium, tmp_path_factory) -> Iterator[Stack]:
    """`zakaz init --demo` + `zakaz run` in a new folder, then the real `zakaz up` on it (app,
    Dagster webserver and daemon, SMTP sink) on free ports; SIGTERM stops it once the browser
    tests are done, and every process it started must be gone."""
    reuse = os.environ.get("ZAKAZ_E2E_RUNNING", "").strip()
    if reuse:  # working on the tests: "PORT:HOME" of a `zakaz up` already running (changed!)
        port, _, home = reuse.partition(":")
        yield Stack(Path(home), Path(home) / "logs" / "e2e-reuse.out", port=int(port))
        return
    root = tmp_path_factory.mktemp("e2e")
    home = root / "plant"
    TIMINGS.update({f"plant {k}": v for k, v in make_demo_plant(home).items()})
    with running_stack(home, root / "up.out") as running:
        TIMINGS["zakaz up ready"] = running.ready_after_s
        yield running
    TIMINGS["zakaz up stopped"] = running.stopped_after_s


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=120_000)
    playwright = sync_playwright().start()
    started = time.monotonic()
    browser = launch(playwright)
    TIMINGS["chromium launch"] = time.monotonic() - started
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture(scope="session")
def shots() -> Shots:
    return Shots.fresh()


@pytest.fixture
def open_page(browser, shots, request):
    """open_page() -> a new page in its own browser context (its own Streamlit session). If
    the test fails, each page it opened is saved as NN-FAILED-<test>.png."""
    pages = []

    def make():
        page = new_page(browser)
        pages.append(page)
        return page

    yield make
    report = getattr(request.node, "rep_call", None)
    for page in pages:
        if report is not None and report.failed and not page.is_closed():
            try:
                shots.take(page, f"FAILED-{request.node.name}", finished=False)
            except Exception as exc:  # a crashed page: the test's own error says more
                print(f"no failure screenshot: {exc}")
        close(page)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_sep("-", "e2e timings")
        for name, seconds in TIMINGS.items():
            if seconds is not None:
                terminalreporter.write_line(f"{name}: {seconds:.1f} s")

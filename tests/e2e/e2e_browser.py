"""Driving the Streamlit app in Debian's chromium with Playwright: launching the browser,
logging in through the real form, Streamlit's widgets, reading its canvas tables, screenshots.

Streamlit reruns the page on every change and draws `st.dataframe` on a canvas; only the rows
and columns on screen are in the DOM (an accessibility table), so `read_grid` scrolls through.
Every wait is an `expect` with a generous timeout: the CI machine has 2 cores and Dagster is
refreshing the marts in the background.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, Playwright, expect

from dashboards.i18n import translate
from dashboards.ui.format import money

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ZAKAZ_CHROMIUM", "/usr/bin/chromium")
# Headless chromium as root in a container, offline: no sandbox (needs user namespaces), no
# GPU, no call-home traffic (component updates, sync, QUIC probes), /tmp not /dev/shm (small
# in containers: pages crash), and no first-run dialogs.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-dev-shm-usage",
]  # fmt: skip
TIMEOUT_MS = 120_000  # one step: a rerun, a page switch, a download (2 cores, dbt running beside)
VIEWPORT = {"width": 1920, "height": 1080}  # wide: the tables' columns all on screen
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


def ru(key: str, **params) -> str:
    """A text as the app shows it in Russian (the app's own catalog, dashboards/i18n)."""
    return translate(key, "ru", **params)


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


# -- screenshots ---------------------------------------------------------------------------


@dataclass
class Shots:
    """Numbered screenshots NN-step.png of one test session, in the order they were taken."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    @classmethod
    def fresh(cls) -> Shots:
        """$ZAKAZ_E2E_SHOTS, else tmp/e2e-shots/ in the repo (which ignores itself in git);
        the previous session's shots are removed so the numbers start at 01."""
        configured = os.environ.get("ZAKAZ_E2E_SHOTS", "").strip()
        folder = Path(configured) if configured else REPO / "tmp" / "e2e-shots"
        if not configured:
            folder.parent.mkdir(parents=True, exist_ok=True)
            (folder.parent / ".gitignore").write_text("*\n", encoding="utf-8")
        if folder.exists():
            for old in folder.glob("[0-9][0-9]-*.png"):
                old.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder)

    def take(self, page: Page, name: str, *, finished: bool = True) -> Path:
        """finished: once the page has settled (not mid-rerun); False for a failure's page."""
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        if finished:
            settle(page)
        page.screenshot(path=str(path))
        self.taken.append(path)
        return path


# -- waiting for Streamlit -----------------------------------------------------------------


def settle(page: Page) -> None:
    """Until the app's script has finished this rerun (the running-man widget is gone, no
    element is marked stale, i.e. left from the previous run) and every widget is drawn
    (Streamlit loads a widget's code on first use and shows a skeleton meanwhile; typing into
    the page then can race with the widget taking its value)."""
    page.wait_for_timeout(250)  # a rerun starts a moment after the click
    for still_running in ('[data-testid="stStatusWidget"]', '[data-stale="true"]',
                          '[data-testid="stSkeleton"]'):  # fmt: skip
        expect(page.locator(still_running)).to_have_count(0, timeout=TIMEOUT_MS)


def new_page(browser: Browser) -> Page:
    """A page in a fresh browser context: its own cookies, so its own Streamlit session."""
    context = browser.new_context(viewport=VIEWPORT, locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def close(page: Page) -> None:
    page.context.close()


def log_in(page: Page, base_url: str, login: str, password: str = "demo", path: str = "") -> None:
    """The real login form, at base_url + path (a deep link shows the form first)."""
    page.goto(base_url + path)
    name = page.get_by_label(ru("common.login.username"))
    expect(name).to_be_visible()
    settle(page)
    dismiss_dialog(page)
    name.fill(login)
    page.get_by_label(ru("common.login.password")).fill(password)
    page.get_by_role("button", name=ru("common.login.submit")).click()
    expect(logout_button(page)).to_be_visible()
    settle(page)


def dismiss_dialog(page: Page) -> None:
    """Streamlit's «Page not found» dialog, shown when the URL names a page not (yet) listed."""
    dialog = page.get_by_role("dialog")
    if dialog.count():
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)


def logout_button(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_role("button", name=ru("common.logout"))


def nav_link(page: Page, title: str) -> Locator:
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)


def nav_titles(page: Page) -> list[str]:
    """The page titles in the sidebar navigation, top to bottom (a long one unfolded first:
    Streamlit shows the first ten and «View N more»)."""
    labels = page.get_by_test_id("stSidebarNavLink").locator("span[label]")
    expect(labels.first).to_be_visible()
    more = page.get_by_test_id("stSidebarNav").get_by_text(re.compile(r"^View \d+ more$"))
    if more.count():
        more.click()
        expect(more).to_have_count(0)
    return [label.get_attribute("label") for label in labels.all()]


def go_to(page: Page, title: str) -> None:
    """Click a page in the sidebar; wait until it is the current page and has run."""
    nav_link(page, title).click()
    expect(nav_link(page, title)).to_have_attribute("aria-current", "page")
    settle(page)


def rerun(page: Page) -> None:
    """Run the page again, as the «R» key does (focus off any input first)."""
    page.get_by_test_id("stMain").get_by_role("heading").first.click()
    page.keyboard.press("r")
    settle(page)


def heading(page: Page, text: str) -> Locator:
    return page.get_by_test_id("stMain").get_by_role("heading", name=text, exact=True)


# -- widgets -------------------------------------------------------------------------------


def selectbox(page: Page, label: str) -> Locator:
    labelled = page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stSelectbox").filter(has=labelled)


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a selectbox by typing it (long lists are virtualised)."""
    selectbox(page, label).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    expect(chosen(page, label)).to_have_value(option)
    settle(page)


def chosen(page: Page, label: str) -> Locator:
    """The selectbox's box, whose value is the option shown as chosen."""
    return selectbox(page, label).get_by_role("combobox")


def type_in(page: Page, label: str, value: str) -> None:
    """Fill a text or number input and commit it (Enter), as a user does."""
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")
    settle(page)


def metric(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )


# -- reading what is shown -----------------------------------------------------------------


def squash(text: str) -> str:
    """Every kind of space as one ordinary space (the app uses several)."""
    return _SPACES.sub(" ", text)


def main_text(page: Page) -> str:
    """All text of the main area, hidden tabs and the tables' accessibility rows included."""
    return squash(page.get_by_test_id("stMain").text_content() or "")


def money_texts(amounts) -> set[str]:
    """Amounts as the app writes them, without the ₽ (so «1 234,50» matches «1 234,50 ₽»)."""
    return {squash(money(Decimal(a), currency=False)) for a in amounts if a is not None}


_GRID_JS = """t => ({
  cols: Number(t.getAttribute('aria-colcount')),
  rows: Number(t.getAttribute('aria-rowcount')),
  heads: [...t.querySelectorAll('th[role=columnheader]')]
           .map(h => [Number(h.getAttribute('aria-colindex')), h.textContent]),
  cells: [...t.querySelectorAll('tbody tr[role=row]')].map(r => [
           Number(r.getAttribute('aria-rowindex')),
           [...r.querySelectorAll('td')].map(c => [Number(c.getAttribute('aria-colindex')),
                                                   c.textContent])]),
})"""


def read_grid(page: Page, frame: Locator) -> list[dict[str, str]]:
    """Every row of an st.dataframe as {column header: cell text}, scrolling the canvas grid
    down until its accessibility table has shown every row. Fails if a column is off screen
    (the check would be blind to it): the viewport is wide enough for the app's tables."""
    return _scan_grid(page, frame, until=None)


def show_row(page: Page, frame: Locator, match: Callable[[dict[str, str]], bool]) -> dict | None:
    """Scroll the grid from its top until a row matching is on screen; that row, or None."""
    frame.hover()
    page.mouse.wheel(0, -100_000)
    rows = _scan_grid(page, frame, until=match)
    found = [r for r in rows if match(r)]
    return found[0] if found else None


def _scan_grid(page: Page, frame: Locator, until) -> list[dict[str, str]]:
    table = frame.locator("table[role=grid]")
    expect(table).to_be_attached()
    frame.hover()  # the wheel scrolls what is under the mouse
    heads: dict[int, str] = {}
    rows: dict[int, dict[int, str]] = {}

    def named(cells: dict[int, str]) -> dict[str, str]:
        return {squash(heads[c]): squash(text) for c, text in cells.items()}

    while True:
        seen = table.evaluate(_GRID_JS)
        heads.update(dict(seen["heads"]))
        assert len(heads) == seen["cols"], f"columns off screen: {len(heads)} of {seen['cols']}"
        for index, cells in seen["cells"]:
            rows.setdefault(index, {}).update(dict(cells))
        if until is not None and any(until(named(dict(c))) for _, c in seen["cells"]):
            break
        if len(rows) >= seen["rows"] - 1:  # aria-rowcount counts the header row
            break
        moved = _scroll_grid(page, table, seen)
        assert moved, f"the table showed {len(rows)} of {seen['rows'] - 1} rows"
    return [named(rows[i]) for i in sorted(rows)]


def _scroll_grid(page: Page, table: Locator, seen: dict) -> bool:
    """Scroll the grid by a few rows (fewer than it shows, so none is skipped) and wait until
    its accessibility table follows (it lags the canvas); False if it no longer moves."""
    first = seen["cells"][0][0] if seen["cells"] else None
    page.mouse.wheel(0, 35 * max(1, len(seen["cells"]) // 2))  # rows are 35 px high
    for _ in range(30):
        page.wait_for_timeout(100)
        now = table.evaluate(_GRID_JS)["cells"]
        if now and now[0][0] != first:
            return True
    return False

"""Screenshots of every analytics page, taken with headless Chromium through the running app.

    .venv/bin/python scripts/screenshots.py [--home DIR] [--scale 1] [--out docs/screenshots]
                                            [--login makarova] [--password demo] [--format png]

The plant: --home if it already has published marts; a --home with only a store gets one
`zakaz run`; without --home a demo plant is built in a temporary folder (`zakaz init --demo
--scale N --as-of 2026-11-28` + `zakaz run`) and removed at the end.

Then `zakaz up --home DIR --port P --no-dagster` (a free port) serves the app; Playwright
drives Debian's Chromium (/usr/bin/chromium: no browser download, the network is closed, hence
the flags that keep Chromium from calling home): logs in through the real login form, then
opens each analytics page of the navigation registry (dashboards/navigation.py, url paths
`analytics-*`) by its URL link in the sidebar — a fresh page load would start a new Streamlit
session, i.e. the login form again — and waits until the page's title, the «данные на»
freshness caption and a drawn Plotly chart are there and the app has finished running. The
whole page (the app scrolls inside its main block, so the window is made as tall as that) is
saved as docs/screenshots/analytics-<page>.png, 1440 px wide. `--format auto` writes a JPEG
(quality 80) instead when the PNG would exceed --max-kb. `zakaz up` gets SIGTERM at the end,
whatever happened. Prints what it saved; exit 1 if a page could not be shot.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = "2026-11-28"  # the demo plant's "today" (tests/demo_clock.py)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]  # fmt: skip
WIDTH, HEIGHT = 1440, 900
MAX_HEIGHT = 12000  # a runaway page must not produce a gigapixel image
CHART = ".js-plotly-plot .main-svg"
MAIN = '[data-testid="stMain"]'
RUNNING = '[data-testid="stStatusWidget"]'


# --- the plant and the app -------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k not in ("ZAKAZ_HOME", "DAGSTER_HOME", "ZAKAZ_AS_OF")}  # fmt: skip


def zakaz(*args: str) -> list[str]:
    return [sys.executable, "-m", "zakaz.cli", *args]


def _run(argv: list[str], timeout: float) -> None:
    done = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(
            f"не удалось: {' '.join(argv[2:4])}\n{(done.stdout + done.stderr)[-2000:]}"
        )


def prepare_plant(home: Path, scale: int, timeout: float) -> str:
    """A plant with published marts in `home`; says what was done."""
    if (home / "published" / "marts.duckdb").exists():
        return "завод с опубликованными витринами взят как есть"
    done = []
    if not (home / "app.duckdb").exists():
        _run(zakaz("init", "--demo", "--scale", str(scale), "--as-of", AS_OF,
                   "--home", str(home)), timeout)  # fmt: skip
        done.append(f"zakaz init --demo --scale {scale}")
    _run(zakaz("run", "--home", str(home), "--as-of", AS_OF), timeout)
    return ", ".join([*done, "zakaz run"])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_app(home: Path, port: int, log: Path) -> subprocess.Popen:
    """`zakaz up --no-dagster` in its own process group (so a last-resort kill reaches the app
    it started, and nothing else)."""
    out = log.open("w", encoding="utf-8")
    return subprocess.Popen(
        zakaz("up", "--home", str(home), "--port", str(port), "--no-dagster"),
        cwd=ROOT, env=_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def wait_for_app(proc: subprocess.Popen, base: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"zakaz up завершился (код {proc.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"приложение не ответило за {timeout:.0f} с:\n{log.read_text()}")


def stop_app(proc: subprocess.Popen) -> None:
    """SIGTERM (zakaz up stops its children); SIGKILL to its group only if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


# --- the browser -----------------------------------------------------------------------------


def analytics_pages() -> list[tuple[str, str]]:
    """(url_path, Russian title) of every analytics page of the navigation registry."""
    from dashboards.i18n import translate
    from dashboards.navigation import PAGES

    return [(p.url_path, translate(p.title, "ru")) for p in PAGES
            if p.url_path.startswith("analytics-")]  # fmt: skip


def log_in(page, base: str, login: str, password: str, timeout_ms: int) -> None:
    from dashboards.i18n import translate

    page.goto(base + "/")
    page.get_by_label(translate("common.login.username", "ru")).fill(login, timeout=timeout_ms)
    page.get_by_label(translate("common.login.password", "ru")).fill(password)
    page.get_by_role("button", name=translate("common.login.submit", "ru")).click()
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=timeout_ms)


def settle(page, timeout_ms: int) -> None:
    """Until the script run is over and the number of drawn charts has stopped changing."""
    deadline = time.monotonic() + timeout_ms / 1000
    last, stable_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        running = page.locator(RUNNING).is_visible()
        charts = page.locator(CHART).count()
        if charts != last or running:
            last, stable_since = charts, time.monotonic()
        elif time.monotonic() - stable_since > 1.5:
            return
        time.sleep(0.25)


def open_page(page, url_path: str, title: str, timeout_ms: int) -> None:
    """Follow the page's URL link in the sidebar (same session) and wait until it is drawn."""
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{url_path}"]').click()
    page.wait_for_url(f"**/{url_path}", timeout=timeout_ms)
    page.locator("h1", has_text=title).first.wait_for(timeout=timeout_ms)
    page.get_by_text("данные на ").first.wait_for(timeout=timeout_ms)
    page.locator(CHART).first.wait_for(timeout=timeout_ms)
    settle(page, timeout_ms)


def problems(page) -> list[str]:
    shown = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    return [text[:200] for text in shown.all_inner_texts()]


def shoot(page, path_stem: Path, fmt: str, max_kb: int) -> Path:
    """The whole page: the window made as tall as the app's scrolling main block."""
    height = page.evaluate(
        f"() => {{ const m = document.querySelector('{MAIN}');"
        " return m ? m.scrollHeight : document.documentElement.scrollHeight; }"
    )
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, min(int(height), MAX_HEIGHT))})
    time.sleep(0.8)  # the layout follows the new window size
    try:
        png = page.screenshot(type="png")
        if fmt == "png" or (fmt == "auto" and len(png) <= max_kb * 1024):
            path = path_stem.with_suffix(".png")
            path.write_bytes(png)
        else:
            path = path_stem.with_suffix(".jpg")
            path.write_bytes(page.screenshot(type="jpeg", quality=80))
    finally:
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    for other in (".png", ".jpg"):  # one file per page: no stale twin in the other format
        if other != path.suffix:
            path_stem.with_suffix(other).unlink(missing_ok=True)
    return path


def take_all(base: str, out: Path, args) -> list[dict]:
    from playwright.sync_api import sync_playwright

    timeout_ms = int(args.page_timeout * 1000)
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT},
                                          locale="ru-RU", device_scale_factor=1)  # fmt: skip
            page = context.new_page()
            log_in(page, base, args.login, args.password, timeout_ms)
            for url_path, title in analytics_pages():
                started = time.monotonic()
                try:
                    open_page(page, url_path, title, timeout_ms)
                except Exception as error:
                    shots.append({"page": url_path, "error": str(error).splitlines()[0]})
                    continue
                path = shoot(page, out / url_path, args.format, args.max_kb)
                shots.append({
                    "page": url_path, "title": title, "file": str(path),
                    "kb": round(path.stat().st_size / 1024), "problems": problems(page),
                    "seconds": round(time.monotonic() - started, 1),
                })  # fmt: skip
        finally:
            browser.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", type=Path, help="папка завода (по умолчанию — новый во временной)")
    p.add_argument("--scale", type=int, default=1, help="масштаб нового демо-завода (1)")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="куда сохранять")
    p.add_argument("--login", default="makarova")
    p.add_argument("--password", default="demo")
    p.add_argument("--format", choices=("png", "jpg", "auto"), default="auto",
                   help="auto: PNG, а если больше --max-kb — JPEG 80")  # fmt: skip
    p.add_argument("--max-kb", type=int, default=600)
    p.add_argument("--page-timeout", type=float, default=120, help="ожидание страницы, с")
    p.add_argument("--timeout", type=float, default=1800, help="предел на сборку завода, с")
    args = p.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"нет {CHROMIUM} (apt-get install chromium)")
    temp = None if args.home else Path(tempfile.mkdtemp(prefix="zakaz-screenshots-"))
    home = (args.home or temp / "plant").resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    proc = None
    try:
        print(f"Завод {home}: {prepare_plant(home, args.scale, args.timeout)}", flush=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = home / "logs" / "screenshots-up.log"  # next to zakaz up's own logs
        log.parent.mkdir(parents=True, exist_ok=True)
        proc = start_app(home, port, log)
        wait_for_app(proc, base, log, 120)
        print(f"Приложение: {base} (zakaz up, pid {proc.pid})", flush=True)
        shots = take_all(base, args.out, args)
    finally:
        if proc is not None:
            stop_app(proc)
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    failed = [s for s in shots if "error" in s or s["problems"]]
    for s in shots:
        if "error" in s:
            print(f"  {s['page']}: НЕ СНЯТА — {s['error']}")
        else:
            note = f"; на странице: {s['problems']}" if s["problems"] else ""
            print(f"  {s['title']}: {s['file']} ({s['kb']} КБ, {s['seconds']} с){note}")
    print(f"Сохранено {len(shots) - len(failed)} из {len(shots)} в {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

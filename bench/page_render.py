"""Server-side render time of the analytics pages at demo scales 1 and 10, against the time of
the page's raw mart reads.

    .venv/bin/python bench/page_render.py [--scales 1,10] [--reruns 5] [--login makarova]
                                          [--work DIR] [--reuse] [--no-filter] [--json]

For each scale: builds a demo plant in a temporary folder (`zakaz init --demo --scale N
--as-of 2026-11-28`, then one `zakaz run`, so the marts are published; both timed apart, they
are not part of the figures), then measures in a fresh process (ZAKAZ_HOME = that plant):

- page: the Streamlit app (dashboards/streamlit_app.py, the real router) under
  `streamlit.testing.v1.AppTest`, logged in as --login (session seeded from the users row, as
  tests/dashboards/apptest_helpers.py does), switched to the page; one run to warm up (imports,
  caches), then --reruns timed `at.run()`: median and max. That is the whole server side of a
  page view: the router, the access check, the mart reads, Polars, the Plotly figures, the
  tables, the xlsx exports, and AppTest's own handling of the element protos.
- data: the page's data layer alone (viewer_for, MartReader session, freshness, filter_choices,
  then the page's `dashboards/analytics/<module>.load(reader, filters)`), median of --reruns.
- reads: the raw baseline, median of --reruns: open_published + `SELECT * FROM marts.<m>` to
  Polars for every mart the data layer read (recorded from MartReader.frame), in one connection.
- ratio = page median / reads median.

With a filter (unless --no-filter): the same for every page that offers a manager filter, with
the manager who has the most orders picked (set in the widget's session state), so the page
recomputes its figures from the order-grain marts.

The pages come from the navigation registry (dashboards/navigation.py PAGES, url paths
`analytics-*`), their data module from the page file's `from dashboards.analytics import <m>`.
Target: median <= 1.5 s at scale 10. Nothing is written into the repository; the plants are
removed at the end unless --work is given. Exit 1 if a page failed to render.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = "2026-11-28"  # the demo plant's "today" (tests/demo_clock.py)
TARGET_S = 1.5
TARGET_SCALE = 10
APP_FILE = ROOT / "dashboards" / "streamlit_app.py"
_IMPORT = re.compile(r"^from dashboards\.analytics import ([\w, ]+)$", re.MULTILINE)


# --- the pages -------------------------------------------------------------------------------


def analytics_pages() -> list:
    """The analytics PageSpecs of the navigation registry, in menu order."""
    from dashboards.navigation import PAGES

    return [p for p in PAGES if p.url_path.startswith("analytics-")]


def page_key(spec) -> str:
    return spec.url_path.removeprefix("analytics-")


def data_module(spec) -> ModuleType:
    """The dashboards.analytics module whose load(reader, filters) the page calls."""
    names = [n.strip() for m in _IMPORT.finditer(spec.file.read_text("utf-8"))
             for n in m.group(1).split(",")]  # fmt: skip
    for name in names:
        module = importlib.import_module(f"dashboards.analytics.{name}")
        if callable(getattr(module, "load", None)):
            return module
    raise LookupError(f"{spec.path}: не найден модуль dashboards.analytics с load()")


def page_filters(key: str, as_of: date, manager_id: int | None = None):
    """The filters the page's filter bar starts with (its default period, if it has one), plus
    one manager when given."""
    from dashboards.analytics.filters import PAGE_FILTERS, AnalyticsFilters, default_period

    start, end = default_period(as_of) if "period" in PAGE_FILTERS[key] else (None, None)
    managers = (manager_id,) if manager_id is not None else ()
    return AnalyticsFilters(start, end, managers)


# --- measuring (in the child process, ZAKAZ_HOME = the plant) --------------------------------


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def _timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _recording_reader(home: str, viewer, marts: list[str]):
    """A MartReader that notes which marts it was asked for."""
    from dashboards.analytics.reader import MartReader

    class RecordingReader(MartReader):
        def frame(self, mart, *args, **kwargs):
            if mart not in marts:
                marts.append(mart)
            return super().frame(mart, *args, **kwargs)

    return RecordingReader(home, viewer)


def data_view(home: str, login: str, spec, manager_id: int | None, marts: list[str]):
    """What the page's data layer does for one view; returns the module's data object."""
    from dashboards.analytics.viewer import viewer_for
    from dashboards.analytics.widgets import filter_choices
    from ingest.store import Store

    viewer = viewer_for(Store.open(home), login)
    reader = _recording_reader(home, viewer, marts)
    with reader.session():
        info = reader.freshness()
        filter_choices(reader, info.as_of)
        filters = page_filters(page_key(spec), info.as_of, manager_id)
        return data_module(spec).load(reader, filters)


def raw_reads(home: str, marts: list[str]) -> None:
    from pipelines.published import open_published

    with open_published(home) as conn:
        for mart in marts:
            conn.sql(f'SELECT * FROM marts."{mart}"').pl()


def _session_user(home: str, login: str):
    from dashboards.session import SessionUser
    from ingest.store import Store

    with Store.open(home).read() as conn:
        row = conn.execute(
            "SELECT id, login, full_name, role, is_head FROM users WHERE login = ?", [login]
        ).fetchone()
    if row is None:
        raise SystemExit(f"нет пользователя {login!r} на заводе {home}")
    return SessionUser(int(row[0]), row[1], row[2], row[3], bool(row[4]))


def _recomputed_texts() -> set[str]:
    from dashboards.i18n import known_keys, translate

    return {translate(k, "ru") for k in known_keys() if k.endswith(".recomputed")}


def page_view(home: str, login: str, spec, reruns: int, timeout: float,
              manager_id: int | None) -> dict:  # fmt: skip
    """Warm-up run of the page in AppTest, then `reruns` timed reruns."""
    from streamlit.testing.v1 import AppTest

    from dashboards.session import AUTH_KEY

    at = AppTest.from_file(str(APP_FILE), default_timeout=timeout)
    at.session_state[AUTH_KEY] = {"user": _session_user(home, login), "last_seen": datetime.now()}
    at.run()
    at.switch_page(spec.path)
    if manager_id is not None:
        at.session_state[f"analytics_{page_key(spec)}_manager"] = [manager_id]
    started = time.perf_counter()
    at.run()
    warm = time.perf_counter() - started
    times = _timed(at.run, reruns)
    captions = [c.value for c in at.caption]
    problems = [e.value for e in at.exception] + [e.value for e in at.error]
    titles = [x.value for x in at.title]
    return {
        "warmup_s": round(warm, 4),
        "median_s": _median(times),
        "max_s": round(max(times), 4),
        "runs_s": [round(x, 4) for x in times],
        "title": titles[0] if titles else None,
        "fresh": any(c.startswith("данные на ") for c in captions),
        "recomputed": bool(_recomputed_texts() & set(captions)),
        "charts": len(at.get("plotly_chart")),
        "metrics": len(at.metric),
        "tables": len(at.dataframe),
        "problems": [str(p)[:300] for p in problems],
    }


def busiest_manager(home: str) -> int | None:
    from pipelines.published import open_published

    with open_published(home) as conn:
        row = conn.execute(
            "SELECT sales_manager_id FROM marts.order_economics WHERE sales_manager_id IS NOT NULL"
            " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
    return row[0] if row else None


def measure_one(home: str, login: str, spec, reruns: int, timeout: float,
                manager_id: int | None) -> dict:  # fmt: skip
    marts: list[str] = []
    data = data_view(home, login, spec, manager_id, marts)  # warm-up, and the marts it reads
    data_times = _timed(lambda: data_view(home, login, spec, manager_id, []), reruns)
    raw_reads(home, marts)  # warm-up
    raw_times = _timed(lambda: raw_reads(home, marts), reruns)
    page = page_view(home, login, spec, reruns, timeout, manager_id)
    reads = _median(raw_times)
    return {
        "page": page_key(spec),
        "url_path": spec.url_path,
        "file": spec.path,
        "filter": None if manager_id is None else f"manager={manager_id}",
        **page,
        "data_s": _median(data_times),
        "data_recomputed": getattr(data, "recomputed", None),
        "reads_s": reads,
        "marts": marts,
        "ratio": round(page["median_s"] / reads, 1) if reads else None,
    }


def measure_home(home: str, login: str, reruns: int, timeout: float, with_filter: bool) -> dict:
    """Every analytics page of the registry on this plant (the child process's job)."""
    from dashboards.analytics.filters import PAGE_FILTERS
    from pipelines.published import published_info

    info = published_info(home)
    if info is None:
        raise SystemExit(f"на заводе {home} нет опубликованных витрин (zakaz run)")
    manager = busiest_manager(home) if with_filter else None
    rows = []
    for spec in analytics_pages():
        rows.append(measure_one(home, login, spec, reruns, timeout, None))
        if manager is not None and "manager" in PAGE_FILTERS[page_key(spec)]:
            rows.append(measure_one(home, login, spec, reruns, timeout, manager))
    return {"as_of": info.as_of.isoformat(), "rows_by_mart": info.rows, "pages": rows}


# --- plants and child processes (the parent) -------------------------------------------------


def _env(home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("ZAKAZ_HOME", "DAGSTER_HOME", "ZAKAZ_AS_OF")}  # fmt: skip
    if home is not None:
        env["ZAKAZ_HOME"] = str(home)
    return env


def _run(argv: list[str], timeout: float, env: dict | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env or _env(), capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip
    seconds = round(time.perf_counter() - started, 1)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-2000:]
        raise SystemExit(f"команда не удалась ({' '.join(argv[2:5])}…):\n{tail}")
    return seconds, done.stdout


def zakaz(*args: str) -> list[str]:
    return [sys.executable, "-m", "zakaz.cli", *args]


def build_plant(home: Path, scale: int, timeout: float) -> dict:
    """A demo plant with published marts: `zakaz init --demo` and one `zakaz run`."""
    home.parent.mkdir(parents=True, exist_ok=True)
    init_s, _ = _run(zakaz("init", "--demo", "--scale", str(scale), "--as-of", AS_OF,
                           "--home", str(home), "--force"), timeout)  # fmt: skip
    run_s, _ = _run(zakaz("run", "--home", str(home), "--as-of", AS_OF), timeout)
    return {"init_s": init_s, "run_s": run_s}


def measure_scale(scale: int, work: Path, args) -> dict:
    home = work / f"scale-{scale}"
    reuse = args.reuse and (home / "published" / "marts.duckdb").exists()
    built = None if reuse else build_plant(home, scale, args.timeout)
    argv = [sys.executable, str(Path(__file__).resolve()), "--measure", str(home),
            "--login", args.login, "--reruns", str(args.reruns),
            "--timeout", str(args.timeout)]  # fmt: skip
    if args.no_filter:
        argv.append("--no-filter")
    load_before = os.getloadavg()
    _, out = _run(argv, args.timeout, _env(home))
    return {"scale": scale, "plant": built, "load_before": load_before,
            "load_after": os.getloadavg(), **json.loads(out)}  # fmt: skip


# --- report ----------------------------------------------------------------------------------


def verdict(scale: int, row: dict) -> str:
    if row["problems"] or not row["fresh"]:
        return "ОШИБКА"
    if scale != TARGET_SCALE:
        return "—"
    return "да" if row["median_s"] <= TARGET_S else "НЕТ"


def print_report(report: dict) -> None:
    load = ", ".join(f"{x:.2f}" for x in report["load_before"])
    print(f"Страницы аналитики: серверное время показа, вход {report['login']}, демо-завод на "
          f"{AS_OF}; повторов {report['reruns']}; ядер {report['cpus']}, load {load}")  # fmt: skip
    head = (f"{'масштаб':>7}  {'страница':<24}{'медиана, с':>11}{'макс, с':>9}{'данные, с':>10}"
            f"{'чтение, с':>10}{'стр/чт':>8}  {'цель ≤1,5 с на x10':<18}")  # fmt: skip
    print(head)
    for result in report["results"]:
        for row in result["pages"]:
            name = row["page"] + (" + менеджер" if row["filter"] else "")
            print(f"{'x' + str(result['scale']):>7}  {name:<24}{row['median_s']:>11.3f}"
                  f"{row['max_s']:>9.3f}{row['data_s']:>10.3f}{row['reads_s']:>10.3f}"
                  f"{row['ratio'] or 0:>8.1f}  {verdict(result['scale'], row):<18}")  # fmt: skip
    for result in report["results"]:
        plant = result["plant"]
        built = (f"init {plant['init_s']} с, zakaz run {plant['run_s']} с" if plant
                 else "завод взят готовым")  # fmt: skip
        orders = result["rows_by_mart"].get("order_economics")
        print(f"x{result['scale']}: заказов в order_economics {orders}; {built}; load "
              f"{result['load_before'][0]:.2f} → {result['load_after'][0]:.2f}")  # fmt: skip
        for row in result["pages"]:
            if row["problems"] or not row["fresh"]:
                print(f"    {row['page']}: {row['problems'] or 'нет подписи «данные на»'}")
    print("медиана/макс — повторный показ страницы в AppTest (роутер, доступ, чтение витрин, "
          "Polars, Plotly, таблицы, xlsx); данные — только dashboards/analytics/<модуль>.load; "
          "чтение — SELECT * тех же витрин; стр/чт = медиана / чтение")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", default="1,10", help="масштабы через запятую (1,10)")
    p.add_argument("--reruns", type=int, default=5, help="замеров на страницу (5)")
    p.add_argument("--login", default="makarova", help="кем войти (makarova, руководство)")
    p.add_argument("--work", type=Path, help="папка для заводов (по умолчанию временная)")
    p.add_argument("--reuse", action="store_true", help="взять готовый завод из --work")
    p.add_argument("--no-filter", action="store_true", help="без замера с фильтром менеджера")
    p.add_argument("--timeout", type=float, default=1800, help="предел на команду, с")
    p.add_argument("--json", action="store_true", help="итог в JSON")
    p.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = p.parse_args(argv)
    if args.reruns < 1:
        p.error("--reruns >= 1")
    if args.measure:
        report = measure_home(str(args.measure), args.login, args.reruns, args.timeout,
                              not args.no_filter)  # fmt: skip
        print(json.dumps(report, ensure_ascii=False, default=str))
        return 0
    try:
        scales = [int(s) for s in re.split(r"[,\s]+", args.scales.strip()) if s]
    except ValueError:
        p.error("--scales: целые числа через запятую, например 1,10")
    if not scales or min(scales) < 1:
        p.error("--scales >= 1")
    work = args.work or Path(tempfile.mkdtemp(prefix="zakaz-page-render-"))
    report = {"as_of": AS_OF, "login": args.login, "reruns": args.reruns,
              "cpus": os.cpu_count(), "load_before": os.getloadavg(), "results": []}  # fmt: skip
    try:
        for scale in scales:
            report["results"].append(measure_scale(scale, work, args))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report["load_after"] = os.getloadavg()
    rows = [(r["scale"], row) for r in report["results"] for row in r["pages"]]
    report["ok"] = all(verdict(s, row) != "ОШИБКА" for s, row in rows)
    report["target_met"] = all(verdict(s, row) != "НЕТ" for s, row in rows)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

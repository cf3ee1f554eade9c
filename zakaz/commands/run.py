"""`zakaz run`: refresh the analytics once, without the Dagster daemon.

Snapshot of the store -> priced lines -> order economics -> dbt marts -> publish, with every
check; prints each stage's time and rows. A failed stage or check is named in one line and the
exit code is non-zero; the published marts then stay those of the previous build.
"""

from __future__ import annotations

import logging
import time
import warnings
from datetime import date

from ingest.store import Store
from zakaz.errors import UserError


def add_parser(sub, common) -> None:
    p = sub.add_parser("run", parents=[common], help="обновить аналитику (снимок, цены, витрины)")
    p.add_argument("--as-of", type=date.fromisoformat, default=None,
                   help="«сегодня» для аналитики, ГГГГ-ММ-ДД (по умолчанию сегодня)")  # fmt: skip
    p.add_argument("--full-refresh", action="store_true",
                   help="пересобрать хранилище витрин с нуля (как ночное обновление)")  # fmt: skip
    p.set_defaults(run=run)


def _quiet() -> None:
    """zakaz prints its own summary: no library warnings or log lines on the terminal."""
    warnings.filterwarnings("ignore")
    for name in ("dagster", "dagster_dbt", "dbt", "alembic"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} с"


def _stage_line(stage) -> str:
    if stage.step == "dbt_models":
        name = f"dbt build: моделей {len(stage.assets)}, проверок {stage.checks}"
    else:
        name = stage.assets[0] if len(stage.assets) == 1 else stage.step
    detail = ""
    meta = stage.metadata
    if "rows_orders" in meta:
        detail = (
            f"заказов {_n(meta['rows_orders'])}, строк {_n(meta['rows_order_lines'])}, "
            f"платежей {_n(meta['rows_payments'])}"
        )
    elif stage.rows is not None:
        detail = f"строк {_n(stage.rows)}"
    if stage.status == "failure":
        detail = "ОШИБКА"
    elif stage.status == "skipped":
        detail = "пропущен"
    return f"  {name:<46} {_seconds(stage.seconds):>8}   {detail}".rstrip()


def run(args) -> int:
    started = time.perf_counter()
    _quiet()
    store = Store.open(args.home)
    if not store.exists():  # before importing Dagster and dbt (seconds)
        raise UserError(f"завод не найден: {store.db_path} (создайте: zakaz init --demo)")
    from pipelines.published import published_info
    from pipelines.refresh import RefreshBusyError, run_refresh
    from pipelines.warehouse import DbtPrepareError

    home = store.paths.home
    as_of = args.as_of
    print(f"Обновление аналитики: {home}, на {(as_of or date.today()):%d.%m.%Y}", flush=True)
    imports = time.perf_counter() - started
    try:
        report = run_refresh(home, as_of, full_refresh=args.full_refresh)
    except RefreshBusyError as exc:
        raise UserError(str(exc), 75) from None
    except DbtPrepareError as exc:
        raise UserError(str(exc), 1) from None
    loading = imports + report.prepare_seconds  # importing and loading the code, dbt parse
    print(f"  {'загрузка кода и манифест dbt':<46} {_seconds(loading):>8}")
    for stage in report.stages:
        print(_stage_line(stage))
    if report.stages and report.stages[-1].assets == ["published/marts"]:
        info = published_info(home)
        if info is not None and report.stages[-1].status == "success":
            print(f"  витрины ({len(info.rows)}):")
            for mart, rows in info.rows.items():
                print(f"      {mart:<40} {_n(rows):>9}")
    passed = sum(c.passed for c in report.checks)
    print(
        f"  проверки: пройдено {passed} из {len(report.checks)}, "
        f"предупреждений {len(report.warnings)}, ошибок {len(report.failed_checks)}"
    )
    for check in report.warnings:
        print(f"  предупреждение: {check.name} ({check.asset}): {check.description}")
    if not report.ok:
        failures = report.failures or ["запуск не завершён"]
        more = f" (и ещё {len(failures) - 1})" if len(failures) > 1 else ""
        log = home / "pipeline" / "last_run.log"
        raise UserError(f"обновление не удалось: {failures[0]}{more}; журнал: {log}", 1)
    info = published_info(home)
    build = f" (сборка {info.build_id})" if info else ""
    total = time.perf_counter() - started
    print(f"Готово за {total:.1f} с: {home / 'published' / 'marts.duckdb'}{build}")
    return 0

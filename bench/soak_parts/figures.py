"""Percentiles and the one-screen summary of a soak."""

from __future__ import annotations

from typing import Any


def pct(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ms(values: list[float]) -> dict[str, Any]:
    """count, p50, p95, max in milliseconds (seconds in)."""
    if not values:
        return {"count": 0, "p50": None, "p95": None, "max": None}
    return {
        "count": len(values),
        "p50": round(pct(values, 0.5) * 1000, 1),
        "p95": round(pct(values, 0.95) * 1000, 1),
        "max": round(max(values) * 1000, 1),
    }


def _lat(s: dict[str, Any]) -> str:
    if not s["count"]:
        return "—"
    return f"p50 {s['p50']:.0f} мс, p95 {s['p95']:.0f} мс, max {s['max']:.0f} мс"


def print_report(r: dict[str, Any]) -> None:
    c, p, v, rd = r["config"], r["pipeline"], r["verify"], r["reads"]
    print(
        f"Нагрузочный тест: писателей {c['writers']}, читателей {c['readers']}, "
        f"{r['elapsed_s']:.0f} с записи, пауза писателя {c['think_ms']:.0f} мс; "
        f"завод {r['plant']['home']} (масштаб {c['scale']})"
    )
    print(
        f"Нагрузка машины (uptime): в начале {r['load_start']}, в конце {r['load_end']}; "
        "этапы, с: " + ", ".join(f"{k} {v}" for k, v in r["phases_s"].items())
    )
    print(
        f"Сохранений: {r['saves']} ({r['saves_per_s']:.1f}/с); задержка сохранения: "
        f"{_lat(r['save_ms'])} (цель p95 ≤ {r['target_save_p95_ms']} мс: "
        f"{'да' if r['save_p95_within_target'] else 'НЕТ'})"
    )
    for op, s in r["save_ms_by_op"].items():
        print(f"    {op:<9} {s['count']:>6}  {_lat(s)}")
    print("По писателям: " + ", ".join(f"{w['login']} {w['saves']}" for w in r["writers"]))
    print(f"Открытий карточки писателями: {_lat(r['card_read_ms'])}")
    print(f"Ошибок, показанных пользователям: {r['errors_shown_total']}")
    for text, n in r["errors_shown"].items():
        print(f"    {n:>5} × {text}")
    print(f"Непредвиденных исключений: {r['unexpected']}; упавших процессов: {len(r['crashed'])}")
    for sample in (r["unexpected_samples"] + r["crashed"])[:3]:
        print("    " + sample.strip().replace("\n", "\n    "))
    print(
        f"Обновления аналитики: успешно {p['runs_ok']}, ошибок {p['runs_failed']}, прервано "
        f"в конце {p['runs_interrupted']}; завершено во время записи "
        f"{p['completed_during_writes']}; длительность {p['run_s']} с; снимок {p['snapshot_s']} с"
    )
    for tail in p["failures"]:
        print("    " + tail.replace("\n", "\n    "))
    print(
        f"Чтений дашбордов: {rd['count']}, p95 {rd['p95_ms']} мс; ошибок {rd['errors_total']}, "
        f"до первой сборки (витрин ещё нет) {rd['not_published']}; сборок увидено "
        f"{rd['builds_seen']}"
    )
    for page, s in rd["by_page"].items():
        print(f"    {page:<9} {s['count']:>6}  {_lat(s)}")
    for text, n in rd["errors"].items():
        print(f"    {n:>5} × {text}")
    print(
        f"Проверка: заказов {v['orders_checked']}, записей журнала {v['entries_checked']}; "
        f"ПОТЕРЯНО {r['entries_lost']}; частичных заказов {v['partial_orders']}; "
        f"расхождений версий {v['version_mismatches']}; карточек не как сохранено "
        f"{r['read_mismatches']}"
    )
    for sample in v["lost_samples"] + v["partial_samples"] + v["version_samples"]:
        print(f"    {sample}")
    for sample in r["read_mismatch_samples"]:
        print(f"    {sample}")
    print(
        "Итог: "
        + ("всё сохранено, сбоев нет" if r["ok"] else "ЕСТЬ ПРОБЛЕМЫ: " + "; ".join(r["problems"]))
    )

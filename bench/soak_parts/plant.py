"""The soak's plant: a demo plant made (or reused) with `zakaz init --demo`, and what the writers
and readers need from it — real sales and analytics logins, customers, and line specs."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from ingest.store import Store

ROOT = Path(__file__).resolve().parents[2]


def clean_env() -> dict[str, str]:
    """The caller's environment without a plant of its own (the soak names its plant)."""
    drop = ("ZAKAZ_HOME", "DAGSTER_HOME", "ZAKAZ_APP_URL")
    return {
        k: v for k, v in os.environ.items() if k not in drop and not k.startswith("ZAKAZ_SMTP_")
    }


def ensure_plant(home: Path, scale: int, as_of: str) -> bool:
    """Build a demo plant at home unless one is there; True when it was built now."""
    if (home / "app.duckdb").exists():
        return False
    argv = [
        sys.executable,
        "-m",
        "zakaz.cli",
        "init",
        "--demo",
        "--scale",
        str(scale),
        "--as-of",
        as_of,
        "--home",
        str(home),
    ]
    done = subprocess.run(
        argv, capture_output=True, text=True, cwd=ROOT, env=clean_env(), timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(f"zakaz init --demo не удался: {done.stderr.strip()}")
    return True


def sales_logins(store: Store) -> list[str]:
    """Active sales users, ordinary managers first (they have the narrowest access), then heads."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT login FROM users WHERE role = 'sales' AND is_active ORDER BY is_head, id"
        ).fetchall()
    if not rows:
        raise RuntimeError("на заводе нет активных менеджеров по продажам")
    return [r[0] for r in rows]


def reader_logins(store: Store) -> list[str]:
    """Users who open the Overview and Payments pages: leadership, then finance."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT login FROM users WHERE role IN ('leadership', 'finance') AND is_active "
            "ORDER BY role = 'finance', is_head DESC, id"
        ).fetchall()
    if not rows:
        raise RuntimeError("на заводе нет пользователей руководства или финансов")
    return [r[0] for r in rows]


def pick(logins: list[str], n: int) -> list[str]:
    """n logins, each a different user while there are enough (then reused in turn)."""
    return [logins[i % len(logins)] for i in range(n)]


def customer_ids(store: Store) -> list[int]:
    with store.read() as conn:
        return [r[0] for r in conn.execute("SELECT id FROM customers ORDER BY id").fetchall()]


def line_specs(store: Store, n: int, seed: int) -> list[dict[str, Any]]:
    """n real line specs (product, drawing, material, blank and sizes) from the plant's orders,
    without prices: what a manager types for a new line."""
    with store.read() as conn:
        cursor = conn.execute(
            "SELECT product_id, drawing_no, name, material_id, blank_shape, diameter_mm, "
            "across_flats_mm, outer_diameter_mm, wall_mm, length_mm, width_mm, thickness_mm, "
            "weight_kg, quantity, complexity FROM order_lines WHERE material_id IS NOT NULL "
            "ORDER BY id"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    if not rows:
        raise RuntimeError("на заводе нет позиций заказов для образцов")
    return random.Random(seed).sample(rows, min(n, len(rows)))

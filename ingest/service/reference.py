"""Reference lists for forms: materials, the product catalog, lead sources (any logged-in user)."""

from __future__ import annotations

from typing import Any

from ingest.service.acting import Acting


def materials(a: Acting) -> list[dict[str, Any]]:
    return a.rows("SELECT id, grade, category, density_kg_m3, needs_review FROM materials "
                  "ORDER BY grade")  # fmt: skip


def products(a: Acting, text: str = "", limit: int = 200) -> list[dict[str, Any]]:
    """Active catalog items matching a drawing number or name."""
    needle = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%") + "%"
    return a.rows(
        "SELECT p.*, m.grade AS material_grade FROM products p "
        "LEFT JOIN materials m ON m.id = p.material_id "
        "WHERE p.is_active AND (p.drawing_no ILIKE ? OR p.name ILIKE ?) "
        "ORDER BY p.drawing_no LIMIT ?",
        [needle, needle, max(1, min(limit, 5000))],
    )


def lead_sources(a: Acting) -> list[dict[str, Any]]:
    return a.rows("SELECT id, code, name FROM lead_sources ORDER BY name")


def plant_setting(a: Acting, key: str, default: str | None = None) -> str | None:
    row = a.execute("SELECT value FROM plant_settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default

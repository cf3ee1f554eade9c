"""Which column feeds which field: automatic by synonyms, corrected by the user, saved per layout.

A layout is the file's header as a whole: its fingerprint is a hash of the kind and the
normalized header labels in order, so next month's register with the same columns finds the
mapping confirmed last month (in the app, stored in `import_mappings`; from the CLI, the same
table, or a JSON file given with --mapping). The JSON format (docs/import.md):

    {"kind": "orders",
     "columns": {"order_number": "№ заказа", "quantity": "Кол-во, шт", "comment": null,
                 "fixed_unit_price": "G"}}

A value is the column's header as shown in the file (or its letter, "G"); null leaves the field
out; fields not listed are mapped automatically.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

import duckdb

from ingest.importing.errors import ImportFileError
from ingest.importing.header import Column, Hints, Table, column_field
from ingest.importing.synonyms import FIELDS, KINDS, ONE_OF, field_spec, normalize_label

FORMAT = "zakaz-import-mapping/1"
_LETTERS = re.compile(r"^[A-Z]{1,3}$")

FieldMap = dict[str, int]  # field -> Column.index


def auto_mapping(kind: str, columns: tuple[Column, ...], hints: Hints | None = None) -> FieldMap:
    """Each field to the column whose header names it best (whole header before one cell of a
    two-row header), the leftmost on a tie; a column feeds at most one field."""
    found = []
    for column in columns:
        match = column_field(kind, column.parts, hints)
        if match:
            found.append((match[0], column.index, match[1]))
    mapping: FieldMap = {}
    used: set[int] = set()
    for _, index, name in sorted(found):
        if name not in mapping and index not in used:
            mapping[name] = index
            used.add(index)
    return mapping


def fingerprint(kind: str, columns: tuple[Column, ...]) -> str:
    """The layout's identity: kind + normalized header labels in order."""
    labels = "\x1f".join(normalize_label(c.label) for c in columns)
    return hashlib.sha256(f"{kind}\x1e{labels}".encode()).hexdigest()[:20]


def find_column(columns: tuple[Column, ...], ref: str) -> Column | None:
    """A column by its header as shown, by the normalized header, or by its letter."""
    for column in columns:
        if column.label == ref:
            return column
    normal = normalize_label(ref)
    for column in columns:
        if normalize_label(column.label) == normal:
            return column
    if _LETTERS.match(ref.strip()):
        for column in columns:
            if column.letter == ref.strip():
                return column
    return None


def apply_overrides(
    kind: str, columns: tuple[Column, ...], base: FieldMap, overrides: Mapping[str, Any]
) -> FieldMap:
    """base with {field: header label | letter | None} applied; ImportFileError on a bad entry."""
    known = {f.name for f in FIELDS[kind]}
    result = dict(base)
    for name, ref in overrides.items():
        if name not in known:
            raise ImportFileError(
                f"сопоставление: поле «{name}» не относится к виду «{kind}»; "
                f"поля: {', '.join(sorted(known))}"
            )
        if ref is None or (isinstance(ref, str) and not ref.strip()):
            result.pop(name, None)
            continue
        if not isinstance(ref, str):
            raise ImportFileError(f"сопоставление: для поля «{name}» нужен заголовок столбца")
        column = find_column(columns, ref)
        if column is None:
            raise ImportFileError(
                f"сопоставление: в файле нет столбца «{ref}» (поле «{field_spec(kind, name).ru}»)"
            )
        for other, index in list(result.items()):
            if index == column.index and other != name:
                del result[other]  # one column feeds one field: the explicit choice wins
        result[name] = column.index
    return result


def check_complete(kind: str, mapping: FieldMap) -> None:
    """Required fields mapped, and one of each ONE_OF group; else ImportFileError."""
    missing = [f.ru for f in FIELDS[kind] if f.required and f.name not in mapping]
    for group in ONE_OF.get(kind, ()):
        if not any(name in mapping for name in group):
            missing.append(" или ".join(field_spec(kind, n).ru for n in group))
    if missing:
        raise ImportFileError(
            "в файле не найдены обязательные столбцы: "
            + ", ".join(f"«{m}»" for m in missing)
            + " — сопоставьте их вручную (в приложении или файлом --mapping)"
        )


def to_json(kind: str, columns: tuple[Column, ...], mapping: FieldMap) -> dict[str, Any]:
    """The mapping as the --mapping file format (every field listed; null = not imported)."""
    by_index = {c.index: c.label for c in columns}
    return {
        "format": FORMAT,
        "kind": kind,
        "layout": fingerprint(kind, columns),
        "columns": {f.name: by_index.get(mapping.get(f.name, -1)) for f in FIELDS[kind]},
    }


def parse_mapping_file(text: str, kind: str) -> dict[str, Any]:
    """The "columns" of a --mapping file, checked for shape and kind."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"файл сопоставления — не JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise ImportFileError('файл сопоставления: нужен объект {"kind": ..., "columns": {...}}')
    if data.get("kind", kind) != kind:
        raise ImportFileError(
            f"файл сопоставления сделан для вида «{data.get('kind')}», а импортируется «{kind}»"
        )
    return data["columns"]


def hints_of(overrides: Mapping[str, Any]) -> dict[str, str]:
    """The header labels a mapping names (not column letters): they help find the header row
    of a file whose headers are not among the synonyms."""
    return {
        normalize_label(ref): name
        for name, ref in overrides.items()
        if isinstance(ref, str) and ref.strip() and not _LETTERS.match(ref.strip())
    }


# --- Layouts confirmed in the app (table import_mappings) ----------------------------------


def saved_hints(conn: duckdb.DuckDBPyConnection, kind: str) -> dict[str, str]:
    """The header labels of every mapping saved for this kind (see hints_of)."""
    hints: dict[str, str] = {}
    for (columns,) in conn.execute(
        "SELECT columns FROM import_mappings WHERE kind = ? ORDER BY saved_at", [kind]
    ).fetchall():
        hints.update(hints_of(json.loads(columns)))
    return hints


def stored_overrides(conn: duckdb.DuckDBPyConnection, kind: str, layout: str) -> dict | None:
    """The confirmed mapping of this layout ({field: header label | None}), if any."""
    row = conn.execute(
        "SELECT columns FROM import_mappings WHERE kind = ? AND fingerprint = ?", [kind, layout]
    ).fetchone()
    return None if row is None else json.loads(row[0])


def mapping_for(
    conn: duckdb.DuckDBPyConnection | None,
    kind: str,
    table: Table,
    overrides: Mapping[str, Any] | None = None,
) -> tuple[FieldMap, str]:
    """The mapping to use and where it came from: a file's overrides, else the layout saved in
    the store, else automatic. Returns (mapping, "file" | "saved" | "auto")."""
    if kind not in KINDS:
        raise ImportFileError(f"неизвестный вид импорта «{kind}»; допустимы: {', '.join(KINDS)}")
    base = auto_mapping(kind, table.columns)
    if overrides is not None:
        return apply_overrides(kind, table.columns, base, overrides), "file"
    saved = None if conn is None else stored_overrides(conn, kind, fingerprint(kind, table.columns))
    if saved is not None:
        return apply_overrides(kind, table.columns, base, saved), "saved"
    return base, "auto"

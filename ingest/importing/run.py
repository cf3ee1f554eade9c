"""An import from file to store: load -> map -> parse -> plan (preview) -> apply, atomic per file.

    loaded = load(data, "реестр.xlsx", "orders")                  # read + find the header
    mapping, source = mapping_for(conn, "orders", loaded.table)   # auto / saved / --mapping
    parsed = parse(loaded, mapping)                                # cells -> checked rows
    result = preview(desk, parsed)                                 # what would happen (read only)
    result = execute(desk, parsed, all_or_nothing=False)           # ONE write transaction

execute() plans again inside its write transaction (the store may have changed since the
preview) and applies the plan there: every accepted row is written, with its audit rows and one
import_runs row, or — on any store error — nothing at all. With all_or_nothing a single rejected
row means nothing is written. A rejected row never changes anything stored: the kinds decide
per row before writing, and only accepted rows reach apply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from ingest.access import PermissionDeniedError
from ingest.importing.errors import ImportFailedError, ImportFileError, RowError
from ingest.importing.header import Hints, find_table
from ingest.importing.kinds import kind_module
from ingest.importing.kinds.base import INSERT, SKIP, UPDATE, AuditBatch
from ingest.importing.mapping import (
    FieldMap,
    check_complete,
    stored_overrides,
    to_json,
)
from ingest.importing.parsing import Loaded, Parsed, Progress, parse, paused_gc
from ingest.importing.reader import read_sheets
from ingest.importing.synonyms import KIND_NAMES, KINDS
from ingest.service import Acting, Desk
from ingest.store.ids import next_id

__all__ = [
    "Loaded", "Parsed", "Progress", "Result", "execute", "load", "parse", "paused_gc",
    "preview", "save_mapping",
]  # fmt: skip


@dataclass
class Result:
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[RowError] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data_rows: int = 0
    applied: bool = False  # something was written (False for a preview, a dry run, a refusal)

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({e.row for e in self.rejected})

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": [e.as_dict() for e in sorted(self.rejected)],
        }


def load(
    data: bytes, file_name: str, kind: str, hints: Hints | None = None, guess: bool = False
) -> Loaded:
    """Read the file and find its table for this kind; ImportFileError if it cannot be used.
    `hints`: header labels a mapping names (mapping.hints_of / saved_hints); `guess`: take the
    most header-like row when no header names a known field (the app: the user maps by hand)."""
    if kind not in KINDS:
        raise ImportFileError(f"неизвестный вид импорта «{kind}»; допустимы: {', '.join(KINDS)}")
    with paused_gc():
        table = find_table(read_sheets(data, file_name), kind, hints, guess)
        return Loaded(file_name, kind, table)


def _summary(parsed: Parsed, outcomes: dict[int, str], errors: list[RowError]) -> Result:
    counts = {INSERT: 0, UPDATE: 0, SKIP: 0}
    for action in outcomes.values():
        counts[action] += 1
    return Result(
        imported=counts[INSERT],
        updated=counts[UPDATE],
        skipped=counts[SKIP],
        rejected=sorted(parsed.errors + errors),
        ignored=sorted(parsed.ignored),
        data_rows=parsed.data_rows,
    )


def _refused(kind: str, exc: PermissionDeniedError) -> PermissionDeniedError:
    return PermissionDeniedError(
        f"Импорт «{KIND_NAMES[kind][0]}» недоступен: {exc}",
        login=exc.login,
        role=exc.role,
        group=exc.group,
        mode=exc.mode,
    )


def _plan(a: Acting, parsed: Parsed):
    module = kind_module(parsed.kind)
    try:
        module.access(a, set(parsed.mapping))
    except PermissionDeniedError as exc:
        raise _refused(parsed.kind, exc) from None
    return module.plan(a, parsed.rows, parsed.col)


def preview(desk: Desk, parsed: Parsed) -> Result:
    """What execute() would do now, in a read-only transaction (nothing is written)."""
    with paused_gc(), desk.reading() as a:
        plan = _plan(a, parsed)
    result = _summary(parsed, plan.outcomes, plan.errors)
    result.notes = plan.notes
    return result


def execute(
    desk: Desk,
    parsed: Parsed,
    *,
    all_or_nothing: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Result:
    """Import the accepted rows in one write transaction (see the module doc)."""
    if dry_run:
        return preview(desk, parsed)
    try:
        with paused_gc(), desk.writing() as a:
            if progress:
                progress(0.55, "сверка с базой")
            plan = _plan(a, parsed)
            result = _summary(parsed, plan.outcomes, plan.errors)
            result.notes = plan.notes
            if all_or_nothing and result.rejected:
                result.imported = result.updated = result.skipped = 0
                result.notes = [*result.notes, "ничего не импортировано: есть отклонённые строки"]
                return result
            if not (result.imported or result.updated):
                return result  # nothing new: the store stays exactly as it was
            if progress:
                progress(0.75, "запись")
            audit = AuditBatch(a.user_id, a.now)
            kind_module(parsed.kind).apply(a, plan, audit)
            _record_run(a, parsed, result)
            audit.add(
                "import",
                None,
                "insert",
                {
                    "kind": (None, parsed.kind),
                    "file": (None, parsed.loaded.file_name),
                    "imported": (None, result.imported),
                    "updated": (None, result.updated),
                },
            )
            audit.flush(a.conn)
            result.applied = True
    except duckdb.Error as exc:
        raise ImportFailedError(
            f"импорт не выполнен, в базе ничего не изменено: {type(exc).__name__}: {exc}"
        ) from exc
    if progress:
        progress(1.0, "готово")
    return result


def _record_run(a: Acting, parsed: Parsed, result: Result) -> None:
    a.execute(
        "INSERT INTO import_runs (id, kind, file_name, sheet, fingerprint, data_rows, imported, "
        "updated, skipped, rejected_rows, started_at, user_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            next_id(a.conn, "import_runs"),
            parsed.kind,
            parsed.loaded.file_name,
            parsed.loaded.table.sheet,
            parsed.loaded.layout,
            parsed.data_rows,
            result.imported,
            result.updated,
            result.skipped,
            len(result.rejected_rows),
            a.now,
            a.user_id,
        ],
    )


def save_mapping(desk: Desk, loaded: Loaded, mapping: FieldMap) -> None:
    """Remember a mapping the user confirmed for this kind and layout (the app's «Сохранить
    сопоставление»); the CLI finds it for the next file with the same header. Only someone who
    may import this kind may save its mapping; the change is audited."""
    check_complete(loaded.kind, mapping)
    document = to_json(loaded.kind, loaded.table.columns, mapping)
    header = [c.label for c in loaded.table.columns]
    with desk.writing() as a:
        try:
            kind_module(loaded.kind).access(a, set(mapping))
        except PermissionDeniedError as exc:
            raise _refused(loaded.kind, exc) from None
        before = stored_overrides(a.conn, loaded.kind, loaded.layout)
        a.execute(
            "INSERT OR REPLACE INTO import_mappings (kind, fingerprint, columns, header, saved_at, "
            "saved_by) VALUES (?, ?, ?, ?, ?, ?)",
            [
                loaded.kind,
                loaded.layout,
                json.dumps(document["columns"], ensure_ascii=False),
                json.dumps(header, ensure_ascii=False),
                a.now,
                a.user_id,
            ],
        )
        audit = AuditBatch(a.user_id, a.now)
        audit.add(
            "import_mapping",
            None,
            "update" if before else "insert",
            {
                f"{loaded.kind}:{loaded.layout}": (
                    before and json.dumps(before, ensure_ascii=False),
                    json.dumps(document["columns"], ensure_ascii=False),
                )
            },
        )
        audit.flush(a.conn)

"""What an import reports: a bad row (kept out, the rest goes on) or a file it cannot use at all."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.store.errors import StoreError


class ImportFileError(StoreError):
    """The file as a whole cannot be imported (unreadable, no header, a required column missing,
    a mapping that does not fit). Nothing was written. The CLI exits 2."""


class ImportFailedError(StoreError):
    """The store refused the import part-way through; the transaction was rolled back, nothing
    was written. The CLI exits 1."""


@dataclass(frozen=True, order=True)
class RowError:
    """One reason a row was rejected: its Excel row number, the column (as headed in the file)
    and why, in Russian."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def text(self) -> str:
        where = f"строка {self.row}" + (f", столбец «{self.column}»" if self.column else "")
        return f"{where}: {self.reason}"

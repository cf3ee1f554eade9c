"""`zakaz import FILE --kind customers|products|materials|orders|payments [--mapping FILE]
[--dry-run] [--all-or-nothing] [--json] [--as LOGIN] [--write-mapping FILE]`.

The same import as the app's page (ingest/importing): the header is found below any title block,
columns are mapped by synonyms — or by the mapping confirmed in the app for this file layout, or
by --mapping FILE — and the good rows go in, in one transaction, as the user given by --as
(default admin; the access rules apply: materials need procurement, payments finance).

Exit codes: 0 every row went in (or was already there), 3 some rows were rejected (the good ones
imported unless --all-or-nothing or --dry-run), 2 the file cannot be used at all (unreadable, no
header, a required column missing, a bad mapping file), 1 refused (no access) or failed (nothing
written), 75 the store is busy.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.access import PermissionDeniedError
from ingest.importing import run as importing
from ingest.importing.errors import ImportFileError
from ingest.importing.mapping import (
    hints_of,
    mapping_for,
    parse_mapping_file,
    saved_hints,
    to_json,
)
from ingest.importing.synonyms import KIND_NAMES, KINDS
from ingest.service import Desk
from ingest.store import NotFoundError, Store
from ingest.store.copy import require_plant
from zakaz.errors import UserError

EXIT_REJECTED = 3
EXIT_UNUSABLE = 2
SOURCES = {"auto": "автоматически по заголовкам", "saved": "сохранённое в приложении",
           "file": "из файла --mapping"}  # fmt: skip


def add_parser(sub, common) -> None:
    p = sub.add_parser(
        "import",
        parents=[common],
        help="импорт таблицы .xlsx/.xls/.csv: заказчики, изделия, цены материалов, заказы, платежи",
    )
    p.add_argument("file", help="файл .xlsx, .xls или .csv (UTF-8 или Windows-1251, ';' или ',')")
    p.add_argument("--kind", required=True, choices=KINDS, help="что в файле")
    p.add_argument("--mapping", default=None, metavar="FILE", help="сопоставление столбцов (JSON)")
    p.add_argument("--dry-run", action="store_true", help="только проверить, ничего не записывать")
    p.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="при любой отклонённой строке не импортировать ничего",
    )
    p.add_argument("--json", action="store_true", help="итог в JSON")
    p.add_argument(
        "--as",
        dest="as_login",
        default="admin",
        metavar="LOGIN",
        help="от чьего имени (по умолчанию admin); права доступа применяются",
    )
    p.add_argument(
        "--write-mapping",
        default=None,
        metavar="FILE",
        help="записать использованное сопоставление в JSON (для правки и --mapping)",
    )
    p.set_defaults(run=run)


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError(
            f"{what} {path} не читается: {exc.strerror or exc}", EXIT_UNUSABLE
        ) from None


def _write_mapping(path: str, document: dict) -> None:
    try:
        Path(path).write_text(
            json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        raise UserError(f"файл {path} не записывается: {exc.strerror or exc}", 1) from None


def run(args) -> int:
    data = _read(args.file, "файл")
    overrides = None
    if args.mapping:
        text = _read(args.mapping, "файл сопоставления").decode("utf-8", errors="replace")
        try:
            overrides = parse_mapping_file(text, args.kind)
        except ImportFileError as exc:
            raise UserError(str(exc), EXIT_UNUSABLE) from None
    store = Store.open(args.home)
    require_plant(store)
    with store.read() as conn:
        hints = saved_hints(conn, args.kind)  # headers of layouts confirmed in the app
    hints.update(hints_of(overrides or {}))
    try:
        # With a mapping file the user said where the columns are: a header that names nothing
        # known (columns given by letter) is then taken as the most header-like row.
        guess = overrides is not None
        loaded = importing.load(data, Path(args.file).name, args.kind, hints, guess)
        with store.read() as conn:
            mapping, source = mapping_for(conn, args.kind, loaded.table, overrides)
        if args.write_mapping:
            _write_mapping(args.write_mapping, to_json(args.kind, loaded.table.columns, mapping))
        parsed = importing.parse(loaded, mapping)
    except ImportFileError as exc:
        raise UserError(str(exc), EXIT_UNUSABLE) from None
    desk = Desk(store, args.as_login)
    try:
        result = importing.execute(
            desk, parsed, all_or_nothing=args.all_or_nothing, dry_run=args.dry_run
        )
    except NotFoundError:
        raise UserError(f"пользователь {args.as_login} не найден", EXIT_UNUSABLE) from None
    except PermissionDeniedError as exc:
        raise UserError(f"{exc} (--as LOGIN: импорт от имени пользователя с этим правом)") from None
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_summary(args, loaded, source, result)
    return EXIT_REJECTED if result.rejected else 0


def _print_summary(args, loaded: importing.Loaded, source: str, result) -> None:
    table = loaded.table
    first, last = table.header_rows[0], table.header_rows[-1]
    rows = f"строке {first}" if first == last else f"строках {first}–{last}"
    mode = " (проверка, ничего не записано)" if args.dry_run else ""
    print(
        f"Импорт «{KIND_NAMES[args.kind][0]}» из {loaded.file_name}{mode}: лист «{table.sheet}», "
        f"заголовок в {rows}, сопоставление {SOURCES[source]}"
    )
    verb = "будет " if args.dry_run else ""
    print(
        f"  {verb}добавлено: {result.imported}, {verb}обновлено: {result.updated}, "
        f"без изменений: {result.skipped}, отклонено строк: {len(result.rejected_rows)}"
    )
    for error in sorted(result.rejected):
        print(f"  {error.text()}")
    for row, why in result.ignored:
        print(f"  пропущена строка {row}: {why}")
    for name in table.hidden_sheets:
        print(f"  скрытый лист «{name}» не читался")
    for note in result.notes:
        print(f"  {note}")

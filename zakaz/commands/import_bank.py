"""`zakaz import-bank FILE --as LOGIN [--json]`: import a bank statement (1CClientBankExchange).

The same service as the app's «Банковские выписки» page (ingest/bank): one write transaction as
the user given by --as (finance by default access rules), so a refused or failed import leaves
the store as it was. Payments matched with certainty are recorded; the rest wait in the queue
for a person (the app). Exit 0: imported cleanly; 3: imported, but some documents were
malformed or refused (listed); 2: the file is not a statement (or the arguments are bad).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ingest.bank.importer import ImportResult, import_statement, sha256
from ingest.bank.parse import ENCODING_NAMES, NotAStatementError, parse_statement
from ingest.store import Store
from zakaz.commands.set_status import acting_as
from zakaz.errors import UserError
from zakaz.money import rub

EXIT_PARTIAL = 3
MAX_FILE_BYTES = 200 * 1024 * 1024


def add_parser(sub, common) -> None:
    p = sub.add_parser(
        "import-bank",
        parents=[common],
        help="загрузить банковскую выписку 1CClientBankExchange (Windows-1251 или UTF-8)",
    )
    p.add_argument("file", help="файл выписки (kl_to_1c.txt и т. п.)")
    p.add_argument(
        "--as",
        dest="as_login",
        required=True,
        metavar="LOGIN",
        help="кто загружает (нужно право записи «платежи» по всем заказам — финансы)",
    )
    p.add_argument("--json", action="store_true", help="вывести JSON")
    p.set_defaults(run=run)


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UserError(f"файл {path} больше {MAX_FILE_BYTES // 2**20} МБ — это не выписка", 2)
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"файл не найден: {path}", 2) from None
    except IsADirectoryError:
        raise UserError(f"это папка, а не файл: {path}", 2) from None
    except OSError as exc:
        raise UserError(f"файл не читается: {path}: {exc.strerror}", 2) from None


def as_json(result: ImportResult) -> dict[str, Any]:
    return {
        "file": result.file_name,
        "encoding": result.encoding,
        "account": result.account,
        "statement_id": result.statement_id,
        "documents": result.sections,
        "incoming": result.incoming,
        "matched": result.matched,
        "queued": result.queued,
        "skipped_known": result.known,
        "outgoing": result.outgoing,
        "rejected": result.rejected,
        "errors": list(result.errors),
        "matched_items": [
            {
                "doc_no": m.doc_no,
                "date": m.doc_date.isoformat(),
                "amount": str(m.amount),
                "payer": m.payer_name,
                "invoice": m.invoice_number,
                "order": m.order_number,
                "payment_id": m.payment_id,
            }
            for m in result.matched_items
        ],
        "queued_items": [
            {
                "queue_id": q.queue_id,
                "doc_no": q.doc_no,
                "date": q.doc_date.isoformat(),
                "amount": str(q.amount),
                "payer": q.payer_name,
                "payer_inn": q.payer_inn,
                "purpose": q.purpose,
                "verdict": q.verdict,
                "reason_code": q.reason_code,
                "reason": q.reason,
            }
            for q in result.queued_items
        ],
    }


def print_summary(result: ImportResult) -> None:
    encoding = ENCODING_NAMES.get(result.encoding, result.encoding)
    print(f"Выписка {result.file_name} ({encoding}), счёт {result.account or '—'}")
    for label, value in (
        ("Документов в файле", result.sections),
        ("Входящих платежей", result.incoming),
        ("Сопоставлено и записано", result.matched),
        ("В очереди на ручное сопоставление", result.queued),
        ("Пропущено (уже загружены раньше)", result.known),
        ("Исходящих (не загружаются)", result.outgoing),
        ("Отклонено", result.rejected),
    ):
        print(f"{label}: {value}")
    if result.matched_items:
        print("Записаны платежи:")
        for m in result.matched_items:
            print(
                f"  № {m.doc_no} от {m.doc_date:%d.%m.%Y}, {rub(m.amount)} — счёт № "
                f"{m.invoice_number}, заказ {m.order_number}"
            )
    if result.queued_items:
        print("В очереди (сопоставьте в приложении: Финансы → Банковские выписки):")
        for q in result.queued_items:
            payer = q.payer_name or "—"
            inn = f" (ИНН {q.payer_inn})" if q.payer_inn else ""
            print(
                f"  № {q.doc_no} от {q.doc_date:%d.%m.%Y}, {rub(q.amount)}, {payer}{inn}: "
                f"{q.reason}"
            )
    if result.errors:
        print("Ошибки:")
        for error in result.errors:
            print(f"  {error}")


def run(args) -> int:
    path = Path(args.file)
    data = _read(path)
    try:
        statement = parse_statement(data)
    except NotAStatementError as exc:
        raise UserError(f"{path.name}: {exc}", 2) from None
    store = Store.open(args.home)
    with acting_as(store, args.as_login, write=True) as a:
        result = import_statement(a, statement, file_name=path.name, file_sha256=sha256(data))
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
    else:
        print_summary(result)
    if result.errors:
        print(
            f"zakaz: выписка загружена, но с ошибками: {len(result.errors)} — см. список",
            file=sys.stderr,
        )
        return EXIT_PARTIAL
    return 0

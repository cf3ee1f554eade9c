"""`zakaz price [FILE]`: the pricing.md JSON contract, from a file or stdin to stdout."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from pricing.contract import price_request
from zakaz.errors import UserError


def add_parser(sub, common) -> None:
    p = sub.add_parser("price", parents=[common], help="рассчитать цены заказа (JSON → JSON)")
    p.add_argument("file", nargs="?", help="JSON-файл запроса (по умолчанию stdin)")
    p.set_defaults(run=run)


def _read(file: str | None) -> str:
    if file is None:
        try:
            return sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError:
            raise UserError("запрос на stdin не в кодировке UTF-8", 2) from None
    try:
        return Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"не удалось прочитать {file}: {exc.strerror}", 2) from None
    except UnicodeDecodeError:
        raise UserError(f"{file}: файл не в кодировке UTF-8", 2) from None


def run(args) -> int:
    text = _read(args.file)
    try:
        payload = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"неверный JSON: строка {exc.lineno}, позиция {exc.colno}: {exc.msg}", 2
        ) from None
    if not isinstance(payload, dict):
        raise UserError("неверный запрос: ожидается JSON-объект с полями shipment_date и lines", 2)
    result = price_request(payload)  # PricingError -> exit 2, nothing on stdout
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0

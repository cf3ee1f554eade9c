"""The `zakaz` command: set-up, pricing, status, backups (one module per sub-command)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from ingest.store.errors import StoreBusyError, StoreError, ValidationError
from pricing.errors import PricingError
from zakaz.commands import (
    backup,
    import_bank,
    import_file,
    init,
    orders,
    price,
    run,
    set_status,
    status,
    tasks,
    up,
    users,
)
from zakaz.errors import UserError

COMMANDS = (
    init,
    price,
    status,
    backup,
    run,
    up,
    orders,
    users,
    tasks,
    set_status,
    import_file,
    import_bank,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own usage errors: one line, exit 2
        self.exit(2, f"zakaz: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home",
        default=None,
        help="папка завода (по умолчанию $ZAKAZ_HOME, иначе ./data)",
    )
    parser = _Parser(prog="zakaz", description="Zakaz — заказы, цены и аналитика завода.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in COMMANDS:
        module.add_parser(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (PricingError, ValidationError) as exc:
        return _fail(str(exc), 2)
    except UserError as exc:
        return _fail(str(exc), exc.exit_code)
    except StoreBusyError as exc:
        return _fail(str(exc), 75)  # EX_TEMPFAIL: try again later
    except StoreError as exc:
        return _fail(str(exc), 1)
    except KeyboardInterrupt:
        return _fail("прервано", 130)
    except BrokenPipeError:  # e.g. `zakaz status | head`: stop quietly, like any Unix tool
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # never a traceback for the user; ZAKAZ_DEBUG=1 shows it
        if os.environ.get("ZAKAZ_DEBUG"):
            traceback.print_exc()
        return _fail(f"внутренняя ошибка: {type(exc).__name__}: {exc}", 1)


def _fail(message: str, code: int) -> int:
    print(f"zakaz: {' '.join(message.split())}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())

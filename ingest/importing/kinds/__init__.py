"""One module per import kind (see base.py for what each provides)."""

from __future__ import annotations

from types import ModuleType

from ingest.importing.kinds import customers, materials, orders, payments, products

KIND_MODULES: dict[str, ModuleType] = {
    m.KIND: m for m in (customers, products, materials, orders, payments)
}


def kind_module(kind: str) -> ModuleType:
    return KIND_MODULES[kind]

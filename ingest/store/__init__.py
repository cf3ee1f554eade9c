"""The store layer: the only code that opens app.duckdb."""

from ingest.store.connection import Store
from ingest.store.errors import (
    DiskFullError,
    NotFoundError,
    PlantNotFoundError,
    SchemaTooNewError,
    StaleEditError,
    StoreBusyError,
    StoreError,
    ValidationError,
)
from ingest.store.paths import PlantPaths, resolve_home

__all__ = [
    "DiskFullError",
    "NotFoundError",
    "PlantNotFoundError",
    "PlantPaths",
    "SchemaTooNewError",
    "StaleEditError",
    "Store",
    "StoreBusyError",
    "StoreError",
    "ValidationError",
    "resolve_home",
]

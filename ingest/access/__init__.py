"""Data-layer access rules: the acting user, the field group x role matrix, the own-orders scope."""

from ingest.access.actor import Actor, load_actor
from ingest.access.errors import (
    FIELD_GROUPS,
    GROUP_NAMES,
    InactiveUserError,
    PermissionDeniedError,
)
from ingest.access.matrix import ANY_ORDER, AccessMatrix, load_matrix

__all__ = [
    "ANY_ORDER",
    "FIELD_GROUPS",
    "GROUP_NAMES",
    "AccessMatrix",
    "Actor",
    "InactiveUserError",
    "PermissionDeniedError",
    "load_actor",
    "load_matrix",
]

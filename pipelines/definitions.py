"""The Zakaz code location: everything is loaded from pipelines/defs/ (one folder per area,
one file per kind of object). Run with ``dagster dev -m pipelines.definitions`` (docs/pipeline.md).
"""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)

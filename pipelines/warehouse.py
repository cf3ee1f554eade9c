"""dbt in the code location: the project, its manifest, its environment and the one translator.

* ``DBT_PROJECT`` is ``dbt_project/``; the manifest Dagster builds the asset graph from is made by
  ``dbt parse`` (no network) into ``dbt_project/target/dagster/manifest.json``:
  ``prepare_manifest()`` — run by ``zakaz run`` and the tests, and at import under
  ``dagster dev`` (``prepare_if_dev``). A deployment without ``dagster dev`` runs it once after
  installing (``python -c "from pipelines.warehouse import prepare_manifest; prepare_manifest()"``).
* ``dbt_env`` is what profiles.yml reads: the warehouse file, the snapshot attached read-only as
  catalog ``app``, the folder of the pricing Parquet files and the analytics date.
* ``ZakazDbtTranslator``: every model's asset key is ``[schema, table]`` as dbt writes it
  (``staging.stg_app__orders``, ``marts.invoices``); source ``app.*`` is the store snapshot asset
  and source ``pricing.<table>`` the pricing asset of that name.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._utils import run_with_concurrent_update_guard
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
)
from dagster_dbt.compat import DBT_PYTHON_VERSION

from pipelines.paths import PipelinePaths

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
MANIFEST_TARGET = Path("target", "dagster")
PARSE_TARGET = Path("target", "dagster-parse")

SNAPSHOT_KEY = dg.AssetKey(["snapshots", "app_snapshot"])
PRICING_SCHEMA = "pricing"
PRICED_ORDER_LINES_KEY = dg.AssetKey([PRICING_SCHEMA, "priced_order_lines"])
ORDER_PRICING_KEY = dg.AssetKey([PRICING_SCHEMA, "order_pricing"])
PUBLISHED_KEY = dg.AssetKey(["published", "marts"])
MARTS_SCHEMA = "marts"

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, target_path=MANIFEST_TARGET)
# The dbt of this interpreter's environment: found without an activated venv or PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

# The variables of dbt_project/profiles.yml and dbt_project.yml.
DBT_ENV_KEYS = ("ZAKAZ_WAREHOUSE_PATH", "ZAKAZ_SNAPSHOT_PATH", "ZAKAZ_PIPELINE_DIR", "ZAKAZ_AS_OF")


def dbt_env(paths: PipelinePaths, as_of: date) -> dict[str, str]:
    return {
        "ZAKAZ_WAREHOUSE_PATH": str(paths.warehouse),
        "ZAKAZ_SNAPSHOT_PATH": str(paths.snapshot),
        "ZAKAZ_PIPELINE_DIR": str(paths.pipeline_dir),
        "ZAKAZ_AS_OF": as_of.isoformat(),
    }


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """os.environ with values set for the block (dbt is a subprocess started from os.environ)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _parse_env() -> dict[str, str]:
    """Placeholders for whatever the caller has not set: parsing opens no database, but the
    profile must render. (The manifest's paths are never used to run: each build parses again.)"""
    placeholder = PipelinePaths(Path(tempfile.gettempdir()) / "zakaz-parse")
    defaults = dbt_env(placeholder, date.today())
    defaults["ZAKAZ_AS_OF"] = ""
    return {k: v for k, v in defaults.items() if not os.environ.get(k)}


def _sources_newer_than(manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for path in DBT_PROJECT_DIR.rglob("*"):
        rel = path.relative_to(DBT_PROJECT_DIR)
        if rel.parts[0] in ("target", "logs", "dbt_packages") or not path.is_file():
            continue
        if path.stat().st_mtime > built:
            return True
    return False


class ZakazDbtCli(DbtCliResource):
    """DbtCliResource that knows dbt's version without running ``dbt --version``.

    dagster-dbt runs ``dbt --version`` before every command: ~5 s here, and it asks PyPI for the
    latest release (a network call; nothing may be downloaded at run time). dbt-core is
    installed in this very environment, so its version is the package's.
    """

    @cached_property
    def _cli_version(self):  # a packaging.version.Version
        return DBT_PYTHON_VERSION or super()._cli_version


def dbt_cli() -> DbtCliResource:
    return ZakazDbtCli(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


class DbtPrepareError(RuntimeError):
    """dbt could not parse the project (the message is dbt's first error, one line)."""


def prepare_manifest(*, force: bool = False) -> Path:
    """``dbt parse`` unless the manifest is newer than every file of the project; returns the
    manifest's path.

    dbt parses into target/dagster-parse (its partial-parse cache lives there); the manifest is
    then copied beside and renamed onto target/dagster/manifest.json, so a process loading the
    definitions at that moment reads the old or the new manifest, never half of one. A lock
    file keeps two processes from parsing at once.
    """
    if force or _sources_newer_than(DBT_PROJECT.manifest_path):
        DBT_PROJECT.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        run_with_concurrent_update_guard(DBT_PROJECT.manifest_path, _parse_and_swap)
    return DBT_PROJECT.manifest_path


def _parse_and_swap() -> None:
    with environment(_parse_env()), redirect_stdout(io.StringIO()):  # errors are kept below
        invocation = dbt_cli().cli(
            ["parse", "--quiet"], target_path=PARSE_TARGET, raise_on_error=False
        )
        invocation.wait()
    if not invocation.is_successful():
        errors = list(getattr(invocation, "_error_messages", [])) or ["см. журнал dbt"]
        message = " ".join(str(errors[0]).split())[:400]
        raise DbtPrepareError(f"dbt parse не удался: {message}")
    dest = DBT_PROJECT.manifest_path
    tmp = dest.with_name(f".manifest.{os.getpid()}.tmp")
    shutil.copyfile(DBT_PROJECT_DIR / PARSE_TARGET / "manifest.json", tmp)
    os.replace(tmp, dest)


def prepare_if_dev() -> None:
    """Under ``dagster dev``: parse at load so edits to the dbt project show up on reload."""
    if DBT_PROJECT.preparer.using_dagster_dev():
        prepare_manifest()


class ZakazDbtTranslator(DagsterDbtTranslator):
    """Asset keys [schema, table]; sources wired to the pipeline's own assets."""

    def __init__(self) -> None:
        super().__init__(
            settings=DagsterDbtTranslatorSettings(
                enable_asset_checks=True,
                enable_duplicate_source_asset_keys=True,  # every app.* source is the snapshot
            )
        )

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        return asset_key_for(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return f"dbt_{fqn[1]}"  # dbt_staging, dbt_intermediate, dbt_marts
        return super().get_group_name(dbt_resource_props)


def asset_key_for(props: Mapping[str, Any]) -> dg.AssetKey:
    """Pure: the asset key of a manifest node (model, seed, snapshot or source)."""
    if props.get("resource_type") == "source":
        if props["source_name"] == "app":
            return SNAPSHOT_KEY
        if props["source_name"] == PRICING_SCHEMA:
            return dg.AssetKey([PRICING_SCHEMA, props["name"]])
        return dg.AssetKey([props["source_name"], props["name"]])
    return dg.AssetKey([props["schema"], props.get("alias") or props["name"]])


FAILED_STATUSES = ("error", "fail", "runtime error")


def dbt_failures(run_results: Mapping[str, Any]) -> list[str]:
    """Pure: one line per failed dbt node of a run_results.json (model errors, failed tests)."""
    lines = []
    for result in run_results.get("results", []):
        if result.get("status") not in FAILED_STATUSES:
            continue
        name = result.get("unique_id", "?").split(".")
        kind, node = name[0], name[2] if len(name) > 2 else name[-1]
        message = " ".join((result.get("message") or result.get("status") or "").split())
        lines.append(f"{kind} {node}: {message[:300]}")
    return lines


def read_run_results(target: Path) -> dict:
    import json

    path = target / "run_results.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))

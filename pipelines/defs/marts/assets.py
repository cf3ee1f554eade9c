"""The dbt models (one asset per model, tests as checks) and the publish step."""

from collections.abc import Iterator
from datetime import datetime

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.defs.resources import ZakazPlant
from pipelines.publish import Build, publish_marts
from pipelines.snapshot import SnapshotInfo
from pipelines.warehouse import (
    DBT_PROJECT,
    MARTS_SCHEMA,
    PUBLISHED_KEY,
    ZakazDbtTranslator,
    dbt_failures,
    environment,
    prepare_if_dev,
    read_run_results,
)

prepare_if_dev()


class DbtBuildConfig(dg.Config):
    full_refresh: bool = False  # rebuild the warehouse from nothing (the nightly run)


def dbt_build_args(full_refresh: bool) -> list[str]:
    """Models and data tests; dbt's unit tests check the SQL's logic on fixed inputs, not the
    data, so they run with the test suite (tests/dbt), not on every refresh."""
    args = ["build", "--exclude-resource-type", "unit_test"]
    return [*args, "--full-refresh"] if full_refresh else args


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=ZakazDbtTranslator(),
    name="dbt_models",
)
def dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    plant: ZakazPlant,
    config: DbtBuildConfig,
) -> Iterator:
    paths = plant.paths
    if config.full_refresh:
        for f in (paths.warehouse, paths.warehouse.with_name(paths.warehouse.name + ".wal")):
            f.unlink(missing_ok=True)
    (paths.dbt_target / "run_results.json").unlink(missing_ok=True)
    with environment(plant.dbt_env()):
        invocation = dbt.cli(
            dbt_build_args(config.full_refresh),
            context=context,
            target_path=paths.dbt_target,
            raise_on_error=False,
        )
        yield from invocation.stream()
    if not invocation.is_successful():
        failed = dbt_failures(read_run_results(paths.dbt_target))
        summary = "; ".join(failed[:3]) + (f" (и ещё {len(failed) - 3})" if len(failed) > 3 else "")
        raise dg.Failure(
            description=f"dbt build не удался: {summary or 'см. журнал dbt'}",
            metadata={"failed_nodes": failed, "dbt_log": str(paths.dbt_target / "dbt.log")},
        )


MART_KEYS = sorted(k for k in dbt_models.keys if k.path[0] == MARTS_SCHEMA)


def build_id_for(run_id: str, built_at: datetime) -> str:
    return f"{built_at:%Y%m%dT%H%M%S}_{run_id.replace('-', '')[:8]}"


@dg.asset(
    key=PUBLISHED_KEY,
    deps=MART_KEYS,
    group_name="publish",
    kinds={"duckdb"},
    description=(
        "published/marts.duckdb — every mart of the build plus publish_info, built aside and "
        "swapped in by one atomic rename: dashboards see the old or the new marts, never half "
        "(pipelines/publish.py; read with pipelines.published.open_published)."
    ),
)
def published_marts(context: dg.AssetExecutionContext, plant: ZakazPlant) -> dg.MaterializeResult:
    paths = plant.paths
    built_at = datetime.now().replace(microsecond=0)
    taken_at = None
    if paths.snapshot_info.exists():
        taken_at = datetime.fromisoformat(SnapshotInfo.read(paths.snapshot_info).taken_at)
    build = Build(
        build_id_for(context.run.run_id, built_at), built_at, plant.analytics_date(), taken_at
    )
    published = publish_marts(
        paths.warehouse, paths.published_dir, build, marts=[k.path[-1] for k in MART_KEYS]
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "build_id": build.build_id,
            "as_of": build.as_of.isoformat(),
            "dagster/row_count": sum(published.rows.values()),
            "rows": published.rows,
        }
    )

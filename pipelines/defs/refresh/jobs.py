"""The refresh job: snapshot -> pricing -> dbt -> publish, with every check."""

import dagster as dg

from pipelines.freshness import REFRESH_TAGS

refresh_analytics = dg.define_asset_job(
    "refresh_analytics",
    selection=dg.AssetSelection.all(),
    description=(
        "Snapshot the store, price every line and order, build the dbt marts and publish them. "
        "Runs carry the zakaz/pipeline=refresh tag: the run queue admits one at a time."
    ),
    run_tags=REFRESH_TAGS,
    # The steps run one after another anyway; one process keeps start-up and memory low.
    executor_def=dg.in_process_executor,
)

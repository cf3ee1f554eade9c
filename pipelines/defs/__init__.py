"""Dagster definitions by area: snapshot (the store copy), pricing, marts (dbt + publish),
refresh (the job, its schedules and the store-change sensor); resources.py binds the resources."""

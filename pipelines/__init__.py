"""The Dagster code location of Zakaz: store snapshot -> pricing -> dbt marts -> publish.

Plain modules hold the logic (snapshot, pricing_inputs, publish, published, quality, freshness,
warehouse, refresh); pipelines/defs/ holds the Dagster objects that call them; definitions.py
loads defs/. See docs/pipeline.md.
"""

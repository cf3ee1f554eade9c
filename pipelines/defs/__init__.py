"""Dagster definitions of the analytics location by area: snapshot (the store copy), pricing, marts
(dbt + publish), refresh (the job, its schedules and the store-change sensor); resources.py binds
the resources. Notifications are a location of their own: pipelines/notify_definitions.py."""

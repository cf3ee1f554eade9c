"""The notification code location's objects: jobs.py (one op each), sensors.py (status events →
runs), schedules.py (outbox retries, daily reminders). Loaded by pipelines/notify_definitions.py."""

"""Plotly charts of the analytics pages: pure functions frame -> Figure (common.py: RU style)."""

"""The leadership analytics core (issue 6): who may see what, reading the published marts,
filters, exports and the Streamlit helpers shared by the analytics pages.

    viewer.py   AnalyticsViewer / viewer_for(store, login) / ANALYTICS_PAGES (roles, heads)
    reader.py   MartReader(home, viewer): the only door to the marts; removes forbidden columns
    filters.py  AnalyticsFilters, apply(), order_ids(), PAGE_FILTERS (pure Polars)
    export.py   frame_to_xlsx(frame, labels, sheet)
    measures.py exact Decimal sums and ratios (half away from zero) for the page data
    widgets.py  require_analytics_page, published_view, filter_bar, table, freshness_caption
    overview.py, payments.py, economics.py   page data: pure functions over reader frames

See docs/analytics.md.
"""

"""Streamlit UI helpers: value formatting for the Russian plant UI."""

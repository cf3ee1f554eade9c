"""Showing user text inside Markdown-rendering elements (st.error, st.caption...) literally."""

from __future__ import annotations

import re

# Everything Markdown (and Streamlit's extensions: :colors[], $math$, ~) could interpret.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")


def md_escape(text: str) -> str:
    """'**x** <b>' -> '\\*\\*x\\*\\* \\<b\\>': shown exactly as typed, never as formatting."""
    return _SPECIAL.sub(r"\\\1", str(text))

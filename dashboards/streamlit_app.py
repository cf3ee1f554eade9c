"""Zakaz — the router: the login gate, then st.navigation with a section per department,
filtered by the logged-in user's role and head flag. Pages live in app_pages/ (see
navigation.py)."""

from __future__ import annotations

import streamlit as st

from dashboards.i18n import t
from dashboards.login import render_login, render_sidebar_user
from dashboards.navigation import PAGES, pages_for
from dashboards.session import current_user

st.set_page_config(page_title="Заказ", page_icon=":material/factory:", layout="wide")

user = current_user()
if user is None:
    # Every page's address shows the login form, so a link from an e-mail
    # (/order?order=З-…) keeps its page and opens it once the user has logged in.
    login = st.Page(render_login, title=t("common.login.title"), url_path="login", default=True)
    deep_links = [st.Page(render_login, title=t(p.title), url_path=p.url_path) for p in PAGES]
    st.navigation([login, *deep_links], position="hidden").run()
else:
    render_sidebar_user(user)
    sections: dict[str, list] = {}
    for spec in pages_for(user.role, user.is_head):
        page = st.Page(spec.file, title=t(spec.title), icon=spec.icon, url_path=spec.url_path)
        sections.setdefault(t(spec.section), []).append(page)
    st.navigation(sections).run()

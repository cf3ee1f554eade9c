"""«Почта (демо)»: what the demo's local SMTP sink received (ingest.notify.sink), newest first.

Only where the sink runs (its Maildir <plant home>/mail exists): with a real SMTP server the mail
is in people's own mailboxes. Everyone sees their own mail by default; the admin sees all.
Bodies are plain text and shown with st.text, so HTML or Markdown in a mail is never rendered.
"""

from __future__ import annotations

from email.utils import getaddresses
from pathlib import Path

import streamlit as st

from dashboards.i18n import t
from dashboards.session import desk, plant_home
from dashboards.ui.format import EMPTY, moment
from ingest.notify.sink import ReceivedMail, read_mailbox

K = "mailbox"
LIMIT = 200  # messages shown
SCAN = 2000  # messages read to find one's own among everybody's


def maildir() -> Path:
    return Path(plant_home()) / "mail"


def addressed_to(mail: ReceivedMail, email: str) -> bool:
    """Whether email is one of the mail's To addresses (case-insensitive, display names ignored)."""
    wanted = email.strip().lower()
    return any(addr.strip().lower() == wanted for _, addr in getaddresses([mail.to or ""]))


def _me() -> tuple[str | None, bool]:
    """The user's email and whether they are the admin — one short read."""
    with desk().reading() as a:
        found = a.row("SELECT email FROM users WHERE id = ?", [a.user_id])
        return (found or {}).get("email"), a.actor.role == "admin"


def _pick_label(mails: list[ReceivedMail]):
    return lambda i: f"{moment(mails[i].received_at)} · {mails[i].to} · {mails[i].subject}"


def _show(mails: list[ReceivedMail]) -> None:
    st.caption(t("notify.mail.count", count=len(mails)))
    st.dataframe([{
        t("notify.mail.col.received"): moment(m.received_at),
        t("notify.mail.col.to"): m.to or EMPTY,
        t("notify.mail.col.subject"): m.subject or EMPTY,
    } for m in mails], hide_index=True, width="stretch", key=f"{K}_table")  # fmt: skip
    st.caption(t("notify.mail.pick_hint"))
    index = st.selectbox(t("notify.mail.pick"), range(len(mails)),
                         format_func=_pick_label(mails), key=f"{K}_pick")  # fmt: skip
    if index is None or index >= len(mails):
        return
    mail = mails[index]
    with st.container(border=True):
        st.text(f"{t('notify.mail.col.to')}: {mail.to}")
        st.text(f"{t('notify.mail.col.subject')}: {mail.subject}")
        st.text(f"{t('notify.mail.col.received')}: {moment(mail.received_at)}")
        st.text(mail.body)


def render() -> None:
    st.title(t("notify.mail.title"))
    folder = maildir()
    if not folder.is_dir():
        st.info(t("notify.mail.no_sink"))
        return
    st.caption(t("notify.mail.intro"))
    email, is_admin = _me()
    only_mine = st.toggle(t("notify.mail.only_mine"), value=not is_admin, key=f"{K}_only_mine")
    if only_mine and not email:
        st.info(t("notify.mail.no_address"))
        return
    if only_mine:
        st.text(t("notify.mail.my_address", email=email))
        mails = [m for m in read_mailbox(folder, limit=SCAN) if addressed_to(m, email)][:LIMIT]
    else:
        mails = read_mailbox(folder, limit=LIMIT)  # newest first
    if not mails:
        st.info(t("notify.mail.none"))
        return
    _show(mails)


render()

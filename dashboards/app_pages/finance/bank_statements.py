"""Finance → Банковские выписки: import a 1CClientBankExchange statement, see what came of it,
and match by hand the payments waiting in the queue (or skip them with a reason).

Everything goes through ingest/bank, which checks the access (payments, every order) itself.
Test seam: AppTest cannot drive st.file_uploader, so a test may put {"name": ..., "data": bytes}
in st.session_state[UPLOAD_SEAM]; the page then takes that file instead of the uploader's.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.session import desk
from dashboards.ui.actions import attempt
from dashboards.ui.escape import md_escape
from dashboards.ui.format import EMPTY, day, moment, money, number
from ingest.bank import queue
from ingest.bank.importer import ImportResult, import_statement, sha256
from ingest.bank.parse import ENCODING_NAMES, NotAStatementError, parse_statement
from ingest.bank.recording import may_use_bank
from ingest.service import payments

UPLOAD_SEAM = "bank_upload_seam"
RESULT_KEY = "bank_last_result"


# --- Import ---------------------------------------------------------------------------------


def _chosen_file() -> tuple[str, bytes] | None:
    seam = st.session_state.get(UPLOAD_SEAM)
    if seam:
        st.caption(t("bank.chosen", name=seam["name"]))
        return seam["name"], seam["data"]
    uploaded = st.file_uploader(t("bank.upload"), help=t("bank.upload_help"), key="bank_file")
    return None if uploaded is None else (uploaded.name, uploaded.getvalue())


def _import(name: str, data: bytes) -> ImportResult | None:
    try:
        statement = parse_statement(data)
    except NotAStatementError as exc:
        st.error(md_escape(f"{name}: {exc}"))
        return None
    bar = st.progress(0.0)

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("bank.progress", done=done, total=total))

    def run() -> ImportResult:
        with desk().writing() as a:
            return import_statement(
                a, statement, file_name=name, file_sha256=sha256(data), on_progress=progress
            )

    result = attempt(run)
    bar.empty()
    return result


def _summary(result: ImportResult) -> None:
    st.subheader(t("bank.result.title", file=result.file_name))
    st.caption(
        t(
            "bank.result.source",
            encoding=ENCODING_NAMES.get(result.encoding, result.encoding),
            account=result.account or EMPTY,
        )
    )
    figures = (
        ("documents", result.sections),
        ("incoming", result.incoming),
        ("matched", result.matched),
        ("queued", result.queued),
        ("known", result.known),
        ("outgoing", result.outgoing),
        ("rejected", result.rejected),
    )
    for column, (key, value) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(t(f"bank.result.{key}"), number(value))
    if result.errors:
        st.warning(
            t("bank.result.errors") + "\n\n" + "\n\n".join(md_escape(e) for e in result.errors)
        )
    else:
        st.success(t("bank.result.clean"))
    if result.matched_items:
        st.caption(t("bank.result.matched_list"))
        st.dataframe(
            [
                {
                    t("bank.col.doc_no"): m.doc_no,
                    t("bank.col.date"): day(m.doc_date),
                    t("common.amount"): money(m.amount),
                    t("bank.col.payer"): m.payer_name or EMPTY,
                    t("bank.col.invoice"): m.invoice_number,
                    t("bank.col.order"): m.order_number,
                }
                for m in result.matched_items
            ],
            hide_index=True,
            width="stretch",
            key="bank_matched_table",
        )


def _import_section(writable: bool) -> None:
    if not writable:
        st.info(t("bank.read_only"))
        return
    chosen = _chosen_file()
    if chosen is not None and st.button(t("bank.import"), type="primary", key="bank_import"):
        result = _import(*chosen)
        if result is not None:
            st.session_state[RESULT_KEY] = result
    result = st.session_state.get(RESULT_KEY)
    if result is not None:
        _summary(result)


# --- The queue ------------------------------------------------------------------------------


def _invoice_label(inv: dict[str, Any]) -> str:
    return t(
        "bank.queue.invoice_label",
        number=inv["number"],
        order=inv["order_number"],
        customer=inv["customer_name"] or EMPTY,
        rest=money(inv["outstanding"]),
    )


def _write(action) -> bool:
    with desk().writing() as a:
        action(a)
    return True


def _queue_item(item: dict[str, Any], open_invoices: dict[int, dict[str, Any]], writable: bool):
    qid = item["id"]
    st.markdown(
        md_escape(
            t(
                "bank.queue.payer",
                name=item["payer_name"] or EMPTY,
                inn=item["payer_inn"] or EMPTY,
                account=item["payer_account"] or EMPTY,
            )
        )
    )
    st.markdown(md_escape(t("bank.queue.received", date=day(item["payment_date"]))))
    st.markdown(md_escape(t("bank.queue.purpose", text=item["purpose"] or EMPTY)))
    verdict = (
        t(f"bank.verdict.{item['verdict']}") + " (" + t(f"bank.reason.{item['reason_code']}") + ")"
    )
    st.warning(md_escape(t("bank.queue.why", verdict=verdict, reason=item["reason"])))
    candidates = item["candidates"]
    if candidates:
        st.caption(t("bank.queue.candidates"))
        st.dataframe(
            [
                {
                    t("bank.col.invoice"): c["number"],
                    t("bank.col.order"): c["order_number"],
                    t("common.customer"): c["customer_name"] or EMPTY,
                    t("bank.queue.issued"): day(c["issue_date"]),
                    t("common.amount"): money(c["amount"]),
                    t("bank.queue.outstanding"): money(c["outstanding"]),
                }
                for c in candidates
            ],
            hide_index=True,
            width="stretch",
            key=f"bank_q_candidates_{qid}",
        )
    else:
        st.caption(t("bank.queue.no_candidates"))
    if not writable:
        return
    choices = {c["id"]: c for c in candidates if c["outstanding"] > 0}
    choices.update({i: inv for i, inv in open_invoices.items() if i not in choices})
    if not choices:
        st.info(t("bank.queue.no_invoices"))
    else:
        invoice_id = st.selectbox(
            t("bank.queue.invoice"),
            list(choices),
            key=f"bank_q_invoice_{qid}",
            format_func=lambda i: _invoice_label(choices[i]),
        )
        if st.button(t("bank.queue.match"), key=f"bank_q_match_{qid}", type="primary"):
            done = attempt(
                lambda: _write(lambda a: queue.match_by_hand(a, qid, invoice_id)),
                success=t("bank.queue.matched", number=choices[invoice_id]["number"]),
            )
            if done:
                st.rerun()
    reason = st.text_input(t("bank.queue.ignore_reason"), key=f"bank_q_reason_{qid}")
    if st.button(t("bank.queue.ignore"), key=f"bank_q_ignore_{qid}"):
        done = attempt(
            lambda: _write(lambda a: queue.ignore(a, qid, reason)), success=t("bank.queue.ignored")
        )
        if done:
            st.rerun()


def _queue_tab(items: list[dict[str, Any]], writable: bool) -> None:
    if not items:
        st.success(t("bank.queue.empty"))
        return
    open_invoices: dict[int, dict[str, Any]] = {}
    if writable:
        with desk().reading() as a:
            due = payments.invoices_due(a, a.now.date())
        open_invoices = {
            r["invoice_id"]: {
                "id": r["invoice_id"],
                "number": r["number"],
                "order_number": r["order_number"],
                "customer_name": r["customer_name"],
                "outstanding": r["outstanding"],
            }
            for r in due
        }
    for item in items:
        title = t(
            "bank.queue.item",
            no=item["doc_no"],
            date=day(item["doc_date"]),
            amount=money(item["amount"]),
            payer=item["payer_name"] or EMPTY,
        )
        with st.expander(title, expanded=len(items) <= 3):
            _queue_item(item, open_invoices, writable)


def _done_tab(items: list[dict[str, Any]], writable: bool) -> None:
    if not items:
        st.info(t("bank.done.empty"))
        return
    st.dataframe(
        [
            {
                t("bank.col.doc_no"): i["doc_no"],
                t("bank.col.date"): day(i["doc_date"]),
                t("common.amount"): money(i["amount"]),
                t("bank.col.payer"): i["payer_name"] or EMPTY,
                t("bank.col.status"): t(f"bank.status.{i['status']}"),
                t("bank.col.invoice"): i["invoice_number"] or EMPTY,
                t("bank.col.order"): i["order_number"] or EMPTY,
                t("bank.col.note"): i["note"] or EMPTY,
                t("bank.col.resolved_by"): i["resolved_by_name"] or EMPTY,
                t("bank.col.resolved_at"): moment(i["resolved_at"]),
            }
            for i in items
        ],
        hide_index=True,
        width="stretch",
        key="bank_done_table",
    )
    ignored = {i["id"]: i for i in items if i["status"] == "ignored"}
    if not writable or not ignored:
        return
    qid = st.selectbox(
        t("bank.done.reopen_pick"),
        list(ignored),
        key="bank_reopen_pick",
        format_func=lambda i: t(
            "bank.queue.item",
            no=ignored[i]["doc_no"],
            date=day(ignored[i]["doc_date"]),
            amount=money(ignored[i]["amount"]),
            payer=ignored[i]["payer_name"] or EMPTY,
        ),
    )
    if st.button(t("bank.done.reopen"), key="bank_reopen"):
        if attempt(lambda: _write(lambda a: queue.reopen(a, qid)), success=t("bank.done.reopened")):
            st.rerun()


def _statements_tab(rows: list[dict[str, Any]]) -> None:
    if not rows:
        st.info(t("bank.stmt.empty"))
        return
    st.dataframe(
        [
            {
                t("bank.stmt.file"): r["file_name"] or EMPTY,
                t("bank.stmt.imported_at"): moment(r["imported_at"]),
                t("bank.stmt.by"): r["imported_by_name"] or EMPTY,
                t("bank.stmt.account"): r["account"] or EMPTY,
                t("bank.stmt.period"): f"{day(r['date_from'])} – {day(r['date_to'])}",
                t("bank.result.documents"): number(r["sections"]),
                t("bank.result.matched"): number(r["matched"]),
                t("bank.result.queued"): number(r["queued"]),
                t("bank.result.known"): number(r["known"]),
                t("bank.result.rejected"): number(r["rejected"]),
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
        key="bank_statements_table",
    )


def render() -> None:
    st.title(t("bank.title"))
    st.caption(t("bank.intro"))
    with desk().reading() as a:
        if not may_use_bank(a, "read"):
            st.error(t("bank.no_access"))
            return
        writable = may_use_bank(a, "write")
    _import_section(writable)
    with desk().reading() as a:
        waiting = queue.list_queue(a, "waiting")
        done = queue.list_queue(a, "matched") + queue.list_queue(a, "ignored")
        history = queue.statements(a)
    done.sort(key=lambda i: (i["resolved_at"], i["id"]), reverse=True)
    queue_tab, done_tab, statements_tab = st.tabs(
        [t("bank.tab.queue", count=len(waiting)), t("bank.tab.done"), t("bank.tab.statements")]
    )
    with queue_tab:
        _queue_tab(waiting, writable)
    with done_tab:
        _done_tab(done, writable)
    with statements_tab:
        _statements_tab(history)


render()

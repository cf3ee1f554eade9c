"""The «Банковские выписки» page driven through AppTest on a demo plant copy: import a statement
(through the page's documented upload seam), read the summary, match a waiting payment by hand,
skip one with a reason and bring it back; read-only and refused roles. Every action is proven
by reading the store back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from bank_helpers import fingerprint, last_payment_id, new_payments, open_invoices, paying, rows
from statement_files import encode, incoming, statement
from streamlit.testing.v1 import AppTest

import dashboards
from dashboards.session import AUTH_KEY, SessionUser

PAGE = Path(dashboards.__file__).parent / "app_pages" / "finance" / "bank_statements.py"
UPLOAD_SEAM = "bank_upload_seam"  # bank_statements.UPLOAD_SEAM (a page script: not imported)
YESTERDAY = date.today() - timedelta(days=1)  # the app runs on the real clock


def _page(home: Path, monkeypatch, login: str, upload: bytes | None = None) -> AppTest:
    monkeypatch.setenv("ZAKAZ_HOME", str(home))
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    (user,) = rows(home, "SELECT id, login, full_name, role, is_head FROM users WHERE login = ?",
                   [login])  # fmt: skip
    at.session_state[AUTH_KEY] = {"user": SessionUser(*user), "last_seen": datetime.now()}
    if upload is not None:
        at.session_state[UPLOAD_SEAM] = {"name": "kl_to_1c.txt", "data": upload}
    return at.run()


def _metric(at: AppTest, label: str) -> str:
    (value,) = [m.value for m in at.metric if m.label == label]
    return value


def _no_unknown_keys(at: AppTest) -> None:
    """Every text came from the catalog (an unknown key shows as ⟦key⟧)."""
    texts = [
        e.value
        for kind in ("markdown", "caption", "info", "success", "warning")
        for e in getattr(at, kind)
    ]
    texts += [m.label for m in at.metric] + [t.label for t in at.tabs]
    texts += [b.label for b in at.button] + [e.label for e in at.expander]
    texts += [c for d in at.dataframe for c in d.value.columns]
    assert not [text for text in texts if "⟦" in str(text)]


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == []


@pytest.fixture
def plant(demo_home):
    a, b = open_invoices(demo_home)[:2]
    docs = [
        paying(a, "4001", day=YESTERDAY),
        paying(b, "4002", day=YESTERDAY, purpose="Оплата за изготовление деталей"),
        incoming("4003", YESTERDAY, "2 500,00", payer_inn="7794580730", purpose="Аванс"),
    ]
    return demo_home, encode(statement(docs, date_to=YESTERDAY)), a, b


def _queue_id(home: Path, doc_no: str) -> int:
    return rows(home, "SELECT q.id FROM bank_queue q JOIN bank_documents d "
                "ON d.id = q.document_id WHERE d.doc_no = ?", [doc_no])[0][0]  # fmt: skip


def test_import_then_match_by_hand(plant, monkeypatch):
    home, data, a, b = plant
    at = _page(home, monkeypatch, "pavlov", upload=data)
    _clean(at)
    assert "Очередь (0)" in [tab.label for tab in at.tabs]
    before = last_payment_id(home)
    at.button(key="bank_import").click().run()
    _clean(at)
    assert (_metric(at, "Документов"), _metric(at, "Записано"), _metric(at, "В очередь")) == (
        "3", "1", "2",
    )  # fmt: skip
    assert next(s.value for s in at.success) == "Выписка загружена без ошибок"
    assert "Очередь (2)" in [tab.label for tab in at.tabs]
    assert [p[0] for p in new_payments(home, before)] == [a.id]
    # b's payment names no invoice: b's open invoice is offered first; match it.
    qid = _queue_id(home, "4002")
    assert at.selectbox(key=f"bank_q_invoice_{qid}").value == b.id
    at.button(key=f"bank_q_match_{qid}").click().run()
    _clean(at)
    assert [p[:2] for p in new_payments(home, before)] == [(a.id, a.outstanding),
                                                         (b.id, b.outstanding)]  # fmt: skip
    assert rows(home, "SELECT status FROM bank_queue WHERE id = ?", [qid]) == [("matched",)]
    assert "Очередь (1)" in [tab.label for tab in at.tabs]
    (done,) = [d.value for d in at.dataframe if "Состояние" in d.value.columns]
    assert done[["Документ №", "Состояние"]].values.tolist() == [["4002", "сопоставлен"]]
    _no_unknown_keys(at)


def test_skip_needs_a_reason_and_can_be_undone(plant, monkeypatch):
    home, data, _, _ = plant
    at = _page(home, monkeypatch, "egorova", upload=data)
    at.button(key="bank_import").click().run()
    qid = _queue_id(home, "4003")
    at.button(key=f"bank_q_ignore_{qid}").click().run()
    assert any("не заполнено" in e.value for e in at.error)
    assert rows(home, "SELECT status FROM bank_queue WHERE id = ?", [qid]) == [("waiting",)]
    at.text_input(key=f"bank_q_reason_{qid}").input("Возврат займа").run()
    at.button(key=f"bank_q_ignore_{qid}").click().run()
    _clean(at)
    assert rows(home, "SELECT status, note FROM bank_queue WHERE id = ?", [qid]) == [
        ("ignored", "Возврат займа")
    ]
    assert at.selectbox(key="bank_reopen_pick").value == qid
    at.button(key="bank_reopen").click().run()
    _clean(at)
    assert rows(home, "SELECT status FROM bank_queue WHERE id = ?", [qid]) == [("waiting",)]


def test_a_file_that_is_not_a_statement(demo_home, monkeypatch):
    before = fingerprint(demo_home)
    at = _page(demo_home, monkeypatch, "pavlov", upload=b"PK\x03\x04 an xlsx")
    at.button(key="bank_import").click().run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "не выписка в формате 1CClientBankExchange" in error
    assert fingerprint(demo_home) == before


def test_admin_sees_the_queue_read_only(plant, monkeypatch):
    home, data, _, _ = plant
    _page(home, monkeypatch, "pavlov", upload=data).button(key="bank_import").click().run()
    before = fingerprint(home)
    at = _page(home, monkeypatch, "admin", upload=data)
    _clean(at)
    assert any("Вам доступен просмотр" in i.value for i in at.info)
    assert [b.key for b in at.button] == []  # no import, match, skip or reopen
    assert "Очередь (2)" in [tab.label for tab in at.tabs]
    assert any("плательщик с ИНН 7794580730" in w.value.replace("\\", "") for w in at.warning)
    assert fingerprint(home) == before


def test_sales_is_refused(demo_home, monkeypatch):
    at = _page(demo_home, monkeypatch, "ivanov")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Нет доступа: банковские выписки видит роль, которая читает «платежи» по всем заказам"
    ]
    assert len(at.tabs) == 0


def test_the_page_in_english(plant, monkeypatch):
    home, data, _, _ = plant
    monkeypatch.setenv("ZAKAZ_HOME", str(home))
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    (user,) = rows(home, "SELECT id, login, full_name, role, is_head FROM users WHERE login = ?",
                   ["pavlov"])  # fmt: skip
    at.session_state[AUTH_KEY] = {"user": SessionUser(*user), "last_seen": datetime.now()}
    at.session_state[UPLOAD_SEAM] = {"name": "kl_to_1c.txt", "data": data}
    at.session_state["lang"] = "en"
    at.run().button(key="bank_import").click().run()
    _clean(at)
    assert at.title[0].value == "Bank statements"
    assert _metric(at, "Recorded") == "1" and "Queue (2)" in [tab.label for tab in at.tabs]
    _no_unknown_keys(at)

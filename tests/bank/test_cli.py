"""`zakaz import-bank FILE --as LOGIN [--json]` run for real in a subprocess: the summary, JSON,
exit codes 0 / 3 / 2 / 1, and re-running the same file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from bank_helpers import fingerprint, open_invoices, paying
from statement_files import encode, incoming, outgoing, statement

# The command runs on the real clock: documents of yesterday are never in its future.
YESTERDAY = date.today() - timedelta(days=1)


def zakaz(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ZAKAZ_HOME"}
    return subprocess.run(
        [sys.executable, "-m", "zakaz.cli", *args],
        capture_output=True, text=True, timeout=300, env=env,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip


def _write(tmp_path: Path, docs, name: str = "kl_to_1c.txt", encoding: str = "cp1251") -> Path:
    path = tmp_path / name
    path.write_bytes(encode(statement(docs, date_to=YESTERDAY), encoding))
    return path


@pytest.fixture
def docs(demo_home):
    first = open_invoices(demo_home)[0]
    return [
        paying(first, "3001", day=YESTERDAY),
        incoming("3002", YESTERDAY, "2 500,00", payer_inn="7794580730", purpose="Аванс"),
        outgoing("3003", YESTERDAY, "100.00"),
    ], first


def test_import_prints_a_summary_and_exits_0(demo_home, tmp_path, docs):
    documents, first = docs
    result = zakaz("import-bank", str(_write(tmp_path, documents)), "--as", "pavlov",
                   "--home", str(demo_home))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "Выписка kl_to_1c.txt (Windows-1251)" in out
    for line in ("Документов в файле: 3", "Входящих платежей: 2", "Сопоставлено и записано: 1",
                 "В очереди на ручное сопоставление: 1", "Исходящих (не загружаются): 1",
                 "Отклонено: 0"):  # fmt: skip
        assert line in out
    assert f"счёт № {first.number}, заказ {first.order_number}" in out
    assert "плательщик с ИНН 7794580730 не найден среди заказчиков" in out


def test_json_and_running_the_same_file_again(demo_home, tmp_path, docs):
    documents, first = docs
    path = _write(tmp_path, documents, encoding="utf-8")
    args = ("import-bank", str(path), "--as", "egorova", "--json", "--home", str(demo_home))
    result = zakaz(*args)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["encoding"], report["documents"], report["incoming"]) == ("utf-8", 3, 2)
    assert (report["matched"], report["queued"], report["skipped_known"]) == (1, 1, 0)
    assert (report["outgoing"], report["rejected"], report["errors"]) == (1, 0, [])
    (matched,) = report["matched_items"]
    assert (matched["invoice"], Decimal(matched["amount"])) == (first.number, first.outstanding)
    (queued,) = report["queued_items"]
    assert (queued["doc_no"], queued["verdict"], queued["reason_code"]) == (
        "3002", "none", "unknown_payer",
    )  # fmt: skip
    assert queued["amount"] == "2500.00"
    before = fingerprint(demo_home)
    again = json.loads(zakaz(*args).stdout)
    assert (again["skipped_known"], again["matched"], again["queued"]) == (2, 0, 0)
    assert fingerprint(demo_home)[:2] == before[:2]  # no payment added


def test_malformed_documents_exit_3_and_the_rest_is_imported(demo_home, tmp_path, docs):
    documents, _ = docs
    broken = [(k, "12,34,56" if k == "Сумма" else v) for k, v in documents[1]]
    broken = [(k, "3009" if k == "Номер" else v) for k, v in broken]
    path = _write(tmp_path, [documents[0], broken])
    result = zakaz("import-bank", str(path), "--as", "pavlov", "--home", str(demo_home))
    assert result.returncode == 3
    assert "Сопоставлено и записано: 1" in result.stdout
    assert "документ № 3009 (строка" in result.stdout and "поле Сумма" in result.stdout
    assert result.stderr.strip().splitlines() == [
        "zakaz: выписка загружена, но с ошибками: 1 — см. список"
    ]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "не выписка в формате 1CClientBankExchange"),
        ("Дата;Сумма;Плательщик\n".encode("cp1251"), "не выписка в формате 1CClientBankExchange"),
        (None, "файл не найден"),
    ],
)
def test_not_a_statement_exits_2_with_one_line(demo_home, tmp_path, content, fragment):
    path = tmp_path / "выписка.xlsx"
    if content is not None:
        path.write_bytes(content)
    before = fingerprint(demo_home)
    result = zakaz("import-bank", str(path), "--as", "pavlov", "--home", str(demo_home))
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("zakaz: ") and fragment in line and "Traceback" not in line
    assert fingerprint(demo_home) == before


@pytest.mark.parametrize(
    ("login", "code", "fragment"),
    [("nobody", 2, "пользователь nobody не найден"), ("ivanov", 1, "Нет доступа")],
)
def test_who_imports_is_checked(demo_home, tmp_path, docs, login, code, fragment):
    before = fingerprint(demo_home)
    path = _write(tmp_path, docs[0])
    result = zakaz("import-bank", str(path), "--as", login, "--home", str(demo_home))
    assert result.returncode == code and result.stdout == ""
    assert fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert fingerprint(demo_home) == before


def test_as_is_required(demo_home, tmp_path, docs):
    result = zakaz("import-bank", str(_write(tmp_path, docs[0])), "--home", str(demo_home))
    assert result.returncode == 2 and "--as" in result.stderr

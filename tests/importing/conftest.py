"""Fixtures for the import tests: real plants (the demo plant, or an empty one with reference
data and one user per department), the import run as the app and the CLI run it, and a
fingerprint of the whole store to prove that nothing changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from demo_clock import DEMO_NOW

from ingest.service import Desk
from ingest.service.users import create_user
from ingest.store import Store
from zakaz import cli
from zakaz.commands import import_file
from zakaz.reference import load_reference_data

EMPTY_USERS = (
    ("sokolova", "Соколова Марина Викторовна", "sales", True),
    ("ivanov", "Иванов Дмитрий Андреевич", "sales", False),
    ("petrova", "Петрова Анна Сергеевна", "sales", False),
    ("volkova", "Волкова Наталья Александровна", "procurement", False),
    ("pavlov", "Павлов Денис Александрович", "finance", False),
    ("makarova", "Макарова Елена Константиновна", "leadership", False),
)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Path:
    """A new plant: reference data (materials with prices from 01.01.2026), no orders."""
    home = tmp_path_factory.mktemp("empty_plant")
    store = Store.open(home)
    store.create()
    with store.write() as tx:
        load_reference_data(tx, admin_password="admin-test-pw", now=DEMO_NOW)
    with Desk(store, "admin", clock=lambda: DEMO_NOW).writing() as a:
        for login, name, role, head in EMPTY_USERS:
            create_user(a, login=login, full_name=name, email=f"{login}@zavod.test", role=role,
                        is_head=head, password="test-password-1")  # fmt: skip
    return home


@pytest.fixture
def empty_plant(empty_template, tmp_path) -> Store:
    home = tmp_path / "empty"
    home.mkdir()
    shutil.copy2(empty_template / "app.duckdb", home / "app.duckdb")
    return Store.open(home)


@pytest.fixture
def demo_plant(demo_home) -> Store:
    return Store.open(demo_home)


@pytest.fixture
def zakaz(monkeypatch, capsys):
    """Run `zakaz ...` in-process through zakaz.cli.main (its real error handling); returns
    (exit code, stdout, stderr)."""
    assert import_file in cli.COMMANDS

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run

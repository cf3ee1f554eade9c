"""`zakaz import FILE --kind ...`: the summary, --json, exit codes 0 / 3 / 2 (and 1 when refused),
--dry-run, --all-or-nothing, --mapping and --write-mapping, and a mapping confirmed in the app
(import_mappings) used for the next file of the same layout."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from files import Book, csv_bytes
from import_helpers import desk, fingerprint, one

from ingest.importing import run as importing
from ingest.store import Store
from zakaz.inn import make_org_inn

INNS = [make_org_inn(random.Random(n), region="43") for n in range(3)]


@pytest.fixture
def plant(demo_home) -> Path:
    return demo_home


def customers_csv(path: Path, *extra: list) -> Path:
    path.write_bytes(
        csv_bytes(
            [["Контрагент", "ИНН"], ["ООО «Раз»", INNS[0]], ["ООО «Два»", INNS[1]], *extra],
            encoding="cp1251",
        )
    )
    return path


def test_good_file_exit_0_and_a_summary(zakaz, plant, tmp_path):
    code, out, err = zakaz(
        "import",
        customers_csv(tmp_path / "к.csv"),
        "--kind",
        "customers",
        "--home",
        plant,
        "--as",
        "sokolova",
    )
    assert (code, err) == (0, "")
    assert "Импорт «Заказчики» из к.csv: лист «к», заголовок в строке 1" in out
    assert "добавлено: 2, обновлено: 0, без изменений: 0, отклонено строк: 0" in out


def test_json_shape_and_exit_3_with_rejected_rows(zakaz, plant, tmp_path):
    path = customers_csv(tmp_path / "к.csv", ["ООО «Три»", "1234567890"], ["", INNS[2]])
    code, out, err = zakaz(
        "import", path, "--kind", "customers", "--home", plant, "--as", "sokolova", "--json"
    )
    assert (code, err) == (3, "")
    assert json.loads(out) == {
        "imported": 2,
        "updated": 0,
        "skipped": 0,
        "rejected": [
            {"row": 4, "column": "ИНН", "reason": "неверная контрольная сумма ИНН"},
            {
                "row": 5,
                "column": "Контрагент",
                "reason": "наименование не заполнено (новый заказчик)",
            },
        ],
    }
    code, out, _ = zakaz(
        "import", path, "--kind", "customers", "--home", plant, "--as", "sokolova", "--json"
    )
    assert code == 3 and json.loads(out)["skipped"] == 2 and json.loads(out)["imported"] == 0


def test_all_or_nothing_and_dry_run_write_nothing(zakaz, plant, tmp_path):
    path = customers_csv(tmp_path / "к.csv", ["ООО «Три»", "1234567890"])
    stored = fingerprint(Store.open(plant))
    code, out, _ = zakaz(
        "import",
        path,
        "--kind",
        "customers",
        "--home",
        plant,
        "--as",
        "sokolova",
        "--json",
        "--all-or-nothing",
    )
    assert code == 3 and json.loads(out)["imported"] == 0
    code, out, _ = zakaz(
        "import", path, "--kind", "customers", "--home", plant, "--as", "sokolova", "--dry-run"
    )
    assert code == 3
    assert "(проверка, ничего не записано)" in out and "будет добавлено: 2" in out
    assert fingerprint(Store.open(plant)) == stored


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "пуст"),
        (csv_bytes([["Просто"], ["текст"]]), "x.csv", "не найдена строка заголовков"),
        (csv_bytes([["Контрагент", "КПП"], ["ООО", "1"]]), "x.csv", "не найдена строка"),
        (b"PK\x03\x04oops", "x.xlsx", "не читается как книга Excel"),
    ],
)
def test_unusable_file_exit_2_one_line(zakaz, plant, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = zakaz("import", path, "--kind", "customers", "--home", plant)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_missing_file_and_bad_kind(zakaz, plant, tmp_path):
    code, _, err = zakaz("import", tmp_path / "нет.xlsx", "--kind", "orders", "--home", plant)
    assert code == 2 and "не читается" in err
    with pytest.raises(SystemExit) as exit_:
        zakaz("import", tmp_path / "нет.xlsx", "--kind", "people", "--home", plant)
    assert exit_.value.code == 2


def test_an_unknown_login_is_a_bad_argument(zakaz, plant, tmp_path):
    code, out, err = zakaz("import", customers_csv(tmp_path / "к.csv"), "--kind", "customers",
                           "--home", plant, "--as", "nobody")  # fmt: skip
    assert (code, out) == (2, "") and "пользователь nobody не найден" in err


def test_refused_by_the_access_rules_exit_1(zakaz, plant, tmp_path):
    path = tmp_path / "прайс.csv"
    path.write_bytes(csv_bytes([["Марка", "Цена", "Действует с"], ["45", "1", "01.01.2027"]]))
    code, out, err = zakaz("import", path, "--kind", "materials", "--home", plant)
    assert (code, out) == (1, "")
    assert "роль «Администратор» не может изменять «снабжение»" in err
    assert zakaz("import", path, "--kind", "materials", "--home", plant, "--as", "morozov")[0] == 0


def test_mapping_file_and_write_mapping(zakaz, plant, tmp_path):
    path = tmp_path / "к.csv"
    path.write_bytes(csv_bytes([["Фирма", "Код"], ["ООО «Раз»", INNS[0]]]))
    code, _, err = zakaz("import", path, "--kind", "customers", "--home", plant)
    assert code == 2 and "«ИНН»" in err  # nothing recognised the columns
    mapping = tmp_path / "m.json"
    mapping.write_text(
        json.dumps({"kind": "customers", "columns": {"inn": "Код", "name": "A"}}), encoding="utf-8"
    )
    written = tmp_path / "used.json"
    code, out, _ = zakaz(
        "import",
        path,
        "--kind",
        "customers",
        "--home",
        plant,
        "--as",
        "sokolova",
        "--mapping",
        mapping,
        "--write-mapping",
        written,
        "--json",
    )
    assert code == 0 and json.loads(out)["imported"] == 1
    used = json.loads(written.read_text(encoding="utf-8"))
    assert used["kind"] == "customers" and used["columns"]["inn"] == "Код"
    assert used["columns"]["name"] == "Фирма" and used["columns"]["kpp"] is None
    bad = tmp_path / "bad.json"
    for text, message in (
        ("{", "не JSON"),
        ('{"kind": "orders", "columns": {}}', "сделан для вида «orders»"),
        ('{"columns": {"nope": "Код"}}', "поле «nope»"),
        ('{"columns": {"inn": "Нет такого"}}', "нет столбца «Нет такого»"),
    ):
        bad.write_text(text, encoding="utf-8")
        code, _, err = zakaz(
            "import", path, "--kind", "customers", "--home", plant, "--mapping", bad
        )
        assert code == 2 and message in err, (text, err)


def test_a_layout_confirmed_in_the_app_is_used_by_the_cli(zakaz, plant, tmp_path):
    path = tmp_path / "к.csv"
    path.write_bytes(csv_bytes([["Фирма", "Код"], ["ООО «Раз»", INNS[0]]]))
    store = Store.open(plant)
    loaded = importing.load(path.read_bytes(), path.name, "customers", guess=True)
    importing.save_mapping(desk(store, "sokolova"), loaded, {"name": 0, "inn": 1})
    assert one(store, "SELECT count(*) FROM audit_log WHERE entity = 'import_mapping'") == 1
    code, out, _ = zakaz("import", path, "--kind", "customers", "--home", plant, "--as", "sokolova")
    assert code == 0 and "сопоставление сохранённое в приложении" in out


def test_orders_register_as_a_script_sees_it(zakaz, plant, tmp_path):
    book = Book()
    book.sheet("Реестр").rows(
        [
            [
                "№ заказа",
                "Дата",
                "ИНН",
                "Заказчик",
                "Статус",
                "Наименование",
                "Марка",
                "Масса",
                "Кол-во",
                "Цена",
            ],
            ["СК-1", "01.02.2026", INNS[0], "ООО «Раз»", "в производстве", "Вал", "45", 2, 3, 100],
            ["СК-1", "01.02.2026", INNS[0], "ООО «Раз»", "в производстве", "Ось", "45", 2, 0, 100],
            ["СК-2", "01.02.2026", INNS[0], "ООО «Раз»", "согласовано", "Вал", "45", 2, 3, 100],
        ]
    )
    path = tmp_path / "реестр.xlsx"
    path.write_bytes(book.xlsx())
    code, out, _ = zakaz(
        "import", path, "--kind", "orders", "--home", plant, "--as", "sokolova", "--json"
    )
    result = json.loads(out)
    assert code == 3 and result["imported"] == 1
    assert [(r["row"], r["column"]) for r in result["rejected"]] == [(2, "№ заказа"), (3, "Кол-во")]

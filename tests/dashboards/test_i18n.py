"""The UI message catalog: loaded modules, merge rules, translation, status and role names."""

import re
import sys
import textwrap

import pytest

import dashboards.i18n as i18n
from dashboards.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    CatalogError,
    catalog,
    current_language,
    duplicate_literal_keys,
    known_keys,
    load_catalog,
    merge_catalogs,
    placeholders,
    role_name,
    status_name,
    t,
    translate,
)
from dashboards.i18n.messages import common
from zakaz.domain import ROLES, STATUS_NAMES_RU, STATUSES

# --- the real catalog -------------------------------------------------------------------------


def test_languages():
    assert LANGUAGES == ("ru", "en")
    assert DEFAULT_LANGUAGE == "ru"


def test_catalog_loads_and_includes_every_area():
    keys = known_keys()
    assert isinstance(keys, frozenset)
    assert set(common.MESSAGES) <= keys
    assert {f"status.{code}" for code in STATUSES} <= keys


def test_load_catalog_matches_cached_catalog():
    assert load_catalog() == dict(catalog())


def test_every_message_has_both_languages_and_matching_placeholders():
    for key, value in catalog().items():
        assert isinstance(value, tuple) and len(value) == 2, key
        ru, en = value
        assert ru.strip() and en.strip(), key
        assert placeholders(ru) == placeholders(en), key
        assert "." in key and key.split(".", 1)[0].isidentifier(), key


def test_russian_texts_are_russian():
    # Catches swapped (en, ru) tuples in the shared areas; language names are the exception.
    same_in_both = {"common.lang.ru", "common.lang.en"}
    for key, (ru, en) in catalog().items():
        if key in same_in_both or not key.startswith(("common.", "status.")):
            continue
        assert any("а" <= ch <= "я" or ch == "ё" for ch in ru.lower()), key
        assert not any("а" <= ch <= "я" for ch in en.lower()), key


def test_catalog_is_read_only():
    with pytest.raises(TypeError):
        catalog()["common.save"] = ("x", "y")  # type: ignore[index]


@pytest.mark.parametrize(
    ("key", "ru", "en"),
    [
        ("common.app_title", "Заказ", "Zakaz"),
        ("common.no_access", "Нет доступа", "No access"),
        (
            "common.busy",
            "База занята другим сохранением, повторите через несколько секунд",
            "The database is busy with another save, please try again in a few seconds",
        ),
        ("common.section.sales", "Продажи", "Sales"),
        ("common.section.procurement", "Снабжение", "Procurement"),
        ("common.section.production", "Производство", "Production"),
        ("common.section.logistics", "Логистика", "Logistics"),
        ("common.section.finance", "Финансы", "Finance"),
        ("common.section.leadership", "Руководство", "Leadership"),
        ("common.section.admin", "Администрирование", "Administration"),
        ("common.section.my_work", "Моя работа", "My work"),
        ("common.inn", "ИНН", "INN"),
        ("common.kpp", "КПП", "KPP"),
    ],
)
def test_common_vocabulary(key, ru, en):
    assert translate(key, "ru") == ru
    assert translate(key, "en") == en


def test_common_has_the_shared_words():
    expected = {
        "common.app_title",
        *(f"common.login.{k}" for k in ("username", "password", "submit", "wrong")),
        "common.login.locked",
        "common.login.session_expired",
        "common.logout",
        "common.lang.label",
        *(
            f"common.{k}"
            for k in (
                "save cancel add delete search export_excel refresh back saved nothing_found "
                "no_access busy stale order_number customer status manager date_from date_to "
                "inn kpp address phone email comment amount total net vat quantity name "
                "material drawing_number"
            ).split()
        ),
    }
    assert expected <= set(common.MESSAGES)


def test_translate_with_params():
    assert translate("common.stale", "ru", who="Иванов И. И.", when="28.11.2026 14:35") == (
        "Заказ уже изменил Иванов И. И. в 28.11.2026 14:35. Ваши изменения не сохранены, "
        "но остались в форме: проверьте и сохраните ещё раз."
    )
    english = translate("common.stale", "en", who="Ivanov", when="14:35")
    assert "Ivanov" in english and "14:35" in english and "{" not in english
    assert translate("common.login.locked", "ru", until="14:35").endswith("до 14:35")


def test_translate_is_forgiving():
    # a missing parameter stays visible, extra parameters are ignored
    assert "{until}" in translate("common.login.locked", "ru")
    assert translate("common.save", "en", extra=1) == "Save"
    # an unknown language falls back to Russian
    assert translate("common.save", "de") == "Сохранить"


def test_unknown_key_is_marked_not_raised():
    assert translate("sales.nope.title", "ru") == "⟦sales.nope.title⟧"
    assert translate("sales.nope.title", "en", n=1) == "⟦sales.nope.title⟧"
    assert t("nothing.here") == "⟦nothing.here⟧"
    assert "nothing.here" not in known_keys()


def test_t_outside_a_running_app_is_russian():
    assert current_language() == "ru"
    assert t("common.save") == "Сохранить"
    assert t("common.login.locked", until="15:00").endswith("до 15:00")


def test_t_follows_the_session_language(monkeypatch):
    import streamlit as st
    from streamlit.runtime import scriptrunner

    monkeypatch.setattr(scriptrunner, "get_script_run_ctx", lambda **_: object())
    state = {"lang": "en"}
    monkeypatch.setattr(st, "session_state", state)
    assert current_language() == "en"
    assert t("common.save") == "Save"
    assert status_name("agreed") == "Agreed"
    assert role_name("admin") == "Administrator"
    state["lang"] = "xx"
    assert t("common.save") == "Сохранить"
    del state["lang"]
    assert t("common.save") == "Сохранить"


# --- status and role names --------------------------------------------------------------------

STATUS_EN = {
    "need": "Need",
    "costing": "Costing",
    "quote_sent": "Quote sent",
    "agreed": "Agreed",
    "procurement": "Procurement",
    "production": "Production",
    "ready_to_ship": "Ready to ship",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "closed": "Closed",
    "cancelled": "Cancelled",
}


@pytest.mark.parametrize("code", STATUSES)
def test_status_names_in_both_languages(code):
    assert status_name(code, "ru") == STATUS_NAMES_RU[code]
    assert status_name(code, "en") == STATUS_EN[code]
    assert status_name(code) == STATUS_NAMES_RU[code]  # current language outside an app


def test_status_name_examples_and_unknown():
    assert status_name("quote_sent", "ru") == "КП отправлено"
    assert status_name("cancelled", "en") == "Cancelled"
    assert status_name("lost", "ru") == "⟦status.lost⟧"


@pytest.mark.parametrize("code", list(ROLES))
def test_role_names_in_both_languages(code):
    assert role_name(code, "ru") == ROLES[code][0]
    assert role_name(code, "en") == ROLES[code][1]
    assert role_name(code) == ROLES[code][0]


def test_role_name_examples_and_unknown():
    assert role_name("sales", "ru") == "Продажи"
    assert role_name("admin", "en") == "Administrator"
    assert role_name("janitor", "en") == "⟦role.janitor⟧"


# --- merge rules on synthetic catalogs ----------------------------------------------------------


def test_merge_catalogs_merges_areas():
    merged = merge_catalogs(
        {
            "sales": {"sales.title": ("Продажи", "Sales"), "sales.n": ("{n} шт.", "{n} pcs")},
            "finance": {"finance.title": ("Финансы", "Finance")},
        }
    )
    assert merged == {
        "sales.title": ("Продажи", "Sales"),
        "sales.n": ("{n} шт.", "{n} pcs"),
        "finance.title": ("Финансы", "Finance"),
    }
    assert merge_catalogs({}) == {}


@pytest.mark.parametrize(
    ("modules", "problem"),
    [
        ({"sales": {"finance.title": ("Финансы", "Finance")}}, "must start with 'sales.'"),
        ({"sales": {"salesman.title": ("Продавец", "Salesman")}}, "must start with 'sales.'"),
        ({"sales": {"sales": ("Продажи", "Sales")}}, "must start with"),
        ({"sales": {"sales.": ("Продажи", "Sales")}}, "must start with"),
        ({"sales": {"sales.x": ("{who} сохранил", "Saved")}}, "placeholders differ"),
        ({"sales": {"sales.x": ("{a} и {b}", "{a} and {c}")}}, "placeholders differ"),
        ({"sales": {"sales.x": ("", "Empty")}}, "ru text is empty"),
        ({"sales": {"sales.x": ("Пусто", "  ")}}, "en text is empty"),
        ({"sales": {"sales.x": ("Один",)}}, "tuple"),
        ({"sales": {"sales.x": ["Список", "List"]}}, "tuple"),
        ({"sales": {"sales.x": ("{} шт.", "{} pcs")}}, "not named"),
        ({"sales": {"sales.x": ("{0} шт.", "{0} pcs")}}, "not named"),
        ({"sales": {"sales.x": ("{n шт.", "{n pcs")}}, "sales.x"),
        ({"": {".x": ("Икс", "X")}}, "not a valid area"),
        ({"a.b": {"a.b.x": ("Икс", "X")}}, "not a valid area"),
    ],
)
def test_merge_catalogs_refuses(modules, problem):
    with pytest.raises(CatalogError, match=re.escape(problem)):
        merge_catalogs(modules)


def test_merge_catalogs_reports_every_problem_at_once():
    with pytest.raises(CatalogError) as info:
        merge_catalogs(
            {
                "sales": {"finance.x": ("Икс", "X"), "sales.y": ("{a}", "{b}")},
                "finance": {"finance.z": ("", "Z")},
            }
        )
    message = str(info.value)
    assert "finance.x" in message and "sales.y" in message and "finance.z" in message


def test_merge_catalogs_refuses_a_key_in_two_areas():
    # Keys are prefixed by their area, so two areas can only collide through a Mapping that
    # yields one area twice; the merge must still refuse rather than overwrite.
    class Twice(dict):
        def items(self):
            yield "sales", {"sales.title": ("Продажи", "Sales")}
            yield "sales", {"sales.title": ("Сбыт", "Sales")}

    with pytest.raises(CatalogError, match=r"sales\.title: duplicated"):
        merge_catalogs(Twice())


def test_placeholders():
    assert placeholders("Заказ {number} от {day}") == {"number", "day"}
    assert placeholders("{{literal}} {n:,}") == {"n"}
    assert placeholders("нет") == frozenset()
    with pytest.raises(ValueError):
        placeholders("{}")


def test_duplicate_keys_in_a_module_literal_are_found():
    source = textwrap.dedent(
        """
        MESSAGES = {
            "sales.a": ("А", "A"),
            "sales.b": ("Б", "B"),
            "sales.a": ("А2", "A2"),
        }
        """
    )
    assert duplicate_literal_keys(source) == ["sales.a"]
    assert duplicate_literal_keys('MESSAGES = {"x.a": ("А", "A")}') == []


def test_load_catalog_discovers_modules_and_checks_them(tmp_path, monkeypatch):
    package = tmp_path / "fake_msgs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_private.py").write_text("X = 1\n")
    (package / "sales.py").write_text('MESSAGES = {"sales.title": ("Продажи", "Sales")}\n')
    (package / "finance.py").write_text('MESSAGES = {"finance.title": ("Финансы", "Finance")}\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "fake_msgs" or m.startswith("fake_msgs.")]:
        monkeypatch.delitem(sys.modules, name)
    assert load_catalog("fake_msgs") == {
        "sales.title": ("Продажи", "Sales"),
        "finance.title": ("Финансы", "Finance"),
    }

    (package / "admin.py").write_text('MESSAGES = {"admin.a": ("А", "A"), "admin.a": ("Б", "B")}\n')
    with pytest.raises(CatalogError, match=r"admin\.a: written twice"):
        load_catalog("fake_msgs")

    (package / "admin.py").unlink()
    (package / "logistics.py").write_text("TEXTS = {}\n")
    with pytest.raises(CatalogError, match="defines no MESSAGES"):
        load_catalog("fake_msgs")


def test_module_importable_without_streamlit_side_effects():
    # importing the catalog must not start or require a Streamlit app
    assert callable(i18n.t)

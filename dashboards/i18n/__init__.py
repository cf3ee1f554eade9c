"""The UI message catalog: every text a page shows, in Russian and English.

Using it
--------
``t("common.save")`` gives the text in the current user's language (``st.session_state["lang"]``,
Russian when unset or outside a running app); ``translate(key, lang, **params)`` takes the language
explicitly.  Placeholders are named: ``t("common.stale", who="Иванов", when="14:35")``.  A key the
catalog does not know comes back as ``⟦key⟧`` — visible on the page, never a crash; a test checks
pages against :func:`known_keys`.  Status and role names: :func:`status_name`, :func:`role_name`.

Adding a message
----------------
Open the area's module in ``dashboards/i18n/messages/`` and add a line to its ``MESSAGES``::

    "sales.orders.title": ("Заказы", "Orders"),

The key is dotted and starts with the area (the module's name) and a dot.  The value is
``(russian, english)``; both must be non-empty and use the same ``{named}`` placeholders
(no ``{}`` or ``{0}``; write a literal brace as ``{{`` / ``}}``).  Words shared by many pages
(buttons, field labels, section names) belong in ``common.py``; check there first.

Adding an area
--------------
Create ``dashboards/i18n/messages/<area>.py`` (a valid module name, e.g. ``sales.py``) defining
``MESSAGES: dict[str, tuple[str, str]]`` with keys ``"<area>. ..."``.  Nothing to register: every
module of the package is discovered (modules whose name starts with ``_`` are skipped).  The
catalog is checked when first used: a duplicated key, a key outside its area, an empty text or a
placeholder mismatch raises :class:`CatalogError` naming every problem.

Status names are in ``messages/status.py`` (Russian from ``zakaz.domain.STATUS_NAMES_RU``); role
names come straight from ``zakaz.domain.ROLES``.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import string
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from zakaz.domain import ROLES

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "CatalogError",
    "Message",
    "catalog",
    "current_language",
    "duplicate_literal_keys",
    "known_keys",
    "load_catalog",
    "merge_catalogs",
    "placeholders",
    "role_name",
    "status_name",
    "t",
    "translate",
    "unknown_marker",
]

LANGUAGES: tuple[str, ...] = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
SESSION_KEY = "lang"
"""The ``st.session_state`` key holding the current language."""

Message = tuple[str, str]
"""``(russian, english)``."""

_MESSAGES_PACKAGE = "dashboards.i18n.messages"
_FORMATTER = string.Formatter()


class CatalogError(ValueError):
    """The message modules do not form a valid catalog; the message lists every problem."""


def placeholders(text: str) -> frozenset[str]:
    """The named placeholders in ``text``: ``"{who} в {when}"`` -> ``{"who", "when"}``.

    Raises ValueError for malformed braces or a positional placeholder (``{}``, ``{0}``).
    """
    names = set()
    for _, field, _, _ in _FORMATTER.parse(text):
        if field is None:
            continue
        name = field.split(".", 1)[0].split("[", 1)[0]
        if not name.isidentifier():
            raise ValueError(f"placeholder {{{field}}} is not named")
        names.add(name)
    return frozenset(names)


def _check_message(key: str, value: object) -> list[str]:
    if not (isinstance(value, tuple) and len(value) == len(LANGUAGES)):
        return [f"{key}: value must be a (russian, english) tuple, got {value!r}"]
    problems = []
    sets = []
    for lang, text in zip(LANGUAGES, value, strict=True):
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{key}: {lang} text is empty or not a string")
            continue
        try:
            sets.append(placeholders(text))
        except ValueError as error:
            problems.append(f"{key}: {lang} text {text!r}: {error}")
    if not problems and sets[0] != sets[1]:
        ru, en = sets
        problems.append(f"{key}: placeholders differ: ru {sorted(ru)} vs en {sorted(en)}")
    return problems


def merge_catalogs(modules: Mapping[str, Mapping[str, Message]]) -> dict[str, Message]:
    """Merge per-area message dicts ``{area: {key: (ru, en)}}`` into one catalog.

    Pure.  Raises :class:`CatalogError` listing every problem: a key in two areas, a key not
    starting with ``<area>.``, a value that is not two non-empty strings, malformed or positional
    placeholders, different placeholder sets in the two languages.
    """
    merged: dict[str, Message] = {}
    owner: dict[str, str] = {}
    problems: list[str] = []
    for area, messages in modules.items():
        if not area or "." in area:
            problems.append(f"area {area!r}: not a valid area name")
            continue
        for key, value in messages.items():
            if not isinstance(key, str) or not key.startswith(area + ".") or key == area + ".":
                problems.append(f"{key!r} (area {area}): key must start with {area + '.'!r}")
                continue
            if key in owner:
                problems.append(f"{key}: duplicated in areas {owner[key]} and {area}")
                continue
            owner[key] = area
            message_problems = _check_message(key, value)
            if message_problems:
                problems.extend(message_problems)
                continue
            merged[key] = value  # type: ignore[assignment]
    if problems:
        raise CatalogError("Invalid UI message catalog:\n  " + "\n  ".join(problems))
    return merged


def duplicate_literal_keys(source: str) -> list[str]:
    """String keys written twice in one dict literal of ``source`` (Python keeps the last).

    A dict cannot hold a key twice, so a duplicate in a ``MESSAGES`` literal would silently
    drop a text; this reads the module's source to catch it.
    """
    duplicates = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Dict):
            continue
        seen: set[str] = set()
        for key in node.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if key.value in seen:
                    duplicates.append(key.value)
                seen.add(key.value)
    return duplicates


def load_catalog(package: str = _MESSAGES_PACKAGE) -> dict[str, Message]:
    """Import every module of ``package`` and merge their ``MESSAGES`` (not cached)."""
    root = importlib.import_module(package)
    modules: dict[str, Mapping[str, Message]] = {}
    problems: list[str] = []
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        messages = getattr(module, "MESSAGES", None)
        if not isinstance(messages, Mapping):
            problems.append(f"{module.__name__} defines no MESSAGES dict")
            continue
        origin = getattr(module.__spec__, "origin", None)
        if origin and origin.endswith(".py"):
            with open(origin, encoding="utf-8") as file:
                for key in duplicate_literal_keys(file.read()):
                    problems.append(f"{key}: written twice in {module.__name__}")
        modules[info.name] = messages
    if problems:
        raise CatalogError("Invalid UI message catalog:\n  " + "\n  ".join(problems))
    return merge_catalogs(modules)


@cache
def catalog() -> Mapping[str, Message]:
    """The merged catalog, loaded and checked on first use (read-only)."""
    return MappingProxyType(load_catalog())


def known_keys() -> frozenset[str]:
    """Every key in the catalog."""
    return frozenset(catalog())


def unknown_marker(key: str) -> str:
    """How an unknown key shows on a page: ``⟦key⟧``."""
    return f"⟦{key}⟧"


class _KeepMissing(dict):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def translate(key: str, lang: str, **params: object) -> str:
    """The text of ``key`` in ``lang`` with ``params`` filled in.

    Unknown key -> ``⟦key⟧``; unknown language -> Russian; a missing parameter stays as
    ``{name}`` in the text.  Never raises for these.
    """
    message = catalog().get(key)
    if message is None:
        return unknown_marker(key)
    index = LANGUAGES.index(lang) if lang in LANGUAGES else LANGUAGES.index(DEFAULT_LANGUAGE)
    text = message[index]
    if not params and "{" not in text:
        return text
    try:
        return _FORMATTER.vformat(text, (), _KeepMissing(params))
    except (ValueError, TypeError, IndexError, AttributeError, KeyError):
        return text


def current_language() -> str:
    """``st.session_state["lang"]`` in a running app; Russian otherwise or when not valid."""
    try:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover - streamlit is a dependency
        return DEFAULT_LANGUAGE
    if get_script_run_ctx(suppress_warning=True) is None:
        return DEFAULT_LANGUAGE
    lang = st.session_state.get(SESSION_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **params: object) -> str:
    """``translate(key, current_language(), **params)``."""
    return translate(key, current_language(), **params)


def status_name(code: str, lang: str | None = None) -> str:
    """The order status ``code`` by name (``"agreed"`` -> ``"Согласован"`` / ``"Agreed"``)."""
    return translate(f"status.{code}", current_language() if lang is None else lang)


def role_name(code: str, lang: str | None = None) -> str:
    """The role ``code`` by name (``"sales"`` -> ``"Продажи"`` / ``"Sales"``).

    Unknown code -> ``⟦role.<code>⟧``.
    """
    names = ROLES.get(code)
    if names is None:
        return unknown_marker(f"role.{code}")
    lang = current_language() if lang is None else lang
    return names[LANGUAGES.index(lang) if lang in LANGUAGES else LANGUAGES.index(DEFAULT_LANGUAGE)]

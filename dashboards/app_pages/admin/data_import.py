"""Импорт таблиц: upload -> what the file holds -> column mapping -> preview with the rejected
rows -> import (the good rows, or nothing if any row is rejected), with a progress bar and the
rejected rows to download (.xlsx/.csv) for fixing and importing again.

Everything is done by ingest/importing — the same code as `zakaz import` — and the store checks
access on every read and write: the page offers only the kinds the user's role may write
(customers and products: order header; materials: procurement; payments: payments; orders:
header, and prices when price columns are mapped, with the own-orders scope per order).

Test seam: the uploaded file is kept in st.session_state[UPLOAD_KEY] = {"name", "data"} (the file
uploader's callback puts it there). AppTest cannot drive a file uploader, so tests put a file
there directly; the rest of the page runs for real. Parsed files are kept per session (never in
a cache shared by users), so a rerun does not parse a large file again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.session import desk
from dashboards.ui.actions import attempt
from dashboards.ui.escape import md_escape
from ingest.access import PermissionDeniedError
from ingest.importing import rejected
from ingest.importing import run as importing
from ingest.importing.errors import ImportFileError
from ingest.importing.kinds import kind_module
from ingest.importing.mapping import check_complete, mapping_for, saved_hints, to_json
from ingest.importing.synonyms import FIELDS, KINDS
from ingest.service import Acting

K = "data_import"
UPLOAD_KEY = f"{K}_upload"
CACHE_KEY = f"{K}_cache"
FLASH_KEY = f"{K}_flash"
ERRORS_SHOWN = 500
NONE = -1


def kind_name(kind: str) -> str:
    return t(f"importing.kind.{kind}")


def importable_kinds(a: Acting) -> list[str]:
    """Kinds the actor's role may write at all (a file's price or contact columns may still
    need more; the import checks that with the real mapping)."""
    found = []
    for kind in KINDS:
        try:
            kind_module(kind).access(a, set())
        except PermissionDeniedError:
            continue
        found.append(kind)
    return found


def _field_label(kind: str, name: str) -> str:
    spec = next(f for f in FIELDS[kind] if f.name == name)
    label = spec.ru if st.session_state.get("lang", "ru") == "ru" else spec.en
    return t("importing.mapping.required", field=label) if spec.required else label


# --- Upload and reading ----------------------------------------------------------------------


def _on_upload() -> None:
    file = st.session_state.get(f"{K}_file")
    if file is None:
        st.session_state.pop(UPLOAD_KEY, None)
        return
    st.session_state[UPLOAD_KEY] = {"name": file.name, "data": file.getvalue()}


def _cached(key: tuple, make):
    """One value per session and key (the parsed file): reruns do not parse it again."""
    cache = st.session_state.setdefault(CACHE_KEY, {})
    if key not in cache:
        cache.clear()  # one file at a time: keep memory bounded
        cache[key] = make()
    return cache[key]


def _upload_id(upload: dict[str, Any]) -> str:
    return hashlib.sha256(upload["data"]).hexdigest()[:16]


def _read(upload: dict[str, Any], kind: str) -> importing.Loaded:
    with desk().reading() as a:
        hints = saved_hints(a.conn, kind)  # headers of layouts confirmed before
    # guess: a file whose headers name nothing known still shows its columns to map by hand
    return importing.load(upload["data"], upload["name"], kind, hints, guess=True)


def _load(upload: dict[str, Any], kind: str) -> importing.Loaded | None:
    try:
        return _cached(("load", _upload_id(upload), kind), lambda: _read(upload, kind))
    except ImportFileError as exc:
        st.error(md_escape(str(exc)))
        return None


def _table_info(loaded: importing.Loaded) -> None:
    table = loaded.table
    rows = "–".join(str(r) for r in sorted({table.header_rows[0], table.header_rows[-1]}))
    st.caption(t("importing.table", sheet=table.sheet, rows=rows, count=len(table.rows)))
    if table.hidden_sheets:
        st.caption(t("importing.hidden_sheets", names=", ".join(table.hidden_sheets)))


# --- Mapping -------------------------------------------------------------------------------


def _mapping_key(loaded: importing.Loaded) -> str:
    return f"{K}_mapping_{loaded.kind}_{loaded.layout}"


def _initial_mapping(loaded: importing.Loaded) -> tuple[dict[str, int], str]:
    key = _mapping_key(loaded)
    if key not in st.session_state:
        with desk().reading() as a:
            mapping, source = mapping_for(a.conn, loaded.kind, loaded.table)
        st.session_state[key] = (mapping, source)
    return st.session_state[key]


def _chosen(loaded: importing.Loaded, values: dict[str, int]) -> dict[str, int] | None:
    """The form's choices as a mapping, or None (and a message) if a column is used twice."""
    mapping = {name: index for name, index in values.items() if index != NONE}
    by_column: dict[int, list[str]] = {}
    for name, index in mapping.items():
        by_column.setdefault(index, []).append(name)
    labels = {c.index: c.label for c in loaded.table.columns}
    for index, names in by_column.items():
        if len(names) > 1:
            fields = ", ".join(_field_label(loaded.kind, n) for n in names)
            st.error(md_escape(t("importing.mapping.twice", column=labels[index], fields=fields)))
            return None
    return mapping


def _mapping_form(loaded: importing.Loaded, mapping: dict[str, int], source: str) -> None:
    kind, columns = loaded.kind, loaded.table.columns
    options = [NONE, *(c.index for c in columns)]
    labels = {NONE: t("importing.mapping.none"), **{c.index: c.label for c in columns}}
    st.caption(t(f"importing.mapping.source.{source}"))
    with st.form(f"{K}_mapping_form"):
        values = {}
        for spec in FIELDS[kind]:
            current = mapping.get(spec.name, NONE)
            values[spec.name] = st.selectbox(
                _field_label(kind, spec.name),
                options,
                index=options.index(current) if current in options else 0,
                format_func=labels.__getitem__,
                key=f"{K}_field_{loaded.layout}_{spec.name}",
            )
        remember = st.checkbox(t("importing.mapping.remember"), value=True, key=f"{K}_remember")
        submitted = st.form_submit_button(t("importing.mapping.apply"))
    if not submitted:
        return
    chosen = _chosen(loaded, values)
    if chosen is None:
        return
    st.session_state[_mapping_key(loaded)] = (chosen, "session")
    if remember:
        try:
            check_complete(kind, chosen)
        except ImportFileError as exc:
            st.warning(md_escape(str(exc)))
            return
        if attempt(lambda: importing.save_mapping(desk(), loaded, chosen) or True):
            st.session_state[FLASH_KEY] = t("importing.mapping.saved")
    st.rerun()


def _mapping_step(loaded: importing.Loaded) -> dict[str, int] | None:
    mapping, source = _initial_mapping(loaded)
    incomplete = None
    try:
        check_complete(loaded.kind, mapping)
    except ImportFileError as exc:
        incomplete = str(exc)
    with st.expander(t("importing.mapping.title"), expanded=incomplete is not None):
        _mapping_form(loaded, mapping, source)
        document = json.dumps(
            to_json(loaded.kind, loaded.table.columns, mapping), ensure_ascii=False, indent=2
        )
        st.download_button(
            t("importing.mapping.download"),
            data=document.encode("utf-8"),
            file_name=f"mapping-{loaded.kind}.json",
            mime="application/json",
            key=f"{K}_mapping_json",
        )
    if incomplete:
        st.warning(md_escape(incomplete))
        return None
    return mapping


# --- Preview and import --------------------------------------------------------------------


def _parse(upload: dict[str, Any], loaded: importing.Loaded, mapping: dict[str, int]):
    key = ("parse", _upload_id(upload), loaded.kind, tuple(sorted(mapping.items())))
    try:
        return _cached(key, lambda: importing.parse(loaded, mapping))
    except ImportFileError as exc:
        st.error(md_escape(str(exc)))
        return None


def _errors_table(result: importing.Result) -> list[dict[str, Any]]:
    return [
        {
            t("importing.col.row"): e.row,
            t("importing.col.column"): e.column,
            t("importing.col.reason"): e.reason,
        }
        for e in sorted(result.rejected)[:ERRORS_SHOWN]
    ]


def _preview(loaded: importing.Loaded, result: importing.Result) -> None:
    st.subheader(t("importing.preview.title"))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("importing.preview.imported"), result.imported)
    c2.metric(t("importing.preview.updated"), result.updated)
    c3.metric(t("importing.preview.skipped"), result.skipped)
    c4.metric(t("importing.preview.rejected"), len(result.rejected_rows))
    for note in result.notes:
        st.info(md_escape(note))
    if result.ignored:
        with st.expander(t("importing.ignored", count=len(result.ignored))):
            st.dataframe(
                [
                    {t("importing.col.row"): r, t("importing.col.reason"): why}
                    for r, why in result.ignored
                ],
                hide_index=True,
                key=f"{K}_ignored",
            )
    if not result.rejected:
        st.success(t("importing.preview.all_good"))
        return
    st.markdown(f"**{t('importing.preview.errors')}**")
    st.dataframe(_errors_table(result), hide_index=True, width="stretch", key=f"{K}_errors")
    if len(result.rejected) > ERRORS_SHOWN:
        st.caption(t("importing.preview.more", shown=ERRORS_SHOWN, count=len(result.rejected)))
    headers, rows = rejected.rejected_table(loaded.table, result.rejected)
    stem = loaded.file_name.rsplit(".", 1)[0]
    c1, c2 = st.columns(2)
    c1.download_button(
        t("importing.download_xlsx"),
        data=rejected.to_xlsx(headers, rows),
        file_name=f"{stem}-отклонённые.xlsx",
        key=f"{K}_rejected_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    c2.download_button(
        t("importing.download_csv"),
        data=rejected.to_csv(headers, rows),
        file_name=f"{stem}-отклонённые.csv",
        mime="text/csv",
        key=f"{K}_rejected_csv",
    )


def _run(parsed: importing.Parsed, all_or_nothing: bool) -> None:
    bar = st.progress(0.0, text=t("importing.progress", step="…"))

    def progress(fraction: float, step: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=t("importing.progress", step=step))

    result = attempt(
        lambda: importing.execute(desk(), parsed, all_or_nothing=all_or_nothing, progress=progress)
    )
    if result is None:
        return
    counts = {
        "imported": result.imported,
        "updated": result.updated,
        "skipped": result.skipped,
        "rejected": len(result.rejected_rows),
    }
    if all_or_nothing and result.rejected:
        st.session_state[FLASH_KEY] = ("warning", t("importing.refused_all", **counts))
    else:
        st.session_state[FLASH_KEY] = ("success", t("importing.done", **counts))
    st.rerun()


def _import_step(parsed: importing.Parsed, preview: importing.Result) -> None:
    mode = st.radio(
        t("importing.mode"),
        ["good", "nothing"],
        format_func=lambda m: t(f"importing.mode.{m}"),
        horizontal=True,
        key=f"{K}_mode",
    )
    if not (preview.imported or preview.updated):
        st.caption(t("importing.nothing_to_do"))
        return
    if st.button(t("importing.run"), type="primary", key=f"{K}_run"):
        _run(parsed, all_or_nothing=mode == "nothing")


def _flash() -> None:
    flash = st.session_state.pop(FLASH_KEY, None)
    if isinstance(flash, tuple):
        getattr(st, flash[0])(flash[1])
    elif flash:
        st.toast(flash)


def render() -> None:
    st.title(t("importing.title"))
    st.caption(t("importing.intro"))
    _flash()
    with desk().reading() as a:
        kinds = importable_kinds(a)
    if not kinds:
        st.info(t("importing.no_rights"))
        return
    kind = st.selectbox(t("importing.kind"), kinds, format_func=kind_name, key=f"{K}_kind")
    st.file_uploader(
        t("importing.file"),
        type=["xlsx", "xls", "csv"],
        help=t("importing.file_help"),
        key=f"{K}_file",
        on_change=_on_upload,
    )
    upload = st.session_state.get(UPLOAD_KEY)
    if not upload:
        st.caption(t("importing.wait_file"))
        return
    loaded = _load(upload, kind)
    if loaded is None:
        return
    _table_info(loaded)
    mapping = _mapping_step(loaded)
    if mapping is None:
        return
    parsed = _parse(upload, loaded, mapping)
    if parsed is None:
        return
    result = attempt(lambda: importing.preview(desk(), parsed))
    if result is None:
        return
    _preview(loaded, result)
    _import_step(parsed, result)


render()

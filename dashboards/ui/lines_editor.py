"""An order's lines as per-line widgets — from the catalog or made to a drawing — turned into
LineDrafts on every rerun (not a form: the price preview follows what is typed).

All state lives under one key prefix: ``<prefix>_ids`` (the lines shown, in order) and
``<prefix>_<uid>_<field>`` per line. ``seed`` fills it from stored lines, ``ensure_one`` starts an
empty editor, ``reset`` forgets it. A refused save leaves everything as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.ui.format import money, parse_money
from ingest.repos.orders import BLANK_COLUMNS, LineDraft
from ingest.service import reference
from ingest.service.acting import Acting
from ingest.service.order_pricing import SHAPE_DIMS

SHAPES: tuple[str, ...] = tuple(SHAPE_DIMS)
KINDS = ("drawing", "catalog")
FIELD_LABELS: dict[str, str] = {  # store / pricing field name -> i18n key of its label
    "name": "common.name", "drawing_no": "common.drawing_number", "material": "common.material",
    "material_id": "common.material", "product_id": "sales.lines.product",
    "blank_shape": "sales.lines.shape", "shape": "sales.lines.shape",
    "quantity": "common.quantity", "complexity": "sales.lines.complexity",
    "price_per_kg": "sales.lines.price_per_kg", "fixed_unit_price": "sales.lines.fixed_price",
    "surcharges_pct": "sales.lines.surcharges", "surcharges": "sales.lines.surcharges",
    "density_kg_m3": "sales.lines.density", **{d: f"sales.dim.{d}" for d in BLANK_COLUMNS},
}  # fmt: skip
_DEFAULTS: dict[str, Any] = {
    "kind": "drawing", "product": None, "drawing_no": "", "name": "", "material": None,
    "shape": "round", "qty": 1, "cx": 1.0, "ppk": "", "fixed": "", "sc": [], "sc_next": 0,
    "lid": None, "hidden": None,
}  # fmt: skip


def field_label(name: str) -> str:
    """The label a person knows a store/pricing field by (the code itself when unknown)."""
    key = FIELD_LABELS.get(name)
    return t(key) if key else name


@dataclass(frozen=True)
class Refs:
    """What the editor offers: material grades and active catalog items."""

    materials: Mapping[int, str]
    products: Mapping[int, dict[str, Any]]


@dataclass(frozen=True)
class EditedLine:
    n: int  # 1-based position on the screen
    line_id: int | None  # the stored line, None for a new one
    draft: LineDraft | None  # None while the line is incomplete
    problems: tuple[tuple[str, str], ...] = ()  # (field, reason)
    blank: bool = False  # nothing typed yet (the preview does not nag about it)


def load_refs(a: Acting) -> Refs:
    """Read inside the caller's short read block."""
    return Refs(
        materials={m["id"]: m["grade"] for m in reference.materials(a)},
        products={p["id"]: p for p in reference.products(a, limit=5000)},
    )


def _k(prefix: str, uid: int, name: str) -> str:
    return f"{prefix}_{uid}_{name}"


def _decimal_state(value: Any) -> float | None:
    return None if value is None else float(value)


def _money_text(value: Decimal | None) -> str:
    return "" if value is None else money(value, currency=False)


def add_line(prefix: str, values: Mapping[str, Any] | None = None) -> int:
    """Append a line (defaults overridden by values); returns its uid."""
    ss = st.session_state
    uid = ss.get(f"{prefix}_next", 0)
    ss[f"{prefix}_next"] = uid + 1
    ss[f"{prefix}_ids"] = [*ss.get(f"{prefix}_ids", []), uid]
    for name, value in {**_DEFAULTS, **(values or {})}.items():
        if name == "surcharges":
            continue
        ss[_k(prefix, uid, name)] = list(value) if isinstance(value, list) else value
    for name, pct in (values or {}).get("surcharges", {}).items():
        _add_surcharge(prefix, uid, name, _decimal_state(pct))
    return uid


def _remove_line(prefix: str, uid: int) -> None:
    ss = st.session_state
    ss[f"{prefix}_ids"] = [u for u in ss.get(f"{prefix}_ids", []) if u != uid]


def _add_surcharge(prefix: str, uid: int, name: str = "", pct: float | None = None) -> None:
    ss = st.session_state
    sid = ss.get(_k(prefix, uid, "sc_next"), 0)
    ss[_k(prefix, uid, "sc_next")] = sid + 1
    ss[_k(prefix, uid, "sc")] = [*ss.get(_k(prefix, uid, "sc"), []), sid]
    ss[_k(prefix, uid, f"sc{sid}_name")] = name
    ss[_k(prefix, uid, f"sc{sid}_pct")] = pct


def _remove_surcharge(prefix: str, uid: int, sid: int) -> None:
    key = _k(prefix, uid, "sc")
    st.session_state[key] = [s for s in st.session_state.get(key, []) if s != sid]


def ensure_one(prefix: str) -> None:
    """Start the editor with one empty line (once)."""
    if f"{prefix}_ids" not in st.session_state:
        add_line(prefix)


def reset(prefix: str) -> None:
    """Forget everything typed in this editor."""
    for key in [k for k in st.session_state if str(k).startswith(prefix + "_")]:
        del st.session_state[key]


def seed(prefix: str, stored: list[dict[str, Any]]) -> None:
    """Fill the editor from stored lines (lines.order_lines rows)."""
    reset(prefix)
    st.session_state[f"{prefix}_ids"] = []
    for row in stored:
        shape = row["blank_shape"]
        values: dict[str, Any] = {
            "kind": "catalog" if row.get("product_id") else "drawing",
            "product": row.get("product_id"), "drawing_no": row.get("drawing_no") or "",
            "name": row["name"], "material": row["material_id"], "shape": shape,
            "qty": int(row["quantity"]), "cx": float(row["complexity"]),
            "ppk": _money_text(row.get("price_per_kg")),
            "fixed": _money_text(row.get("fixed_unit_price")),
            "surcharges": dict(row.get("surcharges") or {}), "lid": row["id"],
            "hidden": {"price_per_kg": row.get("price_per_kg"),
                       "fixed_unit_price": row.get("fixed_unit_price"),
                       "surcharges": dict(row.get("surcharges") or {})},
        }  # fmt: skip
        values.update({d: _decimal_state(row.get(d)) for d in SHAPE_DIMS.get(shape, ())})
        add_line(prefix, values)


def _fill_from_product(prefix: str, uid: int, products: Mapping[int, dict[str, Any]]) -> None:
    ss = st.session_state
    product = products.get(ss.get(_k(prefix, uid, "product")))
    if product is None:
        return
    shape = product["blank_shape"]
    ss[_k(prefix, uid, "drawing_no")] = product["drawing_no"] or ""
    ss[_k(prefix, uid, "name")] = product["name"]
    ss[_k(prefix, uid, "material")] = product["material_id"]
    ss[_k(prefix, uid, "shape")] = shape
    ss[_k(prefix, uid, "cx")] = float(product["default_complexity"])
    for dim in SHAPE_DIMS.get(shape, ()):
        ss[_k(prefix, uid, dim)] = _decimal_state(product.get(dim))


def _exact(value: float | int) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _money_input(text: str, field: str, problems: list) -> Decimal | None:
    if not (text or "").strip():
        return None
    try:
        return parse_money(text)
    except ValueError:
        problems.append((field, t("sales.lines.bad_money")))
        return None


def _surcharges(prefix: str, uid: int, problems: list) -> dict[str, Decimal]:
    k = lambda name: _k(prefix, uid, name)  # noqa: E731
    st.caption(t("sales.lines.surcharges"))
    found: dict[str, Decimal] = {}
    for sid in st.session_state.get(k("sc"), []):
        c1, c2, c3 = st.columns([4, 2, 1], vertical_alignment="bottom")
        name = c1.text_input(t("sales.lines.surcharge_name"), key=k(f"sc{sid}_name"))
        pct = c2.number_input(t("sales.lines.surcharge_pct"), value=None, step=1.0,
                              format="%.2f", key=k(f"sc{sid}_pct"))  # fmt: skip
        c3.button(t("sales.lines.remove_surcharge"), key=k(f"sc{sid}_del"),
                  on_click=_remove_surcharge, args=(prefix, uid, sid))  # fmt: skip
        name = (name or "").strip()
        if not name and pct is None:
            continue
        if not name:
            problems.append(("surcharges", t("sales.lines.surcharge_no_name")))
        elif pct is None:
            problems.append(("surcharges", t("sales.lines.surcharge_no_pct")))
        elif name in found:
            problems.append(("surcharges", t("sales.lines.surcharge_twice")))
        else:
            found[name] = _exact(pct)
    st.button(t("sales.lines.add_surcharge"), key=k("sc_add"), on_click=_add_surcharge,
              args=(prefix, uid))  # fmt: skip
    return found


def _render_line(prefix: str, uid: int, n: int, refs: Refs, price_inputs: bool) -> EditedLine:
    k = lambda name: _k(prefix, uid, name)  # noqa: E731
    ss = st.session_state
    head, kind_col, remove_col = st.columns([2, 4, 2], vertical_alignment="center")
    head.markdown(f"**{t('sales.lines.line', n=n)}**")
    kind = kind_col.radio(t("sales.lines.kind"), KINDS, key=k("kind"), horizontal=True,
                          format_func=lambda x: t(f"sales.lines.kind_{x}"),
                          label_visibility="collapsed")  # fmt: skip
    remove_col.button(t("sales.lines.remove"), key=k("del"), on_click=_remove_line,
                      args=(prefix, uid))  # fmt: skip
    catalog = kind == "catalog"
    problems: list[tuple[str, str]] = []
    product = None
    if catalog:
        products = refs.products
        current = ss.get(k("product"))
        kept = [current] if current is not None and current not in products else []  # inactive

        def label(i: int | None) -> str:
            if i is None:
                return t("sales.not_set")
            item = products.get(i) or {
                "drawing_no": ss.get(k("drawing_no")),
                "name": ss.get(k("name")),
            }
            return f"{item['drawing_no']} — {item['name']}"

        product = st.selectbox(
            t("sales.lines.product"), [None, *products, *kept], key=k("product"),
            format_func=label, on_change=_fill_from_product, args=(prefix, uid, products),
        )  # fmt: skip
        if product is None:
            problems.append(("product_id", t("sales.lines.need_product")))
    c1, c2, c3, c4 = st.columns([2, 3, 2, 2])
    drawing_no = c1.text_input(t("common.drawing_number"), key=k("drawing_no"), disabled=catalog)
    name = c2.text_input(t("common.name"), key=k("name"), disabled=catalog)
    grades = refs.materials
    material = c3.selectbox(t("common.material"), [None, *grades], key=k("material"),
                            format_func=lambda i: t("sales.not_set") if i is None
                            else grades.get(i, str(i)), disabled=catalog)  # fmt: skip
    shape = c4.selectbox(t("sales.lines.shape"), SHAPES, key=k("shape"), disabled=catalog,
                         format_func=lambda s: t(f"sales.shape.{s}"))  # fmt: skip
    dim_names = SHAPE_DIMS[shape]
    columns = st.columns(len(dim_names) + 2)
    dims: dict[str, Decimal] = {}
    for column, dim in zip(columns, dim_names, strict=False):
        value = column.number_input(t(f"sales.dim.{dim}"), min_value=0.0, value=None, step=1.0,
                                    format="%.3f", key=k(dim), disabled=catalog)  # fmt: skip
        if value is None:
            problems.append((dim, t("sales.lines.need_dim")))
        else:
            dims[dim] = _exact(value)
    quantity = columns[-2].number_input(t("common.quantity"), min_value=1, step=1, key=k("qty"))
    complexity = columns[-1].number_input(t("sales.lines.complexity"), min_value=0.001,
                                          step=0.1, format="%.3f", key=k("cx"))  # fmt: skip
    if not (name or "").strip():
        problems.append(("name", t("sales.lines.need_name")))
    if material is None:
        problems.append(("material_id", t("sales.lines.need_material")))
    if price_inputs:
        p1, p2 = st.columns(2)
        ppk_text = p1.text_input(t("sales.lines.price_per_kg"), key=k("ppk"),
                                 placeholder=t("sales.lines.price_list"))  # fmt: skip
        fixed_text = p2.text_input(t("sales.lines.fixed_price"), key=k("fixed"))
        price_per_kg = _money_input(ppk_text, "price_per_kg", problems)
        fixed = _money_input(fixed_text, "fixed_unit_price", problems)
        surcharges = _surcharges(prefix, uid, problems)
    else:  # keep what is stored: this user may not change prices
        hidden = ss.get(k("hidden")) or {}
        price_per_kg, fixed = hidden.get("price_per_kg"), hidden.get("fixed_unit_price")
        surcharges = dict(hidden.get("surcharges") or {})
    draft = None
    if not problems:
        draft = LineDraft(
            name=name.strip(), material_id=material, blank_shape=shape, dims=dims,
            quantity=int(quantity), complexity=_exact(complexity),
            product_id=product if catalog else None,
            drawing_no=(drawing_no or "").strip() or None, price_per_kg=price_per_kg,
            fixed_unit_price=fixed, surcharges_pct=surcharges,
        )  # fmt: skip
    blank = not (name or "").strip() and material is None and not dims and product is None
    return EditedLine(n, ss.get(k("lid")), draft, tuple(problems), blank)


def render(prefix: str, refs: Refs, *, price_inputs: bool) -> list[EditedLine]:
    """Draw every line with its widgets and an «add line» button; the lines as typed now."""
    edited = []
    for n, uid in enumerate(list(st.session_state.get(f"{prefix}_ids", [])), start=1):
        with st.container(border=True):
            edited.append(_render_line(prefix, uid, n, refs, price_inputs))
    st.button(t("sales.lines.add"), key=f"{prefix}_add", on_click=add_line, args=(prefix,))
    return edited


def problem_texts(lines: list[EditedLine], *, skip_blank: bool = False) -> list[str]:
    """One message per problem, naming the line and the field."""
    return [t("sales.lines.problem", n=ln.n, field=field_label(f), reason=r)
            for ln in lines if not (skip_blank and ln.blank)
            for f, r in ln.problems]  # fmt: skip

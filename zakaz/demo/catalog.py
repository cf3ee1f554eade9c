"""The material price list over the year and the catalog of parts made to the plant's drawings.

``PartMaker`` draws a realistic part (name, material, blank of standard sizes, complexity); the
catalog uses it for products and the order generator for parts made to a customer's drawing.
"""

from __future__ import annotations

import bisect
import json
import math
import random
from dataclasses import dataclass, field

import polars as pl

from zakaz.demo.columns import dates, dimension, frame, money, scaled, weight
from zakaz.demo.context import Context, Material

# Standard sizes (mm) of rolled stock, so blanks read like a real bill of materials.
ROUND_SIZES = (
    8, 10, 12, 14, 16, 18, 20, 22, 25, 28, 30, 32, 36, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90,
    95, 100, 105, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 240, 250, 260, 280,
    300, 320, 340, 360, 380, 400, 420, 450, 480, 500, 530, 560, 600, 650, 700, 750, 800,
)  # fmt: skip
HEX_SIZES = (
    10, 12, 14, 17, 19, 22, 24, 27, 30, 32, 36, 41, 46, 50, 55, 60, 65, 70, 75, 80, 90, 100,
)  # fmt: skip
TUBE_OD = (
    25, 28, 32, 38, 42, 45, 50, 57, 60, 63.5, 70, 76, 83, 89, 95, 102, 108, 114, 121, 127, 133,
    140, 146, 159, 168, 180, 194, 219, 245, 273, 325, 377, 426, 480, 530,
)  # fmt: skip
TUBE_WALL = (3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 22, 25, 28, 32, 36, 40)
SHEET_T = (
    2, 2.5, 3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 22, 25, 28, 30, 32, 36, 40, 45, 50, 60, 70, 80,
    90, 100, 120, 140, 160, 200,
)  # fmt: skip

# Grades met more often than others within their category.
GRADE_WEIGHTS = {
    "45": 6, "40Х": 6, "Ст3сп": 4, "09Г2С": 4, "20": 3, "35": 2, "30ХГСА": 2, "12Х18Н10Т": 5,
    "08Х18Н10": 3, "20Х13": 2, "СЧ20": 5, "ВЧ50": 3, "Д16Т": 5, "АМг6": 3, "АД31": 2, "Л63": 3,
    "ЛС59-1": 3, "БрАЖ9-4": 4, "Капролон ПА6": 4, "Фторопласт-4": 3, "ВТ1-0": 2, "25Л": 3,
}  # fmt: skip

# A dimension rule: (low, high) in mm, or ("*", other_key, low, high): another dimension times
# a factor drawn from [low, high].
Rule = tuple
CAST = {"cast_iron": 6, "cast_steel": 3, "aluminium": 1}
FORGED = {"carbon_steel": 3, "alloy_steel": 4}


@dataclass(frozen=True)
class Variant:
    weight: float
    shape: str
    dims: dict[str, Rule]
    categories: dict[str, float]


@dataclass(frozen=True)
class PartType:
    names: tuple[str, ...]
    frequency: float
    complexity: tuple[float, float]
    variants: tuple[Variant, ...]
    heat_treatable: bool = True


V = Variant
STEEL = {"carbon_steel": 4, "alloy_steel": 4, "stainless_steel": 1}
STEEL_ALLOY = {"carbon_steel": 2, "alloy_steel": 6, "stainless_steel": 1}
BUSHING = {"bronze": 4, "carbon_steel": 2, "alloy_steel": 1, "plastic": 2, "brass": 1}
PLATE = {"carbon_steel": 5, "alloy_steel": 1, "stainless_steel": 1, "aluminium": 2}
FITTING = {"carbon_steel": 3, "stainless_steel": 3, "brass": 2, "titanium": 0.3}

PART_TYPES: tuple[PartType, ...] = (
    PartType(
        ("Вал", "Вал ведущий", "Вал ведомый", "Вал промежуточный", "Вал приводной", "Вал-шестерня"),
        10, (1.8, 3.6),
        (V(1, "round", {"diameter_mm": (20, 220), "length_mm": ("*", "diameter_mm", 3, 9)},
           {**STEEL_ALLOY, "titanium": 0.1}),),
    ),
    PartType(
        ("Ось", "Ось катка", "Ось ролика", "Ось шарнира"), 6, (1.4, 2.4),
        (V(1, "round", {"diameter_mm": (16, 120), "length_mm": ("*", "diameter_mm", 3, 8)},
           STEEL),),
    ),
    PartType(
        ("Втулка", "Втулка направляющая", "Втулка распорная", "Втулка подшипника"), 9, (1.4, 2.8),
        (V(3, "tube", {"outer_diameter_mm": (25, 220), "wall_mm": (4, 30),
                       "length_mm": ("*", "outer_diameter_mm", 0.5, 1.6)}, BUSHING),
         V(1, "round", {"diameter_mm": (20, 160), "length_mm": ("*", "diameter_mm", 0.6, 1.8)},
           BUSHING)),
        heat_treatable=False,
    ),
    PartType(
        ("Фланец", "Фланец приварной", "Фланец глухой", "Фланец переходной"), 7, (1.6, 2.8),
        (V(2, "round", {"diameter_mm": (80, 600), "length_mm": (16, 80)},
           {"carbon_steel": 5, "stainless_steel": 2, "alloy_steel": 1}),
         V(1, "sheet", {"length_mm": (100, 620), "width_mm": ("*", "length_mm", 1, 1),
                        "thickness_mm": (12, 60)},
           {"carbon_steel": 5, "stainless_steel": 2})),
        heat_treatable=False,
    ),
    PartType(
        ("Корпус", "Корпус подшипника", "Корпус редуктора", "Корпус клапана", "Корпус насоса"),
        6, (2.4, 4.0),
        (V(3, "weight", {"weight_kg": (4, 650)}, CAST),
         V(1, "sheet", {"length_mm": (100, 500), "width_mm": ("*", "length_mm", 0.5, 0.9),
                        "thickness_mm": (40, 160)},
           {"aluminium": 3, "carbon_steel": 2, "stainless_steel": 1})),
        heat_treatable=False,
    ),
    PartType(
        ("Шестерня", "Шестерня коническая", "Колесо зубчатое", "Шестерня цилиндрическая"),
        7, (2.6, 4.0),
        (V(1, "round", {"diameter_mm": (40, 420), "length_mm": ("*", "diameter_mm", 0.2, 0.6)},
           {"alloy_steel": 8, "carbon_steel": 2, "plastic": 0.5}),),
    ),
    PartType(
        ("Крышка", "Крышка подшипника", "Крышка торцевая", "Крышка люка"), 6, (1.5, 2.6),
        (V(2, "round", {"diameter_mm": (60, 500), "length_mm": (10, 60)},
           {"carbon_steel": 4, "aluminium": 2, "stainless_steel": 1}),
         V(1, "weight", {"weight_kg": (1, 60)}, CAST)),
        heat_treatable=False,
    ),
    PartType(
        ("Кронштейн", "Кронштейн опорный", "Кронштейн крепления", "Кронштейн поворотный"),
        7, (1.4, 2.6),
        (V(1, "sheet", {"length_mm": (80, 600), "width_mm": ("*", "length_mm", 0.3, 0.7),
                        "thickness_mm": (6, 40)},
           {"carbon_steel": 6, "aluminium": 2, "stainless_steel": 1}),),
        heat_treatable=False,
    ),
    PartType(
        ("Муфта", "Полумуфта", "Муфта соединительная", "Муфта зубчатая"), 5, (1.8, 3.2),
        (V(1, "round", {"diameter_mm": (40, 260), "length_mm": ("*", "diameter_mm", 0.6, 1.4)},
           STEEL_ALLOY),),
    ),
    PartType(
        ("Гайка специальная", "Гайка накидная", "Гайка круглая шлицевая"), 5, (1.4, 2.4),
        (V(2, "hex", {"across_flats_mm": (17, 100),
                      "length_mm": ("*", "across_flats_mm", 0.6, 1.2)},
           {"carbon_steel": 3, "alloy_steel": 2, "stainless_steel": 2, "brass": 1}),
         V(1, "round", {"diameter_mm": (30, 160), "length_mm": ("*", "diameter_mm", 0.3, 0.6)},
           STEEL)),
    ),
    PartType(
        ("Штуцер", "Штуцер переходной", "Ниппель"), 5, (1.6, 2.8),
        (V(1, "hex", {"across_flats_mm": (14, 65), "length_mm": ("*", "across_flats_mm", 1.2, 3)},
           FITTING),),
        heat_treatable=False,
    ),
    PartType(
        ("Шпилька", "Болт специальный", "Палец"), 5, (1.2, 2.0),
        (V(2, "round", {"diameter_mm": (10, 48), "length_mm": ("*", "diameter_mm", 4, 14)}, STEEL),
         V(1, "hex", {"across_flats_mm": (17, 75), "length_mm": ("*", "across_flats_mm", 2, 6)},
           STEEL)),
    ),
    PartType(
        ("Пластина", "Планка", "Пластина опорная", "Накладка", "Прокладка"), 7, (1.2, 1.9),
        (V(3, "sheet", {"length_mm": (50, 800), "width_mm": ("*", "length_mm", 0.2, 0.8),
                        "thickness_mm": (3, 30)}, PLATE),
         V(1, "sheet", {"length_mm": (40, 400), "width_mm": ("*", "length_mm", 0.3, 1),
                        "thickness_mm": (2, 20)}, {"plastic": 1})),
        heat_treatable=False,
    ),
    PartType(
        ("Плита", "Плита монтажная", "Плита опорная"), 3, (1.3, 2.2),
        (V(1, "sheet", {"length_mm": (300, 1500), "width_mm": ("*", "length_mm", 0.4, 0.9),
                        "thickness_mm": (20, 120)}, {"carbon_steel": 5, "aluminium": 2}),),
        heat_treatable=False,
    ),
    PartType(
        ("Ролик", "Ролик направляющий", "Ролик опорный"), 4, (1.6, 2.8),
        (V(1, "round", {"diameter_mm": (30, 220), "length_mm": ("*", "diameter_mm", 0.5, 1.5)},
           {**STEEL, "plastic": 1}),
         V(1, "tube", {"outer_diameter_mm": (50, 273), "wall_mm": (6, 28),
                       "length_mm": ("*", "outer_diameter_mm", 0.5, 2)}, STEEL)),
    ),
    PartType(
        ("Гильза", "Стакан", "Гильза цилиндра"), 4, (2.0, 3.4),
        (V(1, "tube", {"outer_diameter_mm": (60, 377), "wall_mm": (6, 36),
                       "length_mm": ("*", "outer_diameter_mm", 1, 3)}, STEEL_ALLOY),),
    ),
    PartType(
        ("Кольцо", "Кольцо упорное", "Кольцо уплотнительное", "Кольцо дистанционное"),
        5, (1.3, 2.4),
        (V(1, "tube", {"outer_diameter_mm": (40, 530), "wall_mm": (5, 40),
                       "length_mm": (8, 60)}, {**STEEL, "plastic": 2, "bronze": 1}),),
        heat_treatable=False,
    ),
    PartType(
        ("Шкив", "Шкив ременный", "Шкив натяжной"), 3, (2.0, 3.2),
        (V(1, "weight", {"weight_kg": (2, 120)}, {"cast_iron": 1}),
         V(1, "round", {"diameter_mm": (80, 500), "length_mm": (40, 150)}, {"carbon_steel": 1})),
        heat_treatable=False,
    ),
    PartType(
        ("Звёздочка", "Звёздочка приводная", "Звёздочка натяжная"), 3, (2.4, 3.6),
        (V(1, "sheet", {"length_mm": (80, 500), "width_mm": ("*", "length_mm", 1, 1),
                        "thickness_mm": (10, 40)}, STEEL_ALLOY),),
    ),
    PartType(
        ("Рычаг", "Рычаг поворотный", "Тяга"), 3, (1.8, 3.0),
        (V(1, "sheet", {"length_mm": (100, 600), "width_mm": ("*", "length_mm", 0.15, 0.35),
                        "thickness_mm": (10, 40)}, STEEL),
         V(1, "weight", {"weight_kg": (1, 40)}, FORGED)),
    ),
    PartType(
        ("Вкладыш подшипника", "Вкладыш"), 2, (2.0, 3.0),
        (V(1, "tube", {"outer_diameter_mm": (40, 300), "wall_mm": (5, 25),
                       "length_mm": ("*", "outer_diameter_mm", 0.5, 1.2)}, {"bronze": 1}),),
        heat_treatable=False,
    ),
    PartType(
        ("Червяк", "Винт ходовой"), 2, (2.8, 4.0),
        (V(1, "round", {"diameter_mm": (30, 150), "length_mm": ("*", "diameter_mm", 4, 12)},
           {"alloy_steel": 1}),),
    ),
    PartType(
        ("Ступица", "Ступица колеса"), 3, (2.2, 3.4),
        (V(1, "round", {"diameter_mm": (80, 360), "length_mm": ("*", "diameter_mm", 0.4, 0.9)},
           STEEL),
         V(1, "weight", {"weight_kg": (5, 180)}, {**CAST, **FORGED})),
    ),
    PartType(
        ("Опора", "Опора подшипника", "Стойка"), 3, (1.8, 3.0),
        (V(1, "weight", {"weight_kg": (3, 220)}, CAST),
         V(1, "sheet", {"length_mm": (120, 500), "width_mm": ("*", "length_mm", 0.4, 0.8),
                        "thickness_mm": (20, 60)}, {"carbon_steel": 1})),
        heat_treatable=False,
    ),
    PartType(
        ("Диск", "Диск тормозной", "Диск фрикционный"), 3, (1.8, 3.0),
        (V(1, "round", {"diameter_mm": (100, 800), "length_mm": (10, 60)}, STEEL),),
    ),
    PartType(
        ("Направляющая", "Планка направляющая"), 2, (1.8, 2.8),
        (V(1, "sheet", {"length_mm": (200, 2000), "width_mm": (20, 120), "thickness_mm": (10, 40)},
           {"carbon_steel": 2, "alloy_steel": 2, "plastic": 0.5}),),
    ),
    PartType(
        ("Шток", "Шток гидроцилиндра", "Штанга"), 3, (2.0, 3.2),
        (V(1, "round", {"diameter_mm": (20, 120), "length_mm": ("*", "diameter_mm", 8, 25)},
           {"alloy_steel": 3, "carbon_steel": 2, "stainless_steel": 1}),),
    ),
    PartType(
        ("Клин", "Шпонка специальная"), 2, (1.3, 2.2),
        (V(1, "sheet", {"length_mm": (40, 300), "width_mm": ("*", "length_mm", 0.2, 0.6),
                        "thickness_mm": (10, 60)}, STEEL),),
    ),
    PartType(
        ("Лопатка", "Лопатка направляющая"), 1.5, (2.8, 4.0),
        (V(1, "sheet", {"length_mm": (60, 300), "width_mm": ("*", "length_mm", 0.2, 0.5),
                        "thickness_mm": (3, 20)}, {"stainless_steel": 2, "titanium": 2}),),
        heat_treatable=False,
    ),
    PartType(
        ("Поршень",), 2, (2.4, 3.6),
        (V(1, "round", {"diameter_mm": (40, 250), "length_mm": ("*", "diameter_mm", 0.6, 1.2)},
           {"aluminium": 2, "cast_iron": 1}),
         V(1, "weight", {"weight_kg": (1, 30)}, {"aluminium": 1, "cast_iron": 1})),
        heat_treatable=False,
    ),
    PartType(
        ("Резец специальный", "Пуансон", "Матрица"), 1.5, (3.0, 4.0),
        (V(1, "sheet", {"length_mm": (40, 250), "width_mm": ("*", "length_mm", 0.3, 1),
                        "thickness_mm": (10, 60)}, {"tool_steel": 1}),),
    ),
)  # fmt: skip

DIM_KEYS = (
    "diameter_mm", "across_flats_mm", "outer_diameter_mm", "wall_mm",
    "length_mm", "width_mm", "thickness_mm",
)  # fmt: skip

TOLERANCES = ("h7", "h8", "h9", "h11", "H7", "js9", "IT10", "IT12", "IT14")
ROUGHNESS = ("Ra 0,8", "Ra 1,6", "Ra 3,2", "Ra 3,2", "Ra 6,3", "Ra 12,5", "Rz 20")
HEAT = (
    "Улучшение 229...269 HB", "Закалка HRC 40...45", "Закалка ТВЧ HRC 48...52",
    "Цементация h 0,8...1,2, HRC 58...62", "Азотирование", "Нормализация",
)  # fmt: skip
COATINGS = {
    "steel": ("Хим. Окс. прм", "Ц9.хр", "Хим. Фос. прм", "Эмаль ПФ-115, серая"),
    "aluminium": ("Ан. Окс. нхр", "Ан. Окс. тв"),
    "other": ("Хим. Пас.",),
}
STEELS = frozenset({"carbon_steel", "alloy_steel", "tool_steel", "cast_steel"})


@dataclass(frozen=True)
class Part:
    name: str
    shape: str
    dims: dict[str, int]  # key -> thousandths of a mm (only the shape's keys)
    weight_g: int | None  # for the "weight" shape (a casting or forging)
    material: Material
    complexity_milli: int
    approx_kg: float  # blank mass estimate, for quantities and durations only
    characteristics: dict[str, object]


def _thousandths(mm: float) -> int:
    return round(mm * 1000)


def _standard(sizes: tuple, value: float) -> float:
    i = bisect.bisect_left(sizes, value)
    return sizes[min(i, len(sizes) - 1)]


def _free_length(rng: random.Random, mm: float) -> float:
    """A cut length: whole mm (to 5 mm when long), sometimes with a half or quarter mm."""
    step = 5 if mm > 120 else 1
    value = max(step, round(mm / step) * step)
    r = rng.random()
    if r < 0.12:
        value += 0.5
    elif r < 0.15:
        value += 0.25
    return value


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


@dataclass
class PartMaker:
    """Draws parts; ``materials_by_category`` gives the grades (with weights) of each category."""

    materials: tuple[Material, ...]
    by_category: dict[str, tuple[list[Material], list[float]]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_category = {}
        for m in self.materials:
            grades, weights = self.by_category.setdefault(m.category, ([], []))
            grades.append(m)
            weights.append(GRADE_WEIGHTS.get(m.grade, 1))
        self._type_weights = [t.frequency for t in PART_TYPES]

    def make(self, rng: random.Random) -> Part:
        kind = rng.choices(PART_TYPES, weights=self._type_weights)[0]
        variant = rng.choices(kind.variants, weights=[v.weight for v in kind.variants])[0]
        categories = [c for c in variant.categories if c in self.by_category]
        category = rng.choices(categories, weights=[variant.categories[c] for c in categories])[0]
        grades, grade_weights = self.by_category[category]
        material = rng.choices(grades, weights=grade_weights)[0]
        dims_mm, weight_kg = self._dims(rng, variant)
        if weight_kg is not None:
            approx = weight_kg
        else:
            approx = _volume_mm3(variant.shape, dims_mm) * 1e-9 * material.density
        low, high = kind.complexity
        k = round(rng.uniform(low, high) * 20) / 20  # steps of 0.05
        return Part(
            name=rng.choice(kind.names),
            shape=variant.shape,
            dims={key: _thousandths(v) for key, v in dims_mm.items()},
            weight_g=None if weight_kg is None else _thousandths(weight_kg),
            material=material,
            complexity_milli=round(min(4.0, max(1.2, k)) * 1000),
            approx_kg=approx,
            characteristics=self._characteristics(rng, kind, variant.shape, dims_mm, material),
        )

    def _dims(self, rng: random.Random, variant: Variant) -> tuple[dict[str, float], float | None]:
        out: dict[str, float] = {}
        for key, rule in variant.dims.items():
            if rule[0] == "*":
                raw = out[rule[1]] * rng.uniform(rule[2], rule[3])
            else:
                raw = _log_uniform(rng, rule[0], rule[1])
            if key == "weight_kg":
                places = 1 if raw > 20 else rng.choice((1, 2, 3))
                return {}, max(0.2, round(raw, places))
            out[key] = self._snap(rng, key, raw, out)
        return out, None

    @staticmethod
    def _snap(rng: random.Random, key: str, raw: float, done: dict[str, float]) -> float:
        if key == "diameter_mm":
            return _standard(ROUND_SIZES, raw)
        if key == "across_flats_mm":
            return _standard(HEX_SIZES, raw)
        if key == "outer_diameter_mm":
            return _standard(TUBE_OD, raw)
        if key == "wall_mm":
            limit = done["outer_diameter_mm"] * 0.3
            walls = [w for w in TUBE_WALL if w <= limit] or [TUBE_WALL[0]]
            return walls[min(bisect.bisect_left(walls, raw), len(walls) - 1)]
        if key == "thickness_mm":
            return _standard(SHEET_T, raw)
        return _free_length(rng, raw)

    @staticmethod
    def _characteristics(
        rng: random.Random, kind: PartType, shape: str, dims: dict[str, float], material: Material
    ) -> dict[str, object]:
        out: dict[str, object] = {
            "tolerance": rng.choice(TOLERANCES),
            "roughness": rng.choice(ROUGHNESS),
            "blank": _blank_name(shape, dims, material),
        }
        if kind.heat_treatable and material.category in STEELS and rng.random() < 0.4:
            out["heat_treatment"] = rng.choice(HEAT)
        if rng.random() < 0.2:
            group = (
                "steel" if material.category in STEELS
                else "aluminium" if material.category == "aluminium" else "other"
            )  # fmt: skip
            out["coating"] = rng.choice(COATINGS[group])
        if rng.random() < 0.25:
            out["control"] = rng.choice(("ОТК", "ОТК, сертификат 3.1", "УЗК", "МПД"))
        return out


def _volume_mm3(shape: str, d: dict[str, float]) -> float:
    if shape == "round":
        return math.pi / 4 * d["diameter_mm"] ** 2 * d["length_mm"]
    if shape == "hex":
        return math.sqrt(3) / 2 * d["across_flats_mm"] ** 2 * d["length_mm"]
    if shape == "sheet":
        return d["length_mm"] * d["width_mm"] * d["thickness_mm"]
    od, wall = d["outer_diameter_mm"], d["wall_mm"]
    return math.pi / 4 * (od**2 - (od - 2 * wall) ** 2) * d["length_mm"]


def _mm(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _blank_name(shape: str, d: dict[str, float], material: Material) -> str:
    if shape == "round":
        return f"Круг {_mm(d['diameter_mm'])} {material.grade}"
    if shape == "hex":
        return f"Шестигранник {_mm(d['across_flats_mm'])} {material.grade}"
    if shape == "sheet":
        return f"Лист {_mm(d['thickness_mm'])} {material.grade}"
    if shape == "tube":
        return f"Труба {_mm(d['outer_diameter_mm'])}х{_mm(d['wall_mm'])} {material.grade}"
    kind = "Отливка" if material.category in ("cast_iron", "cast_steel", "aluminium") else "Поковка"
    return f"{kind} {material.grade}"


# --- the catalog --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    id: int
    drawing_no: str
    part: Part
    is_active: bool


def make_products(rng: random.Random, maker: PartMaker, count: int) -> list[Product]:
    """Products with drawing numbers ВЗ-<assembly>.<unit>.<part>, a few parts per assembly."""
    taken: set[str] = set()
    products: list[Product] = []
    pool = range(1000, 10000) if count < 20_000 else range(10000, 100000)
    assemblies = iter(rng.sample(pool, min(len(pool), count)))
    while len(products) < count:
        assembly = next(assemblies)
        for _ in range(rng.randint(1, 6)):
            drawing = f"ВЗ-{assembly:04d}.{rng.randint(1, 3):02d}.{rng.randint(1, 40):03d}"
            if drawing in taken or len(products) >= count:
                continue
            taken.add(drawing)
            products.append(
                Product(len(products) + 1, drawing, maker.make(rng), rng.random() > 0.03)
            )
    return products


def products_frame(products: list[Product]) -> pl.DataFrame:
    def dim(key: str) -> pl.Series:
        return dimension([p.part.dims.get(key) for p in products])

    return frame(
        {
            "id": [p.id for p in products],
            "drawing_no": [p.drawing_no for p in products],
            "name": [p.part.name for p in products],
            "material_id": [p.part.material.id for p in products],
            "blank_shape": [p.part.shape for p in products],
            **{key: dim(key) for key in DIM_KEYS},
            "weight_kg": weight([p.part.weight_g for p in products]),
            "default_complexity": scaled([p.part.complexity_milli for p in products], 3, 8),
            "characteristics": [
                json.dumps(p.part.characteristics, ensure_ascii=False) for p in products
            ],
            "is_active": [p.is_active for p in products],
        }
    )


# --- the material price list --------------------------------------------------------------------


@dataclass
class PriceList:
    """Per material the dated list prices (ordinal, kopecks), oldest first."""

    days: dict[int, list[int]]
    kopecks: dict[int, list[int]]
    first_id: int  # id of the first history row this generator adds

    def on(self, material_id: int, day: int) -> int:
        days = self.days[material_id]
        i = bisect.bisect_right(days, day) - 1
        return self.kopecks[material_id][max(i, 0)]

    def frame(self) -> pl.DataFrame:
        """The price changes added to the reference prices (the first entry is already stored)."""
        rows = [
            (m, d, k)
            for m in sorted(self.days)
            for d, k in list(zip(self.days[m], self.kopecks[m], strict=True))[1:]
        ]
        return frame(
            {
                "id": list(range(self.first_id, self.first_id + len(rows))),
                "material_id": [m for m, _, _ in rows],
                "valid_from": dates([d for _, d, _ in rows]),
                "price_per_kg": money([k for _, _, k in rows]),
            }
        )


def make_price_list(rng: random.Random, ctx: Context, first_id: int) -> PriceList:
    """3-6 dated changes per material over the year, trending up a few percent in all."""
    days: dict[int, list[int]] = {}
    kopecks: dict[int, list[int]] = {}
    span = list(range(ctx.first_need + 20, ctx.as_of - 5))
    for material in ctx.ref.materials:
        start_day, price = ctx.ref.base_prices[material.id]
        changes = sorted(rng.sample(span, rng.randint(3, 6)))
        days[material.id] = [start_day]
        kopecks[material.id] = [price]
        for day in changes:
            factor = (
                rng.uniform(-0.02, -0.004) if rng.random() < 0.15 else rng.uniform(0.005, 0.035)
            )
            price = max(100, round(price * (1 + factor) / 10) * 10)  # to 0.10 RUB
            days[material.id].append(ctx.cal.roll(day))
            kopecks[material.id].append(price)
        # Rolling to a working day can merge two changes: keep the later price of a day.
        merged = dict(zip(days[material.id], kopecks[material.id], strict=True))
        days[material.id], kopecks[material.id] = list(merged), list(merged.values())
    return PriceList(days, kopecks, first_id)

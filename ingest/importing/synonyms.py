"""What each import kind reads, and the column headers that mean each field.

Headers are compared after `normalize_label` (case, ё, punctuation, units): "Кол-во, шт" and
"кол во" are the same header. Matching is exact on that normal form — never "contains" — so
"Цена за ед. с НДС" is NOT taken for "Цена за ед. без НДС"; an unknown header stays unmapped and
the user maps it by hand (the app) or in a mapping file (the CLI). docs/import.md lists them all.

Each field has a cell type, the parser the generic stage applies (cells.py):
text, decimal, int, date, inn, rate (22% -> 0.22).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

KINDS: tuple[str, ...] = ("customers", "products", "materials", "orders", "payments")
KIND_NAMES: dict[str, tuple[str, str]] = {
    "customers": ("Заказчики", "Customers"),
    "products": ("Каталог изделий", "Product catalog"),
    "materials": ("Прайс-лист материалов", "Material price list"),
    "orders": ("Реестр заказов (строка на позицию)", "Orders register (a row per line)"),
    "payments": ("Реестр платежей", "Payments register"),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    ru: str
    en: str
    type: str  # text | decimal | int | date | inn | rate
    synonyms: tuple[str, ...]
    required: bool = False  # the file must have this column


def F(name: str, ru: str, en: str, type_: str, *synonyms: str, required: bool = False):
    return FieldSpec(name, ru, en, type_, (ru, en, *synonyms), required)


_INN = ("ИНН", "INN", "TIN", "Tax ID", "ИНН организации", "ИНН/КПП")
_CUSTOMER_INN = (*_INN, "ИНН заказчика", "ИНН контрагента", "ИНН покупателя", "ИНН клиента")
_CUSTOMER_NAME = (
    "Заказчик",
    "Контрагент",
    "Покупатель",
    "Клиент",
    "Организация",
    "Наименование заказчика",
    "Наименование контрагента",
    "Наименование клиента",
    "Наименование покупателя",
    "Customer",
    "Client",
    "Company",
    "Customer name",
)
_ORDER_NUMBER = (
    "Номер заказа",
    "№ заказа",
    "Заказ",
    "Заказ №",
    "№ зак",
    "Номер",
    "Order",
    "Order no",
    "Order number",
    "Order #",
)
_DRAWING = (
    "Чертёж",
    "№ чертежа",
    "Номер чертежа",
    "Обозначение",
    "Обозначение чертежа",
    "Децимальный номер",
    "Артикул",
    "Drawing",
    "Drawing no",
    "Drawing number",
    "Part number",
    "Part no",
)
_ITEM_NAME = (
    "Наименование",
    "Наименование изделия",
    "Наименование детали",
    "Наименование позиции",
    "Деталь",
    "Изделие",
    "Номенклатура",
    "Name",
    "Item",
    "Description",
)
_GRADE = (
    "Материал",
    "Марка",
    "Марка стали",
    "Марка материала",
    "Сталь",
    "Material",
    "Grade",
    "Steel grade",
)
_BLANK = (
    F(
        "blank_shape",
        "Форма заготовки",
        "Blank shape",
        "text",
        "Заготовка",
        "Вид заготовки",
        "Тип заготовки",
        "Профиль",
        "Сортамент",
        "Blank",
        "Shape",
    ),
    F("diameter_mm", "Диаметр, мм", "Diameter, mm", "decimal", "Диаметр", "Ø", "D", "Diameter"),
    F(
        "across_flats_mm",
        "Под ключ, мм",
        "Across flats, mm",
        "decimal",
        "Размер под ключ",
        "Под ключ",
        "S",
        "Across flats",
    ),
    F(
        "outer_diameter_mm",
        "Наружный диаметр, мм",
        "Outer diameter, mm",
        "decimal",
        "Наружный диаметр",
        "Диаметр наружный",
        "Dн",
        "Outer diameter",
        "OD",
    ),
    F(
        "wall_mm",
        "Стенка, мм",
        "Wall, mm",
        "decimal",
        "Стенка",
        "Толщина стенки",
        "Wall",
        "Wall thickness",
    ),
    F("length_mm", "Длина, мм", "Length, mm", "decimal", "Длина", "L", "Length"),
    F("width_mm", "Ширина, мм", "Width, mm", "decimal", "Ширина", "B", "W", "Width"),
    F("thickness_mm", "Толщина, мм", "Thickness, mm", "decimal", "Толщина", "T", "Thickness"),
    F(
        "weight_kg",
        "Масса, кг",
        "Weight, kg",
        "decimal",
        "Масса",
        "Вес",
        "Вес, кг",
        "Масса заготовки",
        "Масса заготовки, кг",
        "Масса детали",
        "Масса 1 шт",
        "Weight",
        "Mass",
    ),
)
_COMPLEXITY = (
    "Сложность",
    "Коэффициент сложности",
    "Коэф. сложности",
    "К сложности",
    "Коэффициент",
    "k",
    "Complexity",
    "Complexity factor",
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "customers": (
        F("inn", "ИНН", "INN", "inn", *_CUSTOMER_INN, required=True),
        F(
            "name",
            "Наименование",
            "Name",
            "text",
            *_CUSTOMER_NAME,
            "Наименование организации",
            "Полное наименование",
            "Краткое наименование",
            "Название",
        ),
        F("kpp", "КПП", "KPP", "text"),
        F(
            "address",
            "Адрес",
            "Address",
            "text",
            "Юридический адрес",
            "Юр. адрес",
            "Фактический адрес",
            "Почтовый адрес",
            "Legal address",
        ),
        F(
            "phone",
            "Телефон",
            "Phone",
            "text",
            "Тел.",
            "Тел",
            "Телефоны",
            "Контактный телефон",
            "Telephone",
        ),
        F(
            "email",
            "E-mail",
            "Email",
            "text",
            "Эл. почта",
            "Электронная почта",
            "Почта",
            "Адрес электронной почты",
        ),
    ),
    "products": (
        F("drawing_no", "Номер чертежа", "Drawing no", "text", *_DRAWING, required=True),
        F("name", "Наименование", "Name", "text", *_ITEM_NAME),
        F("material_grade", "Марка материала", "Material grade", "text", *_GRADE),
        *_BLANK,
        F("complexity", "Коэффициент сложности", "Complexity", "decimal", *_COMPLEXITY),
    ),
    "materials": (
        F("grade", "Марка", "Grade", "text", *_GRADE, required=True),
        F(
            "category",
            "Группа",
            "Category",
            "text",
            "Категория",
            "Вид материала",
            "Тип",
            "Группа материала",
            "Group",
        ),
        F(
            "density_kg_m3",
            "Плотность, кг/м³",
            "Density, kg/m³",
            "decimal",
            "Плотность",
            "Плотность, кг/м3",
            "Удельный вес",
            "Density",
        ),
        F(
            "price_per_kg",
            "Цена, ₽/кг",
            "Price per kg",
            "decimal",
            "Цена",
            "Цена, руб/кг",
            "Цена за кг",
            "Цена за кг без НДС",
            "Цена без НДС",
            "Цена закупки",
            "Цена, руб",
            "Цена руб/кг без НДС",
            "Price",
            "Price, RUB/kg",
        ),
        F(
            "valid_from",
            "Действует с",
            "Valid from",
            "date",
            "Дата",
            "Дата начала действия",
            "Дата цены",
            "С даты",
            "Действует с даты",
            "Date",
        ),
    ),
    "orders": (
        F("order_number", "Номер заказа", "Order number", "text", *_ORDER_NUMBER, required=True),
        F(
            "need_date",
            "Дата заказа",
            "Order date",
            "date",
            "Дата",
            "Дата поступления",
            "Дата заявки",
            "Дата потребности",
            "Дата обращения",
            "Date",
            required=True,
        ),
        F("customer_inn", "ИНН заказчика", "Customer INN", "inn", *_CUSTOMER_INN),
        F("customer_name", "Заказчик", "Customer", "text", *_CUSTOMER_NAME),
        F(
            "status",
            "Статус",
            "Status",
            "text",
            "Состояние",
            "Стадия",
            "Этап",
            "Статус заказа",
            "State",
        ),
        F(
            "sales_manager",
            "Менеджер",
            "Manager",
            "text",
            "Ответственный",
            "Ответственный менеджер",
            "Менеджер по продажам",
            "Sales manager",
        ),
        F("quote_sent_date", "Дата КП", "Quote date", "date", "КП отправлено", "Дата отправки КП"),
        F(
            "agreed_date",
            "Дата согласования",
            "Agreed date",
            "date",
            "Дата договора",
            "Согласовано",
            "Agreed",
        ),
        F(
            "planned_shipment_date",
            "Плановая отгрузка",
            "Planned shipment",
            "date",
            "Срок отгрузки",
            "Плановая дата отгрузки",
            "Дата отгрузки план",
            "Срок",
            "Срок поставки",
            "Срок изготовления",
            "Due date",
        ),
        F(
            "actual_shipment_date",
            "Дата отгрузки",
            "Shipment date",
            "date",
            "Отгружено",
            "Фактическая отгрузка",
            "Дата отгрузки факт",
            "Shipped",
        ),
        F("delivered_date", "Дата доставки", "Delivered date", "date", "Доставлено", "Delivered"),
        F("vat_rate", "Ставка НДС", "VAT rate", "rate", "НДС, %", "НДС %", "VAT", "VAT %"),
        F("delivery_address", "Адрес доставки", "Delivery address", "text", "Адрес поставки"),
        F("comment", "Комментарий", "Comment", "text", "Примечание", "Примечания", "Note", "Notes"),
        F(
            "line_no",
            "№ позиции",
            "Line no",
            "int",
            "№ поз.",
            "Позиция",
            "Поз.",
            "Номер позиции",
            "Line",
            "Pos",
        ),
        F("drawing_no", "Номер чертежа", "Drawing no", "text", *_DRAWING),
        F("name", "Наименование", "Name", "text", *_ITEM_NAME),
        F("material_grade", "Марка материала", "Material grade", "text", *_GRADE),
        *_BLANK,
        F(
            "quantity",
            "Количество",
            "Quantity",
            "decimal",
            "Кол-во",
            "Кол-во, шт",
            "Количество, шт",
            "Кол.",
            "Кол-во шт.",
            "Qty",
            "Pcs",
            required=True,
        ),
        F("complexity", "Коэффициент сложности", "Complexity", "decimal", *_COMPLEXITY),
        F(
            "price_per_kg",
            "Цена за кг",
            "Price per kg",
            "decimal",
            "Цена, руб/кг",
            "Цена, ₽/кг",
            "Цена материала за кг",
            "Цена металла",
            "Цена за кг без НДС",
        ),
        F(
            "fixed_unit_price",
            "Цена за ед. без НДС",
            "Unit price excl. VAT",
            "decimal",
            "Цена",
            "Цена за ед.",
            "Цена за единицу",
            "Цена без НДС",
            "Цена за шт",
            "Цена за шт. без НДС",
            "Цена, руб",
            "Цена за ед., руб",
            "Unit price",
            "Price",
            "Price excl. VAT",
        ),
    ),
    "payments": (
        F(
            "invoice_number",
            "Номер счёта",
            "Invoice number",
            "text",
            "№ счёта",
            "Счёт",
            "Счёт №",
            "Счёт на оплату",
            "Invoice",
            "Invoice no",
        ),
        F("order_number", "Номер заказа", "Order number", "text", *_ORDER_NUMBER),
        F(
            "payment_date",
            "Дата оплаты",
            "Payment date",
            "date",
            "Дата платежа",
            "Дата поступления",
            "Дата",
            "Date",
            required=True,
        ),
        F(
            "amount",
            "Сумма",
            "Amount",
            "decimal",
            "Сумма оплаты",
            "Сумма платежа",
            "Сумма, руб",
            "Поступило",
            "Оплачено, руб",
            "Paid",
            required=True,
        ),
        F("payer_inn", "ИНН плательщика", "Payer INN", "inn", *_INN),
        F(
            "doc_no",
            "Номер платёжного поручения",
            "Payment order no",
            "text",
            "№ платёжного поручения",
            "№ п/п",
            "Платёжное поручение",
            "Номер платёжки",
            "№ платёжки",
            "Номер документа",
            "№ документа",
            "Документ",
            "Doc no",
        ),
        F("purpose", "Назначение платежа", "Purpose", "text", "Назначение"),
    ),
}

_PUNCT = re.compile(r"[.,:;()\[\]{}«»\"'№#/\\\-–—_*!?|+]+")
_TOKEN_ALIASES = {"ё": "е", "₽": " руб ", "м³": "м3", "м²": "м2", "%": " % "}
_WORD_ALIASES = {"р": "руб", "рублей": "руб", "рубли": "руб", "rub": "руб", "штук": "шт"}
UNIT_WORDS = frozenset({"шт", "руб", "кг", "мм", "%", "pcs", "kg", "mm"})


def normalize_label(label: str) -> str:
    """Case, ё, punctuation, spacing and unit spellings folded: "Кол-во, шт." -> "кол во шт"."""
    text = label.casefold()
    for old, new in _TOKEN_ALIASES.items():
        text = text.replace(old, new)
    words = _PUNCT.sub(" ", text).split()
    return " ".join(_WORD_ALIASES.get(w, w) for w in words)


def without_units(normal: str) -> str:
    """The normal form with trailing unit words dropped: "количество шт" -> "количество"."""
    words = normal.split()
    while len(words) > 1 and words[-1] in UNIT_WORDS:
        words.pop()
    return " ".join(words)


@cache
def synonym_index(kind: str) -> dict[str, str]:
    """normal form -> field of this kind (the first field listing a synonym wins)."""
    index: dict[str, str] = {}
    for spec in FIELDS[kind]:
        for synonym in spec.synonyms:
            index.setdefault(normalize_label(synonym), spec.name)
    return index


def field_for_label(kind: str, label: str) -> str | None:
    """The field a header means, or None: exact normal form first, then without units."""
    index = synonym_index(kind)
    normal = normalize_label(label)
    if normal in index:
        return index[normal]
    return index.get(without_units(normal))


def field_spec(kind: str, name: str) -> FieldSpec:
    return next(s for s in FIELDS[kind] if s.name == name)


# At least one column of each group must be mapped (the customer of an order: by ИНН or name;
# a payment: to an invoice or an order).
ONE_OF: dict[str, tuple[tuple[str, ...], ...]] = {
    "orders": (("customer_inn", "customer_name"),),
    "payments": (("invoice_number", "order_number"),),
}

"""The spreadsheet import page (Администрирование → Импорт таблиц)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "importing.nav": ("Импорт таблиц", "Spreadsheet import"),
    "importing.title": ("Импорт таблиц", "Spreadsheet import"),
    "importing.intro": (
        "Загрузите таблицу .xlsx, .xls или .csv: строка заголовков найдётся под шапкой, столбцы "
        "сопоставятся по названиям. Проверьте сопоставление и предпросмотр, затем импортируйте. "
        "Повторный импорт того же файла ничего не меняет.",
        "Upload an .xlsx, .xls or .csv table: the header row is found below any title, columns "
        "are matched by their names. Check the mapping and the preview, then import. Importing "
        "the same file again changes nothing.",
    ),
    "importing.no_rights": (
        "Вашей роли не доступен импорт: ни один вид данных нельзя изменять.",
        "Your role may not import: it cannot change any kind of data.",
    ),
    "importing.kind": ("Что в файле", "What the file holds"),
    "importing.kind.customers": ("Заказчики", "Customers"),
    "importing.kind.products": ("Каталог изделий", "Product catalog"),
    "importing.kind.materials": ("Прайс-лист материалов", "Material price list"),
    "importing.kind.orders": (
        "Реестр заказов (строка на позицию)",
        "Orders register (a row per line)",
    ),
    "importing.kind.payments": ("Реестр платежей", "Payments register"),
    "importing.file": ("Файл", "File"),
    "importing.file_help": (
        "Excel .xlsx/.xls или CSV (UTF-8 или Windows-1251, разделитель ; или ,)",
        "Excel .xlsx/.xls or CSV (UTF-8 or Windows-1251, separated by ; or ,)",
    ),
    "importing.wait_file": ("Выберите файл для импорта.", "Choose a file to import."),
    "importing.table": (
        "Лист «{sheet}», заголовок в строке {rows}, строк данных: {count}",
        "Sheet «{sheet}», header in row {rows}, data rows: {count}",
    ),
    "importing.hidden_sheets": (
        "Скрытые листы не читались: {names}",
        "Hidden sheets were not read: {names}",
    ),
    "importing.ignored": ("Пропущенные строки: {count}", "Rows set aside: {count}"),
    "importing.col.row": ("Строка", "Row"),
    "importing.col.column": ("Столбец", "Column"),
    "importing.col.reason": ("Причина", "Reason"),
    "importing.col.field": ("Поле", "Field"),
    "importing.mapping.title": ("Сопоставление столбцов", "Column mapping"),
    "importing.mapping.source.auto": (
        "Сопоставлено автоматически по названиям столбцов.",
        "Mapped automatically by the column names.",
    ),
    "importing.mapping.source.saved": (
        "Использовано сопоставление, сохранённое для таблиц такого вида.",
        "Using the mapping saved for tables of this layout.",
    ),
    "importing.mapping.source.session": (
        "Использовано ваше сопоставление.",
        "Using your mapping.",
    ),
    "importing.mapping.none": ("— не импортировать —", "— do not import —"),
    "importing.mapping.required": ("{field} *", "{field} *"),
    "importing.mapping.remember": (
        "Запомнить для таблиц такого вида (и для команды zakaz import)",
        "Remember for tables of this layout (and for the zakaz import command)",
    ),
    "importing.mapping.apply": ("Применить сопоставление", "Apply the mapping"),
    "importing.mapping.saved": ("Сопоставление сохранено", "Mapping saved"),
    "importing.mapping.twice": (
        "Столбец «{column}» выбран для двух полей: {fields}",
        "Column «{column}» is chosen for two fields: {fields}",
    ),
    "importing.mapping.download": (
        "Скачать сопоставление (JSON для --mapping)",
        "Download the mapping (JSON for --mapping)",
    ),
    "importing.preview.title": ("Предпросмотр", "Preview"),
    "importing.preview.imported": ("Будет добавлено", "To add"),
    "importing.preview.updated": ("Будет обновлено", "To update"),
    "importing.preview.skipped": ("Без изменений", "Unchanged"),
    "importing.preview.rejected": ("Отклонено строк", "Rows rejected"),
    "importing.preview.errors": ("Отклонённые строки и причины", "Rejected rows and why"),
    "importing.preview.more": (
        "Показаны первые {shown} причин из {count}: все — в файле отклонённых строк.",
        "The first {shown} of {count} reasons are shown: all are in the rejected rows file.",
    ),
    "importing.preview.all_good": ("Все строки можно импортировать.", "Every row can go in."),
    "importing.download_xlsx": ("Отклонённые строки (.xlsx)", "Rejected rows (.xlsx)"),
    "importing.download_csv": ("Отклонённые строки (.csv)", "Rejected rows (.csv)"),
    "importing.mode": ("Если есть ошибки", "If some rows are rejected"),
    "importing.mode.good": ("импортировать правильные строки", "import the good rows"),
    "importing.mode.nothing": ("не импортировать ничего", "import nothing"),
    "importing.run": ("Импортировать", "Import"),
    "importing.nothing_to_do": (
        "Импортировать нечего: всё уже в базе или отклонено.",
        "Nothing to import: everything is already stored or rejected.",
    ),
    "importing.progress": ("Импорт: {step}", "Importing: {step}"),
    "importing.done": (
        "Импорт выполнен: добавлено {imported}, обновлено {updated}, без изменений {skipped}, "
        "отклонено строк {rejected}.",
        "Import done: {imported} added, {updated} updated, {skipped} unchanged, "
        "{rejected} rows rejected.",
    ),
    "importing.refused_all": (
        "Ничего не импортировано: отклонено строк {rejected}, а выбрано «не импортировать ничего».",
        "Nothing was imported: {rejected} rows were rejected and «import nothing» is chosen.",
    ),
}

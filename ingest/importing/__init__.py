"""Spreadsheet import (issue 7): customers, products, the material price list, the orders
register and a payments register from .xlsx, .xls or .csv — docs/import.md.

reader.py (file -> sheets) -> header.py (find the table) -> mapping.py (columns -> fields) ->
parsing.py with cells.py and kinds/rules.py (cells -> checked rows) -> kinds/<kind>.py (rows
checked, planned against the store, written) -> run.py (the whole import, one transaction per
file); rejected.py (the rejected rows as a file). The CLI is zakaz/commands/import_file.py, the
app page dashboards/app_pages/admin/data_import.py.
"""

"""Errors the store raises. Each message is one clear Russian line for the person at the screen."""

from __future__ import annotations

from datetime import datetime


class StoreError(Exception):
    """Base class: a store operation was refused or failed; nothing was half-written."""


class StoreBusyError(StoreError):
    def __init__(self, waited_s: float):
        super().__init__(
            f"База занята другими пользователями (ждали {waited_s:.1f} с). "
            "Ничего не потеряно — повторите действие через несколько секунд."
        )
        self.waited_s = waited_s


class DiskFullError(StoreError):
    """No room to write the store (the disk is full, or the file hit a size limit): the action
    was refused as a whole, and everything committed before is kept."""

    def __init__(self, path: str):
        super().__init__(
            f"Нет места для записи базы завода ({path}): диск заполнен или файл достиг "
            "предельного размера. Действие не выполнено, сохранённое ранее не потеряно — "
            "освободите место на диске и повторите."
        )
        self.path = path


class PlantNotFoundError(StoreError):
    def __init__(self, path: str):
        super().__init__(f"База завода не найдена: {path}. Создайте её командой `zakaz init`.")
        self.path = path


class SchemaTooNewError(StoreError):
    def __init__(self, found: int, supported: int):
        super().__init__(
            f"База создана более новой версией Zakaz (схема {found}, эта программа знает до "
            f"{supported}). Обновите программу."
        )


class NotFoundError(StoreError):
    pass


class ValidationError(StoreError):
    """Bad input: names the record, the field and the reason."""

    def __init__(self, where: str, field: str, reason: str):
        super().__init__(f"{where}, поле {field}: {reason}")
        self.where = where
        self.field = field
        self.reason = reason


class StaleEditError(StoreError):
    """Someone saved the record after this user opened it: the save is refused, never merged."""

    def __init__(self, what: str, changed_by: str | None, changed_at: datetime | None):
        when = changed_at.strftime("%d.%m.%Y %H:%M:%S") if changed_at else "неизвестно когда"
        who = changed_by or "другой пользователь"
        super().__init__(
            f"{what} уже изменён: {who}, {when}. Ваши изменения не сохранены — "
            "обновите карточку и внесите их снова."
        )
        self.changed_by = changed_by
        self.changed_at = changed_at

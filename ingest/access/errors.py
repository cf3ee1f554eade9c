"""Access errors: one clear Russian line naming who was refused what, and where."""

from __future__ import annotations

from ingest.store.errors import StoreError
from zakaz.domain import ROLES

# Field groups of the access matrix (the CHECK list of access_rules) and their Russian names.
GROUP_NAMES: dict[str, str] = {
    "header": "шапка заказа, спецификации и количества",
    "prices": "цены и КП",
    "procurement": "снабжение",
    "logistics": "логистика",
    "payment_plan": "план платежей",
    "payments": "платежи",
    "economics": "экономика заказа",
    "contacts": "контакты заказчика",
    "expenses": "расходы по заказу",
}
FIELD_GROUPS: tuple[str, ...] = tuple(GROUP_NAMES)

MODE_VERBS: dict[str, str] = {"read": "читать", "write": "изменять"}


def role_name(role: str) -> str:
    """Russian name of a role («Снабжение»); an unknown role code is shown as is."""
    return ROLES.get(role, (role,))[0]


def group_name(group: str) -> str:
    return GROUP_NAMES.get(group, group)


class PermissionDeniedError(StoreError):
    """An action the acting user's role (or the own-orders scope) does not allow."""

    def __init__(
        self,
        message: str,
        *,
        login: str | None = None,
        role: str | None = None,
        group: str | None = None,
        mode: str | None = None,
        order_number: str | None = None,
    ):
        super().__init__(message)
        self.login = login
        self.role = role
        self.group = group
        self.mode = mode
        self.order_number = order_number

    @classmethod
    def refused(
        cls,
        *,
        role: str,
        group: str,
        mode: str,
        login: str | None = None,
        order_number: str | None = None,
        not_own: bool = False,
    ) -> PermissionDeniedError:
        where = ""
        if order_number is not None or not_own:
            what = f"заказ {order_number}" if order_number is not None else "заказ"
            where = f" ({what} — не ваш заказ)" if not_own else f" ({what})"
        message = (
            f"Нет доступа: роль «{role_name(role)}» не может {MODE_VERBS.get(mode, mode)} "
            f"«{group_name(group)}»{where}"
        )
        return cls(
            message, login=login, role=role, group=group, mode=mode, order_number=order_number
        )


class InactiveUserError(PermissionDeniedError):
    def __init__(self, login: str):
        super().__init__(
            f"Нет доступа: пользователь {login} отключён. Обратитесь к администратору.",
            login=login,
        )

"""Who is looking at the analytics pages, and what they may read — loaded from the real matrix.

    viewer = viewer_for(store, "makarova")   # one short read transaction on the store
    viewer.may_read("economics")              # the role reads the group for ALL orders
    viewer.require("economics_page_key")      # PermissionDeniedError (one Russian line) or nothing

The analytics marts aggregate over every order, so a field group counts as readable only when the
role may read it for all orders: an ordinary sales manager (prices and payments of own orders
only) gets neither, or a sum over all managers would leak the others' figures. A head of sales is
not limited to own orders (domain.md), so the head gets them. The matrix is data an admin edits:
a changed rule changes what the next page view reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.access import FIELD_GROUPS, PermissionDeniedError
from ingest.access.errors import role_name
from ingest.service import Desk
from ingest.store import Store

_LEADERS = frozenset({"leadership", "admin", "finance"})

# page key -> (roles that see the page, roles whose department HEADS also see it).
# The one source of truth: dashboards/navigation.py builds its PageSpecs from this dict.
ANALYTICS_PAGES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "overview": (_LEADERS, frozenset()),
    "payments": (_LEADERS, frozenset()),
    "economics": (_LEADERS, frozenset()),
    "sources": (_LEADERS, frozenset({"sales"})),
    "managers": (_LEADERS, frozenset({"sales"})),
    "process": (_LEADERS, frozenset({"sales", "procurement", "production", "logistics"})),
}

# Russian page names for refusals (the UI titles are in the i18n catalog).
PAGE_NAMES_RU: dict[str, str] = {
    "overview": "Обзор",
    "payments": "Платежи",
    "economics": "Экономика заказов",
    "sources": "Источники заявок",
    "managers": "Менеджеры по продажам",
    "process": "Процесс",
}


def page_allows(page_key: str, role: str, is_head: bool) -> bool:
    """The navigation rule: the role sees the page, or the user heads a department that does."""
    if page_key not in ANALYTICS_PAGES:
        raise KeyError(f"неизвестная страница аналитики: {page_key!r}")
    roles, heads = ANALYTICS_PAGES[page_key]
    return role in roles or (is_head and role in heads)


@dataclass(frozen=True)
class AnalyticsViewer:
    login: str
    role: str
    is_head: bool
    readable: frozenset[str]  # field groups readable for ALL orders

    def may_read(self, group: str) -> bool:
        return group in self.readable

    def may_open(self, page_key: str) -> bool:
        return page_allows(page_key, self.role, self.is_head)

    def require(self, page_key: str) -> None:
        if not self.may_open(page_key):
            who = role_name(self.role) + (" (руководитель)" if self.is_head else "")
            raise PermissionDeniedError(
                f"Нет доступа: роль «{who}» не может открыть страницу аналитики "
                f"«{PAGE_NAMES_RU.get(page_key, page_key)}»",
                login=self.login,
                role=self.role,
            )


def viewer_for(store: Store, login: str) -> AnalyticsViewer:
    """The viewer for this login, from the users row and access_rules in ONE read transaction.

    Unknown or deactivated logins are refused by the store (NotFoundError / InactiveUserError).
    """
    with Desk(store, login).reading() as a:
        actor, matrix = a.actor, a.matrix
        readable = frozenset(
            group
            for group in FIELD_GROUPS
            if matrix.can(actor, group, "read")
            # scope 'own' limits an ordinary sales manager; a head of sales is not limited
            and (matrix.scope(actor.role, group) != "own" or actor.is_head_of_sales)
        )
    return AnalyticsViewer(actor.login, actor.role, actor.is_head, readable)

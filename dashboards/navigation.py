"""Every page of the app, its section and which roles see it (the router builds st.navigation).

A page is listed for a role only when its main action is one the store would allow that role;
the store still checks every read and write, so a page reached by URL shows a refusal, not data.
Some analytics pages are also listed for the HEADS of a department (`heads`): the router passes
the user's is_head. The analytics pages' roles come from dashboards/analytics/viewer.py
(ANALYTICS_PAGES), which the pages themselves check again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboards.analytics.viewer import ANALYTICS_PAGES

APP_DIR = Path(__file__).parent
ALL_ROLES = frozenset({"sales", "procurement", "production", "logistics", "finance",
                       "leadership", "admin"})  # fmt: skip


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to dashboards/
    section: str  # i18n key of the navigation section
    title: str  # i18n key of the page title
    icon: str
    roles: frozenset[str]
    url_path: str
    heads: frozenset[str] = frozenset()  # roles whose department heads also see the page

    @property
    def file(self) -> Path:
        return APP_DIR / self.path

    def shown_to(self, role: str, is_head: bool = False) -> bool:
        return role in self.roles or (is_head and role in self.heads)


def _analytics(key: str, file: str, icon: str) -> PageSpec:
    roles, heads = ANALYTICS_PAGES[key]
    return PageSpec(f"app_pages/analytics/{file}", "analytics.section", f"analytics.nav.{key}",
                    icon, roles, f"analytics-{key}", heads)  # fmt: skip


PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/common/my_tasks.py", "common.section.my_work", "nav.my_tasks",
             ":material/task_alt:", ALL_ROLES, "tasks"),
    PageSpec("app_pages/common/orders_list.py", "common.section.my_work", "nav.orders",
             ":material/list_alt:", ALL_ROLES, "orders"),
    PageSpec("app_pages/common/order_card.py", "common.section.my_work", "nav.order_card",
             ":material/description:", ALL_ROLES, "order"),
    PageSpec("app_pages/common/mailbox.py", "common.section.my_work", "notify.nav.mailbox",
             ":material/mail:", ALL_ROLES, "mail"),
    PageSpec("app_pages/sales/new_order.py", "common.section.sales", "nav.new_order",
             ":material/add_shopping_cart:", frozenset({"sales", "admin"}), "new-order"),
    PageSpec("app_pages/procurement/procurement_work.py", "common.section.procurement",
             "nav.procurement_work", ":material/inventory_2:",
             frozenset({"procurement", "admin"}), "procurement"),
    PageSpec("app_pages/procurement/material_prices.py", "common.section.procurement",
             "nav.material_prices", ":material/price_change:",
             frozenset({"procurement", "admin"}), "material-prices"),
    PageSpec("app_pages/production/production_work.py", "common.section.production",
             "nav.production_work", ":material/precision_manufacturing:",
             frozenset({"production", "admin"}), "production"),
    PageSpec("app_pages/logistics/logistics_work.py", "common.section.logistics",
             "nav.logistics_work", ":material/local_shipping:",
             frozenset({"logistics", "admin"}), "logistics"),
    PageSpec("app_pages/finance/finance_work.py", "common.section.finance",
             "nav.finance_work", ":material/payments:", frozenset({"finance", "admin"}),
             "finance"),
    PageSpec("app_pages/finance/bank_statements.py", "common.section.finance",
             "bank.nav.title", ":material/account_balance:", frozenset({"finance", "admin"}),
             "bank"),
    PageSpec("app_pages/admin/data_import.py", "common.section.admin", "importing.nav",
             ":material/upload_file:", frozenset({"admin", "sales", "procurement", "finance"}),
             "import"),
    PageSpec("app_pages/admin/admin_users.py", "common.section.admin", "nav.admin_users",
             ":material/group:", frozenset({"admin"}), "users"),
    PageSpec("app_pages/admin/admin_access.py", "common.section.admin", "nav.admin_access",
             ":material/admin_panel_settings:", frozenset({"admin", "leadership"}), "access"),
    PageSpec("app_pages/admin/admin_notifications.py", "common.section.admin",
             "notify.nav.rules", ":material/notifications:",
             frozenset({"admin", "leadership"}), "notifications"),
    PageSpec("app_pages/admin/admin_outbox.py", "common.section.admin", "notify.nav.outbox",
             ":material/outbox:", frozenset({"admin"}), "outbox"),
    _analytics("overview", "overview.py", ":material/dashboard:"),
    _analytics("payments", "payments.py", ":material/account_balance_wallet:"),
    _analytics("economics", "order_economics.py", ":material/query_stats:"),
    _analytics("sources", "lead_sources.py", ":material/campaign:"),
    _analytics("managers", "sales_managers.py", ":material/leaderboard:"),
    _analytics("process", "process.py", ":material/timeline:"),
)  # fmt: skip


def pages_for(role: str, is_head: bool = False) -> list[PageSpec]:
    return [p for p in PAGES if p.shown_to(role, is_head)]


def page_by_url(url_path: str) -> PageSpec:
    return next(p for p in PAGES if p.url_path == url_path)

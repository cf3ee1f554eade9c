"""The demo plant's people: a user of every role, a head in each department.

The roster is fixed (it does not grow with --scale) so the README can list the logins.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from zakaz.demo.columns import frame, stamps
from zakaz.passwords import hash_password


@dataclass(frozen=True)
class DemoUser:
    login: str
    full_name: str
    role: str
    is_head: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("sokolova", "Соколова Марина Викторовна", "sales", True),
    DemoUser("ivanov", "Иванов Дмитрий Андреевич", "sales"),
    DemoUser("petrova", "Петрова Анна Сергеевна", "sales"),
    DemoUser("smirnov", "Смирнов Игорь Николаевич", "sales"),
    DemoUser("kuznetsova", "Кузнецова Ольга Петровна", "sales"),
    DemoUser("popov", "Попов Артём Владимирович", "sales"),
    DemoUser("vasilieva", "Васильева Екатерина Игоревна", "sales"),
    DemoUser("morozov", "Морозов Сергей Иванович", "procurement", True),
    DemoUser("volkova", "Волкова Наталья Александровна", "procurement"),
    DemoUser("lebedev", "Лебедев Павел Олегович", "procurement"),
    DemoUser("kozlov", "Козлов Виктор Степанович", "production", True),
    DemoUser("novikov", "Новиков Андрей Михайлович", "production"),
    DemoUser("zaitsev", "Зайцев Олег Геннадьевич", "production"),
    DemoUser("fedorov", "Фёдоров Роман Евгеньевич", "logistics", True),
    DemoUser("orlova", "Орлова Татьяна Юрьевна", "logistics"),
    DemoUser("egorova", "Егорова Ирина Валентиновна", "finance", True),
    DemoUser("pavlov", "Павлов Денис Александрович", "finance"),
    DemoUser("nikitina", "Никитина Светлана Олеговна", "finance"),
    DemoUser("sergeev", "Сергеев Николай Петрович", "leadership", True),
    DemoUser("makarova", "Макарова Елена Константиновна", "leadership"),
)


@dataclass(frozen=True)
class Staff:
    """User ids by role, in roster order; ``heads`` maps role -> the head's id."""

    by_role: dict[str, tuple[int, ...]]
    heads: dict[str, int]
    admin_id: int

    def of(self, role: str) -> tuple[int, ...]:
        return self.by_role[role]

    def workers(self, role: str) -> tuple[int, ...]:
        """The department's users other than its head (the head when alone)."""
        rest = tuple(u for u in self.by_role[role] if u != self.heads.get(role))
        return rest or self.by_role[role]


def users_frame(
    first_id: int, password: str, created_us: int, admin_id: int
) -> tuple[pl.DataFrame, Staff]:
    """The demo users (ids from ``first_id``) with salted hashes of ``password``."""
    ids = list(range(first_id, first_id + len(DEMO_USERS)))
    with ThreadPoolExecutor(max_workers=2) as pool:  # argon2 releases the GIL
        hashes = list(pool.map(hash_password, [password] * len(DEMO_USERS)))
    users = frame(
        {
            "id": ids,
            "login": [u.login for u in DEMO_USERS],
            "full_name": [u.full_name for u in DEMO_USERS],
            "email": [f"{u.login}@zakaz.local" for u in DEMO_USERS],
            "role": [u.role for u in DEMO_USERS],
            "is_head": [u.is_head for u in DEMO_USERS],
            "password_hash": hashes,
            "is_active": [True] * len(DEMO_USERS),
            "created_at": stamps([created_us] * len(DEMO_USERS)),
            "failed_logins": [0] * len(DEMO_USERS),
            "password_changed_at": stamps([created_us] * len(DEMO_USERS)),
        }
    )
    by_role: dict[str, list[int]] = {}
    heads: dict[str, int] = {}
    for uid, u in zip(ids, DEMO_USERS, strict=True):
        by_role.setdefault(u.role, []).append(uid)
        if u.is_head:
            heads[u.role] = uid
    return users, Staff({r: tuple(v) for r, v in by_role.items()}, heads, admin_id)

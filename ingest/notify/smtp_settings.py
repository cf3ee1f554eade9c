"""Where email goes: the SMTP server from the environment (ZAKAZ_SMTP_*).

    ZAKAZ_SMTP_HOST      server name; unset or empty = no SMTP configured (from_env returns None,
                         and `zakaz up` starts the local sink instead)
    ZAKAZ_SMTP_PORT      default 25; 465 means implicit TLS (SMTPS, RFC 8314)
    ZAKAZ_SMTP_USER      login, if the server wants one (with ZAKAZ_SMTP_PASSWORD)
    ZAKAZ_SMTP_STARTTLS  true/false/1/0/yes/no, default false: upgrade a plain connection with
                         STARTTLS before logging in
    ZAKAZ_SMTP_FROM      the sender, default zakaz@localhost ("Заказ <zakaz@plant.ru>" is fine)

A bad value is refused with one Russian line naming the variable (ValueError), so a typo in the
environment is found at start rather than as a pile of dead letters.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr

DEFAULT_PORT = 25
SMTPS_PORT = 465
DEFAULT_SENDER = "zakaz@localhost"
DEFAULT_TIMEOUT_S = 10.0

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = DEFAULT_PORT
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never in logs or reprs
    starttls: bool = False
    sender: str = DEFAULT_SENDER
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def use_ssl(self) -> bool:
        """Port 465 speaks TLS from the first byte; a plain SMTP greeting would just hang there."""
        return self.port == SMTPS_PORT

    @property
    def envelope_sender(self) -> str:
        """The bare address for MAIL FROM (the From header keeps any display name)."""
        return parseaddr(self.sender)[1] or self.sender

    def describe(self) -> str:
        """One line for logs and the admin page, without the password."""
        mode = "SSL" if self.use_ssl else ("STARTTLS" if self.starttls else "без шифрования")
        who = f", вход {self.user}" if self.user else ""
        return f"{self.host}:{self.port} ({mode}{who}), отправитель {self.sender}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """Settings from ZAKAZ_SMTP_*, or None when ZAKAZ_SMTP_HOST is unset or empty."""
        env = os.environ if env is None else env
        host = env.get("ZAKAZ_SMTP_HOST", "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=_port(env.get("ZAKAZ_SMTP_PORT", "")),
            user=env.get("ZAKAZ_SMTP_USER", "").strip() or None,
            password=env.get("ZAKAZ_SMTP_PASSWORD") or None,
            starttls=_flag("ZAKAZ_SMTP_STARTTLS", env.get("ZAKAZ_SMTP_STARTTLS", "")),
            sender=env.get("ZAKAZ_SMTP_FROM", "").strip() or DEFAULT_SENDER,
        )


def _port(raw: str) -> int:
    raw = raw.strip()
    if not raw:
        return DEFAULT_PORT
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ValueError(f"ZAKAZ_SMTP_PORT: ожидается номер порта от 1 до 65535, получено «{raw}»")
    return port


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}: ожидается true/false (или 1/0), получено «{raw}»")

"""SMTP settings from ZAKAZ_SMTP_*: none without a host, defaults, one clear line on a bad value."""

import pytest

from ingest.notify.smtp_settings import SmtpSettings


def test_no_host_means_no_smtp():
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"ZAKAZ_SMTP_HOST": "  ", "ZAKAZ_SMTP_PORT": "587"}) is None


def test_defaults():
    s = SmtpSettings.from_env({"ZAKAZ_SMTP_HOST": "mail.plant.test"})
    assert s == SmtpSettings(host="mail.plant.test")
    assert (s.port, s.user, s.password, s.starttls) == (25, None, None, False)
    assert (s.sender, s.timeout_s, s.use_ssl) == ("zakaz@localhost", 10.0, False)


def test_everything_set():
    s = SmtpSettings.from_env(
        {
            "ZAKAZ_SMTP_HOST": "mail.plant.test",
            "ZAKAZ_SMTP_PORT": "587",
            "ZAKAZ_SMTP_USER": "zakaz",
            "ZAKAZ_SMTP_PASSWORD": "секрет",
            "ZAKAZ_SMTP_STARTTLS": "TRUE",
            "ZAKAZ_SMTP_FROM": "Заказ <zakaz@plant.test>",
        }
    )
    assert (s.port, s.user, s.password, s.starttls) == (587, "zakaz", "секрет", True)
    assert s.envelope_sender == "zakaz@plant.test"
    assert "секрет" not in repr(s) and "секрет" not in s.describe()
    assert "STARTTLS" in s.describe()


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("0", False), ("false", False)])
def test_starttls_flag(raw, expected):
    env = {"ZAKAZ_SMTP_HOST": "h", "ZAKAZ_SMTP_STARTTLS": raw}
    assert SmtpSettings.from_env(env).starttls is expected


def test_port_465_is_implicit_tls():
    assert SmtpSettings.from_env({"ZAKAZ_SMTP_HOST": "h", "ZAKAZ_SMTP_PORT": "465"}).use_ssl


@pytest.mark.parametrize("raw", ["smtp", "0", "70000", "25.5"])
def test_a_bad_port_is_named(raw):
    with pytest.raises(ValueError, match="ZAKAZ_SMTP_PORT") as err:
        SmtpSettings.from_env({"ZAKAZ_SMTP_HOST": "h", "ZAKAZ_SMTP_PORT": raw})
    assert raw in str(err.value)
    assert "\n" not in str(err.value)


def test_a_bad_starttls_flag_is_named():
    with pytest.raises(ValueError, match="ZAKAZ_SMTP_STARTTLS"):
        SmtpSettings.from_env({"ZAKAZ_SMTP_HOST": "h", "ZAKAZ_SMTP_STARTTLS": "maybe"})

"""`zakaz init / status / backup / restore` on real plant folders."""

import json
import re

from cli_runner import assert_one_line_error, zakaz

from ingest.store.migrate import latest_version


def _status(home) -> dict:
    result = zakaz("status", "--json", "--home", str(home))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_init_makes_an_empty_plant_with_reference_data_and_an_admin(tmp_path):
    home = tmp_path / "plant"
    result = zakaz("init", "--home", str(home))
    assert result.returncode == 0, result.stderr
    password = re.search(r"admin / (\S+)", result.stdout).group(1)
    assert len(password) >= 10
    status = _status(home)
    assert status["schema_version"] == latest_version() == status["schema_version_latest"]
    tables = status["tables"]
    assert tables["users"] == 1 and tables["orders"] == 0
    assert tables["materials"] >= 40 and tables["vat_rates"] >= 3
    assert tables["payment_terms_templates"] >= 1 and tables["roles"] == 7

    again = zakaz("init", "--home", str(home))
    assert_one_line_error(again, 1, "уже существует", "--force")
    assert _status(home)["tables"] == tables  # the refusal changed nothing


def test_home_comes_from_zakaz_home_when_not_given(tmp_path):
    home = tmp_path / "from-env"
    result = zakaz("init", "--admin-password", "secret-1", env={"ZAKAZ_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert (home / "app.duckdb").exists()
    assert "admin / secret-1" in result.stdout


def test_status_of_a_missing_plant_is_one_clear_line(tmp_path):
    assert_one_line_error(zakaz("status", "--home", str(tmp_path / "nothing")), 1, "zakaz init")


def test_backup_and_restore_from_the_command_line(tmp_path):
    home = tmp_path / "plant"
    assert zakaz("init", "--home", str(home), "--admin-password", "pw-123456").returncode == 0
    backup = tmp_path / "copies" / "monday.duckdb"
    result = zakaz("backup", str(backup), "--home", str(home))
    assert result.returncode == 0, result.stderr
    assert backup.exists()
    assert_one_line_error(zakaz("backup", str(backup), "--home", str(home)), 1, "--force")

    refused = zakaz("restore", str(backup), "--home", str(home))
    assert_one_line_error(refused, 1, "--force")
    restored = zakaz("restore", str(backup), "--home", str(home), "--force")
    assert restored.returncode == 0, restored.stderr

    elsewhere = tmp_path / "other-plant"
    assert zakaz("restore", str(backup), "--home", str(elsewhere)).returncode == 0
    assert _status(elsewhere)["tables"] == _status(home)["tables"]


def test_unknown_command_and_bad_arguments_are_usage_errors(tmp_path):
    result = zakaz("fly")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert_one_line_error(zakaz("init", "--scale", "0", "--home", str(tmp_path)), 2, "--scale")

"""Run the real `zakaz` command in a subprocess, as a user or a script would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def zakaz(*args: str, stdin: str | None = None, env: dict | None = None, timeout: int = 600):
    full_env = {k: v for k, v in os.environ.items() if k != "ZAKAZ_HOME"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "zakaz.cli", *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, env=full_env,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip


def assert_one_line_error(result, code: int, *fragments: str) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one clear line, never a traceback
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]

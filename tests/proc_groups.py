"""Process groups seen through /proc: who is still running in one, and whether it is gone.
Shared by the tests that stop `zakaz up`, the browser tests' stack and the fault tests."""

from __future__ import annotations

import os
from pathlib import Path


def group_members(pgid: int) -> list[int]:
    """The running processes of group pgid (a zombie waiting to be reaped counts as gone)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def group_gone(pgid: int) -> bool:
    """No running process is left in group pgid."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's group by that number: not ours, not gone
        return False
    return not group_members(pgid)

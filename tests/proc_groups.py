"""Processes and process groups seen through /proc: whether one is still running, who is still
running in a group, and whether the group is gone. A zombie waiting to be reaped counts as gone.
Shared by the tests that stop `zakaz up`, the browser tests' stack and the fault tests."""

from __future__ import annotations

import os
from pathlib import Path


def process_running(pid: int) -> bool:
    """pid is a running process (not gone, not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


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

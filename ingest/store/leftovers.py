"""Temporary files of killed writers: `.NAME.PID[.anything].tmp` beside the file they were
going to replace. A process SIGKILLed mid-write cannot clean up, so the next writer of the
same file does: a plant whose writers keep crashing would otherwise fill its disk."""

from __future__ import annotations

import os
from pathlib import Path


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def sweep_dead_temps(dest: Path) -> int:
    """Remove the temporaries (and their .wal) that dead processes left beside dest; how many.
    Those of running processes are kept: a write in progress elsewhere keeps its file."""
    swept = 0
    for leftover in dest.parent.glob(f".{dest.name}.*.tmp"):
        pid = leftover.name[len(dest.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            leftover.unlink(missing_ok=True)
            leftover.with_name(leftover.name + ".wal").unlink(missing_ok=True)
            swept += 1
    return swept

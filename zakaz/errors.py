"""Errors meant for the person at the terminal: one line, a non-zero exit, no traceback."""

from __future__ import annotations


class UserError(Exception):
    """A refused command; exit_code 2 means the input itself was bad."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

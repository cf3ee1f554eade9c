"""Seeded random streams: one independent stream per generator, so adding a draw in one file
never shifts the data of another, and the same (seed, scale, as_of) always gives the same plant.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class Stream(random.Random):
    """random.Random with randint/choice drawn from one random() call each.

    The stdlib versions reject-sample with getrandbits, about 3x slower; millions of draws are
    made at --scale 100. The bias of floor(random() * n) is below 1e-12 for the small n used here.
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]


def stream(seed: int, name: str) -> Stream:
    """A generator of its own for one part of the plant (str seeds hash with SHA-512: stable)."""
    return Stream(f"zakaz-demo/{seed}/{name}")

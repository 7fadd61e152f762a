"""Deterministic mixes for the scale seed: values spread by their shares without a random call per row."""

from __future__ import annotations

import random
from itertools import accumulate


def pattern(shares: dict[str, int]) -> list[str]:
    """A repeating list with each value as often as its share (deterministic spread without random calls)."""
    out = [value for value, share in shares.items() for _ in range(share)]
    random.Random(len(out)).shuffle(out)
    return out


def weighted(pairs: list[tuple[str, int]]) -> tuple[list[str], list[float]]:
    """Values and their cumulative shares in [0, 1): `values[bisect(cum, rng.random())]` picks one (as
    rng.choices does, without recomputing the weights for each of millions of rows)."""
    total = sum(weight for _, weight in pairs)
    return [value for value, _ in pairs], [c / total for c in accumulate(weight for _, weight in pairs)][:-1]


def spread(shares: dict[str, int]) -> list[str]:
    """Like `pattern`, but every stretch of it holds each value in proportion (smooth weighted round robin): a
    tiny seed's first few refunds already show every state."""
    total, current, out = sum(shares.values()), dict.fromkeys(shares, 0), []
    for _ in range(total):
        for value, share in shares.items():
            current[value] += share
        pick = max(current, key=lambda value: current[value])
        current[pick] -= total
        out.append(pick)
    return out

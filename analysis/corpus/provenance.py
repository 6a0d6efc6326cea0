"""A metadata value together with where it came from and how sure we are of it."""
from __future__ import annotations

from typing import Any, NamedTuple

#: Confidence levels, from an explicit statement to an inference from content.
CONFIDENCE = ("high", "medium", "low")


class Found(NamedTuple):
    """``value`` found by rule ``source`` with ``confidence`` (high, medium or low).

    An unknown value is ``Found(None, reason, None)``: the source then says why it is unknown.
    """

    value: Any
    source: str
    confidence: str | None

    @classmethod
    def unknown(cls, reason: str) -> "Found":
        return cls(None, f"unknown: {reason}", None)

    @property
    def known(self) -> bool:
        return self.value is not None

"""Text colours the console's stylesheet sets for the light theme read on white (WCAG's 4.5:1 for body text)."""

from __future__ import annotations

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parents[2] / "assets" / "console.css").read_text()


def contrast_on_white(hex_colour: str) -> float:
    """WCAG 2 contrast ratio of `#rrggbb` against white."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return 1.05 / (luminance + 0.05)


def test_warning_text_is_readable_in_the_light_theme() -> None:
    """Quasar's own warning colour was the only word on the 2257 record of why a clerk may not verify."""
    assert contrast_on_white("#f2c037") < 2  # Quasar's: what the rule replaces
    [colour] = re.findall(r"body:not\(\.body--dark\) \.text-warning \{ color: (#[0-9a-f]{6}) !important; \}", CSS)
    assert contrast_on_white(colour) >= 4.5

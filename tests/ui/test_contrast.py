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
    [colour] = re.findall(r"body:not\(\.body--dark\) \.text-warning \{ --q-warning: (#[0-9a-f]{6}); \}", CSS)
    assert contrast_on_white(colour) >= 4.5


def _luminance(rgb: tuple[float, float, float]) -> float:
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def _over(rgba: tuple[float, float, float, float], below: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b, a = rgba
    return (r * a + below[0] * (1 - a), g * a + below[1] * (1 - a), b * a + below[2] * (1 - a))


def _ratio(one: tuple[float, float, float], other: tuple[float, float, float]) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_highlighted_row_keeps_its_checkbox_visible_in_both_themes() -> None:
    """QA: the ads and moderation queues drew their j/k row as 'bg-blue-1 text-black', a near-white band on which the
    dark theme's white checkbox outline vanished. Every list highlights with the shared cursor class, whose tint keeps
    Quasar's checkbox outline at WCAG's 3:1 for controls in both themes."""
    root = Path(__file__).resolve().parents[2] / "console"
    own = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        for value in re.findall(r'table-row-class-fn"\]\s*=\s*(\w+)', path.read_text(encoding="utf-8"))
        if value != "OPEN_ROW_CLASS"
    ]
    assert own == []  # no list draws its own highlighted row
    [tint] = re.findall(r"tr\.console-row-cursor > td \{ background: rgba\(([^)]*)\); \}", CSS)
    r, g, b, a = (float(v) for v in tint.split(","))
    dark_table, light_table = (29, 29, 29), (255, 255, 255)  # Quasar's $dark and white cards
    dark_row, light_row = _over((r, g, b, a), dark_table), _over((r, g, b, a), light_table)
    dark_outline = _over((255, 255, 255, 0.7), dark_row)  # .q-checkbox--dark: rgba(255,255,255,.7)
    light_outline = _over((0, 0, 0, 0.54), light_row)  # the light theme's rgba(0,0,0,.54)
    assert _ratio(dark_outline, dark_row) >= 3 and _ratio(light_outline, light_row) >= 3
    assert _ratio(_over((255, 255, 255, 0.7), (227, 242, 253)), (227, 242, 253)) < 1.5  # bg-blue-1: what it replaced


def _hex(colour: str) -> tuple[float, float, float]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def test_red_text_is_readable_in_the_dark_theme_also_on_the_highlighted_row() -> None:
    """A screenshot of the dark moderation queue: "8 d 14 h late" in Quasar's #c10015 on the j/k row, ~1.6:1. The
    dark theme lightens the negative text to WCAG's 4.5:1 on the cards and on the highlighted row; inside the light
    boxes that keep black text the dark red stays (it reads there)."""
    [colour] = re.findall(
        r"body\.body--dark \.text-negative:not\(\.text-black \.text-negative\) \{ --q-negative: (#[0-9a-f]{6}); \}",
        CSS,
    )
    [tint] = re.findall(r"tr\.console-row-cursor > td \{ background: rgba\(([^)]*)\); \}", CSS)
    r, g, b, a = (float(v) for v in tint.split(","))
    card, row = (29, 29, 29), _over((r, g, b, a), (29, 29, 29))
    assert _ratio(_hex("#c10015"), card) < 3 and _ratio(_hex("#c10015"), row) < 2  # Quasar's: what the rule replaces
    assert _ratio(_hex(colour), card) >= 4.5 and _ratio(_hex(colour), row) >= 4.5
    assert _ratio(_hex("#c10015"), (236, 239, 241)) >= 4.5  # in a light box (black text) the dark red stays


def test_the_queue_metrics_strip_follows_the_theme() -> None:
    """The moderation queue's figures sat in a light box with black text in the dark theme too."""
    source = (Path(__file__).resolve().parents[2] / "console" / "moderation" / "pages" / "queue.py").read_text()
    assert "console-strip" in source and "bg-blue-grey-1 text-black" not in source
    assert "body.body--dark .console-strip" in CSS


def test_the_brand_colours_read_on_white_under_white_text_and_on_the_dark_cards() -> None:
    """NiceGUI's primary (#5898d4) and Quasar's positive (#21ba45) were 3.1:1 and 2.6:1 as text on white ("Reload",
    "Checks passed", "Chain intact") and under the white text of their buttons ("Search", "Approve"). The console's
    palette (ui/theme.BRAND) holds 4.5:1 both ways; on the dark cards, where those are 3.7:1 and 3.3:1, the dark
    theme gives the text lighter shades (4.5:1 also on the j/k row)."""
    from console.ui.theme import BRAND

    assert contrast_on_white("#5898d4") < 3.5 and contrast_on_white("#21ba45") < 3  # the defaults replaced
    assert all(contrast_on_white(colour) >= 4.5 for colour in BRAND.values())  # text on white = white text on it
    [tint] = re.findall(r"tr\.console-row-cursor > td \{ background: rgba\(([^)]*)\); \}", CSS)
    r, g, b, a = (float(v) for v in tint.split(","))
    card, row = (29, 29, 29), _over((r, g, b, a), (29, 29, 29))
    for name in ("primary", "positive"):
        assert _ratio(_hex(BRAND[name]), card) < 4.5  # why the dark theme needs its own shade
        [shade] = re.findall(
            rf"body\.body--dark \.text-{name}:not\(\.text-black \.text-{name}\) \{{ --q-{name}: (#[0-9a-f]{{6}}); \}}",
            CSS,
        )
        assert _ratio(_hex(shade), card) >= 4.5 and _ratio(_hex(shade), row) >= 4.5, name


def test_links_read_on_white_and_on_the_dark_cards() -> None:
    """NiceGUI's links were Tailwind's blue-500, 3.7:1 on white."""
    assert contrast_on_white("#3b82f6") < 4
    [light] = re.findall(r"^\.nicegui-link \{ color: (#[0-9a-f]{6}); \}", CSS, re.M)
    [dark] = re.findall(r"body\.body--dark \.nicegui-link \{ color: (#[0-9a-f]{6}); \}", CSS)
    assert contrast_on_white(light) >= 4.5 and _ratio(_hex(dark), (29, 29, 29)) >= 4.5

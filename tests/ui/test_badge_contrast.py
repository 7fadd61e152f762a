"""Status badges read at WCAG's 4.5:1 (small text): white text on a filled badge's colour, an outline badge's colour as
text on white and, in the dark theme, on the dark cards and the j/k row.

The colours are collected from the code: the colour maps the badges are drawn from (imported) and every colour name
written next to a `ui.badge(` or a `<q-badge` in console/ (a regex over the source), so a new badge is checked too."""

from __future__ import annotations

import re
from pathlib import Path

import nicegui

from tests.ui.test_contrast import CSS, _hex, _over, _ratio, contrast_on_white

ROOT = Path(__file__).resolve().parents[2] / "console"
QUASAR_CSS = (Path(nicegui.__file__).parent / "static" / "quasar.important.css").read_text()
PALETTE = dict(re.findall(r"\n\.bg-([a-z0-9-]+) \{\n  background: (#[0-9a-f]{6}) !important;", QUASAR_CSS))
PALETTE |= {"negative": "#c10015", "warning": "#f2c037", "info": "#31ccec"}  # Quasar's brand colours
WHITE, BLACK, CARD = (255.0, 255.0, 255.0), (0.0, 0.0, 0.0), (29.0, 29.0, 29.0)  # Quasar's $dark card


def _palette() -> dict[str, str]:
    from console.ui.theme import BRAND

    return PALETTE | BRAND


def _dark_row() -> tuple[float, float, float]:
    [tint] = re.findall(r"tr\.console-row-cursor > td \{ background: rgba\(([^)]*)\); \}", CSS)
    r, g, b, a = (float(v) for v in tint.split(","))
    return _over((r, g, b, a), CARD)


def _drawn_badges() -> set[tuple[str, bool, str]]:
    """(colour, outline, where) for every badge colour named in the source next to a badge."""
    names = _palette()
    found: set[tuple[str, bool, str]] = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for start in re.finditer(r"ui\.badge\(|<q-badge\b", text):
            window = text[start.start() : start.start() + 300]
            stops = (window.find(s, 1) for s in (".mark(", "/>", "ui.badge(", "<q-badge", "\n\n", "def "))
            end = min((i for i in stops if i > 0), default=len(window))
            window = window[:end]
            outline = "outline" in window
            for name in re.findall(r"color=[\"']?([a-z][a-z0-9-]*)|'([a-z][a-z0-9-]*)'", window):
                colour = name[0] or name[1]
                if colour in names:
                    found.add((colour, outline, str(path.relative_to(ROOT))))
        for colour in re.findall(r"q-badge[^\"]*\bbg-([a-z0-9-]+) text-white", text):
            found.add((colour, False, str(path.relative_to(ROOT))))
    return found


def _mapped_badges() -> set[tuple[str, bool, str]]:
    """The colour maps badges are drawn from (filled unless outline)."""
    from console.ads.pages.campaign import PACING_STATUS
    from console.ads.pages.common import CHECK_COLOURS, STATE_COLOURS, state_fields
    from console.billing.pages.common import COLOURS as BILLING
    from console.catalog.editor.values import ACCESS_COLOURS
    from console.catalog.state_look import VIDEO_STATE_COLOURS
    from console.compliance.status_look import NO_RECORD_COLOUR
    from console.compliance.status_look import STATUS_COLOURS as COMPLIANCE
    from console.members.pages import STATUS_COLOURS as MEMBERS
    from console.moderation.pages.common import STATUS_COLOURS as MODERATION
    from console.moderation.pages.common import TYPE_COLOURS

    filled = {
        "ads state": STATE_COLOURS,
        "billing status": BILLING,
        "video state": VIDEO_STATE_COLOURS,
        "2257 status": COMPLIANCE | {"none": NO_RECORD_COLOUR},
        "member status": MEMBERS,
        "case status": MODERATION,
        "pacing": {k: colour for k, (_, colour) in PACING_STATUS.items()},
    }
    unknown = state_fields(None, None)  # a row's colours for a value missing from the maps
    filled["ads row default"] = {"state": unknown["state_colour"]}
    outline = {"ad check": CHECK_COLOURS, "case type": TYPE_COLOURS, "access level": ACCESS_COLOURS}
    outline["ads row default"] = {"check": unknown["check_colour"]}
    return {(c, False, where) for where, m in filled.items() for c in m.values()} | {
        (c, True, where) for where, m in outline.items() for c in m.values()
    }


def _black_text_fills() -> set[str]:
    rules = re.findall(r"^((?:\.q-badge\.bg-[a-z0-9-]+(?:, )?)+) \{ color: #000; \}", CSS, re.M)
    return {colour for rule in rules for colour in re.findall(r"\.q-badge\.bg-([a-z0-9-]+)", rule)}


def _filled_ratio(colour: str) -> float:
    fill = _hex(_palette()[colour])
    return _ratio(BLACK if colour in _black_text_fills() else WHITE, fill)


def test_the_source_scan_finds_the_badges() -> None:
    """The scan sees the badges drawn in slot templates and Python (what the other tests rely on)."""
    drawn = _drawn_badges()
    assert ("negative", False, "moderation/pages/queue.py") in drawn  # EMERGENCY in the queue's slot template
    assert ("blue-grey-7", False, "ui/frame.py") in drawn  # the header's role badges (raw HTML)
    assert any(outline and where == "catalog/list_pages/rows.py" for _, outline, where in drawn)  # ACCESS_BADGE
    assert len(drawn) > 20


def test_filled_badges_carry_readable_text() -> None:
    """A screenshot of the ads queue: "Pending review" white on Quasar orange, ~2.2:1. Every filled badge holds
    4.5:1: white text on a dark enough fill, black text (console.css) on the light ones (orange, amber, warning, info),
    whose hue keeps pending apart from failed and revoked."""
    assert contrast_on_white("#f57c00") < 3  # orange 8 under white text: what the ads queue showed
    low = sorted(
        f"{where}: {colour} {_filled_ratio(colour):.2f}"
        for colour, outline, where in _drawn_badges() | _mapped_badges()
        if not outline and _filled_ratio(colour) < 4.5
    )
    assert low == []


def _outline_shades(colour: str) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """An outline badge's text colour in the light and in the dark theme (console.css's overrides where it has one)."""
    light, dark = _palette()[colour], _palette()[colour]
    if colour == "warning":
        [light] = re.findall(r"body:not\(\.body--dark\) \.text-warning \{ --q-warning: (#[0-9a-f]{6}); \}", CSS)
    own = (
        rf"body\.body--dark \.text-{colour}:not\(\.text-black \.text-{colour}\) \{{ --q-{colour}: (#[0-9a-f]{{6}}); \}}"
    )
    layered = rf"body\.body--dark \.q-badge--outline\.text-{colour} \{{ color: (#[0-9a-f]{{6}}) !important; \}}"
    for found in (re.findall(own, CSS), re.findall(layered, CSS)):
        if found:
            [dark] = found
    return _hex(light), _hex(dark)


def test_outline_badges_read_on_white_and_on_the_dark_cards() -> None:
    """The ads queue's outline "Warnings" was orange 8 text on white, ~2.7:1; the moderation queue's type badges (teal,
    red, cyan) 3.5-4.3:1, and all of them 1.7-4:1 on the dark cards. Outline text holds 4.5:1 on white and, in the dark
    theme, on the cards and the j/k row."""
    assert contrast_on_white("#f57c00") < 3 and _ratio(_hex("#3f51b5"), CARD) < 3  # orange 8 on white, indigo on dark
    row = _dark_row()
    low = []
    for colour, outline, where in sorted(_drawn_badges() | _mapped_badges()):
        if outline:
            light, dark = _outline_shades(colour)
            ratios = (_ratio(light, WHITE), _ratio(dark, CARD), _ratio(dark, row))
            if min(ratios) < 4.5:
                low.append(f"{where}: {colour} " + " / ".join(f"{r:.2f}" for r in ratios))
    assert low == []

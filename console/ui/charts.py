"""Plotly charts that may be hidden: NiceGUI's plotly element resizes its chart from a ResizeObserver, which also
fires when a tab hides the chart (Vue's keep-alive detaches it) or a refresh removes it. Plotly then rejects the
resize with an uncaught "Resize must be passed a displayed plot div element" in the browser's console. `plot`
makes the element and, once per page, tells plotly to skip resizing a chart that is not on screen; the observer
resizes it again when it is shown. `restyle` gives any chart the console's light or dark colours (Insights, the
campaign page), so a chart follows the header's theme toggle (`theme.on_change`)."""

from __future__ import annotations

import re
import weakref
from typing import Any

from nicegui import Client, context, ui

GUARD = """
if (!window.consolePlotResizeGuard) {
  window.consolePlotResizeGuard = import("nicegui-plotly").then(({ Plotly }) => {
    const resize = Plotly.Plots.resize;
    Plotly.Plots.resize = (gd) =>
      gd instanceof HTMLElement && (!gd.isConnected || gd.offsetParent === null) ? Promise.resolve(gd) : resize(gd);
  });
}
"""
_guarded: weakref.WeakSet[Client] = weakref.WeakSet()
LIGHT_FONT, DARK_FONT = "#1f2937", "#e5e7eb"
LIGHT_GRID, DARK_GRID = "rgba(0,0,0,0.1)", "rgba(255,255,255,0.15)"
AXIS = re.compile(r"[xy]axis\d*")
CLEAR = "rgba(0,0,0,0)"  # the card's own background shows through, light or dark


def plot(figure: dict[str, Any]) -> ui.plotly:
    """A `ui.plotly` for `figure`, with the resize guard sent to this page's browser the first time."""
    client = context.client
    if client not in _guarded:
        _guarded.add(client)
        ui.run_javascript(GUARD)
    return ui.plotly(figure)


def restyle(fig: dict[str, Any], *, dark: bool) -> dict[str, Any]:
    """The same figure in the other theme: only the colours of the layout change (axes, titles, sizes stay)."""
    font, grid = (DARK_FONT, DARK_GRID) if dark else (LIGHT_FONT, LIGHT_GRID)
    lay = fig.setdefault("layout", {})
    lay["template"] = "plotly_dark" if dark else "plotly_white"
    lay["paper_bgcolor"] = lay["plot_bgcolor"] = CLEAR
    lay["font"] = {**lay.get("font", {}), "color": font}
    # plotly.js takes no template by name ("plotly_dark" only means something to Python's plotly): every axis, the
    # second y axis too, gets its grid colour here, or the dark theme draws plotly's near-white default grid
    for axis in {"xaxis", "yaxis", *(key for key in lay if AXIS.fullmatch(key))}:
        lay[axis] = {**lay.get(axis, {}), "gridcolor": grid}
    return fig

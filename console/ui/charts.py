"""Plotly charts that may be hidden: NiceGUI's plotly element resizes its chart from a ResizeObserver, which also
fires when a tab hides the chart (Vue's keep-alive detaches it) or a refresh removes it. Plotly then rejects the
resize with an uncaught "Resize must be passed a displayed plot div element" in the browser's console. `plot`
makes the element and, once per page, tells plotly to skip resizing a chart that is not on screen; the observer
resizes it again when it is shown."""

from __future__ import annotations

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


def plot(figure: dict[str, Any]) -> ui.plotly:
    """A `ui.plotly` for `figure`, with the resize guard sent to this page's browser the first time."""
    client = context.client
    if client not in _guarded:
        _guarded.add(client)
        ui.run_javascript(GUARD)
    return ui.plotly(figure)

"""The demo's desk of simulated devices, beside the kiosk's screens (the demo only).

:mod:`ui.demo_panel.panel` is the panel: the custodians' keys
(:mod:`ui.demo_panel.keys`), the scanner, the printed documents
(:mod:`ui.demo_panel.papers`), the auditor's stick and the auditor
(:mod:`ui.demo_panel.audit`). On a real terminal all of it is done by hand.
"""

from __future__ import annotations

from ui.demo_panel.panel import DemoPanel

__all__ = ["DemoPanel"]

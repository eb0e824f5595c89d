"""The dashboard's "Deadlines last judged" line (issue 19).

Why: deadlines are judged at every step, every unlock and every minute while
unlocked (:meth:`kiosk.procedures.context.Context.check_deadlines`); saying
when they last were makes a check that silently stopped visible.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from kiosk.procedures import Context


def judged_text(ctx: object) -> str:
    """'Deadlines last judged: <local time>' (the policy's time zone).

    ``ctx``: the unlocked session's :class:`Context` (``AppContext.extras``), if any.
    """
    when = ctx.last_judged if isinstance(ctx, Context) else None
    if not isinstance(ctx, Context) or when is None:
        shown = QCoreApplication.translate("Dashboard", "not yet since the unlock")
    else:
        shown = when.astimezone(ZoneInfo(ctx.policy.timezone)).strftime("%Y-%m-%d %H:%M")
    return QCoreApplication.translate("Dashboard", "Deadlines last judged: {when}").format(
        when=shown
    )

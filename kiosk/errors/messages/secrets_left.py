"""Messages about secrets that could outlive their use: print-job copies, core dumps."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "alert.print.copy_left": Message(
        "A copy of a printed {document} may remain on the terminal ({where}).",
        "Call security now: empty the print spool and the print service's temporary folder, "
        "and treat the credential on that sheet as exposed.",
    ),
    "process.core_dumps": Message(
        "The terminal could not switch off core dumps ({detail}); a crash could write its "
        "keys to disk.",
        "Do not use this terminal. Call security: the operating system refused the setting.",
    ),
}

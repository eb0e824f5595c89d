"""Forms that know what the terminal knows (issue 22): registered lists, kept answers.

A field chosen from a registered list (the accounts in the inventory, say)
refuses a value the terminal does not know; answers typed into an incident's
step are kept across a lock and put back, saying so.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "forms.not_registered": Message(
        "“{value}” is not one of the {what} this terminal knows.",
        "Choose one from the list. If it is missing, it must be registered first "
        "(an administrator's task under dual control).",
    ),
    "forms.draft_restored": Message(
        "Your answers from {time} were kept while the terminal was locked.",
        "Check them, finish the step and record it. PINs are never kept: type them again.",
    ),
}

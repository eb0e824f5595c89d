"""Messages about the policy file (:mod:`kiosk.policy`)."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "policy.missing": Message(
        "The policy file {path} cannot be read ({reason}).",
        "Restore the policy file from the commissioning copy, then start the terminal again.",
    ),
    "policy.syntax": Message(
        "The policy file {path} is not valid TOML at line {line}: {reason}.",
        "Correct line {line} of the policy file, check it with 'sealroom check-policy', "
        "then start the terminal again.",
    ),
    "policy.invalid": Message(
        "The policy file {path}, line {line}: {reason}.",
        "Correct line {line} of the policy file, check it with 'sealroom check-policy', "
        "then start the terminal again.",
    ),
}

"""Messages about printing: documents, print-only passwords, the CUPS queue."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "print.cupsd_down": Message(
        "The print service (CUPS) is not running.",
        "Restart the terminal's print service (or the terminal), then print again.",
        True,
    ),
    "print.queue_missing": Message(
        "The printer queue '{queue}' does not exist on this terminal.",
        "Check the printer is installed under that name (policy [printing] queue), "
        "then print again.",
        True,
    ),
    "print.stopped": Message(
        "The printer '{queue}' is stopped{detail}.",
        "Check the printer (power, cable, jam), resume the queue, then print again. "
        "Nothing was printed.",
        True,
    ),
    "print.paper_out": Message(
        "The printer '{queue}' is out of paper.",
        "Load paper, then print again. The unfinished job was removed.",
        True,
    ),
    "print.rejecting": Message(
        "The printer queue '{queue}' is not accepting jobs.",
        "Ask security to set the queue to accept jobs, then print again.",
        True,
    ),
    "print.timeout": Message(
        "The printer did not finish job {job} within {seconds} seconds.",
        "Check the printer and the paper; the job was removed. Print again.",
        True,
    ),
    "print.job_failed": Message(
        "The print system ended job {job} as '{state}' instead of printing it.",
        "Check the printer, then print again.",
        True,
    ),
    "print.submit_failed": Message(
        "The print system refused the job ({reason}).",
        "Check the printer queue, then print again.",
        True,
    ),
    "print.tools_missing": Message(
        "The printing tools ({tool}) are not installed on this terminal.",
        "This is a set-up fault: call security to reinstall the terminal's print service.",
    ),
    "print.spool_left": Message(
        "A copy of sensitive job {job} may remain in the print spool ({where}).",
        "Do not leave the terminal. Call security to purge the print spool, "
        "and treat this credential as exposed.",
    ),
    "password.policy": Message(
        "The password rules in the policy cannot be used: {reason}.",
        "Correct the [passwords] section of the policy under dual control, then try again.",
    ),
    "secret.wiped": Message(
        "This secret was already wiped from memory.",
        "Generate a new credential and print a new sheet.",
    ),
    "document.invalid": Message(
        "The {document} cannot be printed: '{field}' {reason}.",
        "Correct '{field}', then print again.",
    ),
    "document.secret_in_code": Message(
        "The {document} would put the password into a printed code or note.",
        "Nothing was printed. This is a defect: call security.",
    ),
    "document.font_missing": Message(
        "The document font {font} is missing from the terminal.",
        "This is a set-up fault: call security to reinstall the terminal.",
    ),
}

"""Messages about the automatic backup and an overdue one (issue 21, ``backup_duty.py``).

The overdue alert of a backup says what to do, which depends on where the
medium is: a stick in the safe must be brought out by people; a disk always
mounted (``[backup] path``) is written by the terminal itself, so a backup
overdue there means the writes failed.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "backup.bring_stick": Message(
        "A sealed backup to {medium} is overdue ({why}).",
        "Bring the backup stick {medium} from the safe, plug it in and write a backup "
        "(Backup on the dashboard, or sealroom backup), then return it to the safe.",
    ),
    "backup.not_written": Message(
        "A sealed backup to {medium} is overdue ({why}): the terminal could not write it to "
        "{path} by itself.",
        "Check that the backup disk is mounted at {path} and has room; the terminal tries "
        "again every hour. The dashboard says why the last try failed.",
    ),
    "backup.path_missing": Message(
        "The backup disk is not mounted at {path}.",
        "Mount the backup disk named in the policy at {path}; the terminal tries again every hour.",
        True,
    ),
    "backup.write_failed": Message(
        "The sealed backup could not be written to {path}: {reason}.",
        "Check the backup disk (room, permissions, errors); the terminal tries again every hour.",
        True,
    ),
}

"""Messages of the backup medium and of the backup and restore screens (issue 21).

An area of its own beside ``continuity`` (the core's codes): the medium
found, mounted and released by ``hardware/backup_media.py``, and what the
screens say when a backup cannot be written or a restore cannot go on.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "backup.medium_absent": Message(
        "The backup medium {medium} is not plugged in.",
        "Take the backup stick {medium} out of the safe, plug it in, then press the button again.",
        True,
    ),
    "backup.no_medium": Message(
        "No USB stick that could hold backups is plugged in.",
        "Plug in the stick that will be kept in the safe for backups, then press the button again.",
        True,
    ),
    "backup.wrong_medium": Message(
        "The stick plugged in ({found}) is not the backup medium {medium} registered for "
        "this terminal.",
        "Take it out and plug in the backup stick {medium} from the safe. Nothing was written.",
        True,
    ),
    "backup.medium_full": Message(
        "The backup medium {medium} is full: the backup was not written.",
        "Nothing half-written is kept. Call the security team to make room on the stick (or "
        "register a larger one with two custodians), then write the backup again.",
    ),
    "backup.medium_lost": Message(
        "The backup medium {medium} went away while the backup was written ({reason}).",
        "Nothing half-written counts as a backup. Plug the stick in again and write the "
        "backup again.",
        True,
    ),
    "backup.medium_missing_dir": Message(
        "The backup directory {medium} named by the policy does not exist.",
        "Call the administrator: the second disk for backups is not mounted.",
    ),
    "backup.medium_unlabelled": Message(
        "The stick {found} has no volume label, so it cannot be told apart from others.",
        "Give it a label (for example SEALBACKUP) on another machine, then register it.",
    ),
    "restore.not_empty": Message(
        "This terminal already holds a journal: a restore only goes onto a new or repaired "
        "machine.",
        "Unlock the terminal as usual. Nothing was changed.",
    ),
    "restore.not_opened": Message(
        "The backup is not open yet.",
        "Open it first with a custodian's key or the recovery passphrase.",
        True,
    ),
    "restore.one_person": Message(
        "The restore is signed by two different custodians.",
        "Choose two different custodians.",
        True,
    ),
}

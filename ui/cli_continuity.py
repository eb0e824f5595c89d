"""``sealroom backup`` and ``sealroom restore``: continuity of a terminal (issue 21).

* ``sealroom backup --data D --medium-dir M --medium LABEL`` writes a sealed
  backup of the journal to the registered medium mounted at ``M``
  (``kiosk/terminal/backups.py``), after unlocking with a custodian's key
  (``--by``) or the recovery passphrase (``--passphrase-fd``). With
  ``--register "where it is kept"`` it first registers the medium, signed
  by the two custodians named with ``--by``.
* ``sealroom move --data D --medium-dir M --medium LABEL --to WHERE --by A
  --by B`` records ``terminal.moved`` and writes the backup the new machine
  restores; this copy refuses to run from then on (``kiosk/terminal/retire.py``).
* ``sealroom restore --data D --medium-dir M --anchor "SEQ · HASH" --by A
  --by B`` restores the newest backup on ``M`` into the empty data
  directory ``D`` (``kiosk/terminal/restore.py``): opened with the first
  custodian's key or the recovery passphrase, the chain and every signature
  checked, the head compared with the paper anchor (and the newest export,
  ``--export BUNDLE``), then ``terminal.restored`` signed by both.

PINs come from ``--pin-fd`` (one line per key) or are asked on the
terminal; the passphrase only from ``--passphrase-fd``: neither is ever on
the command line, printed or logged.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.format.clock import SystemClock

ALERT_PLUG = "Plug in {name}'s security key (only that one), then press Enter. "


def add_commands(sub: Any) -> None:
    """Add ``backup`` and ``restore`` to the ``sealroom`` command's subparsers."""
    p = sub.add_parser("backup", help="write a sealed backup to the registered backup medium")
    _common(p)
    p.add_argument("--medium", required=True, help="the backup medium's label")
    p.add_argument("--register", metavar="WHERE", help="register the medium first (dual)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore the newest sealed backup (two custodians)")
    _common(p)
    p.add_argument("--anchor", required=True, help="the head on the newest record in the safe")
    p.add_argument("--export", metavar="BUNDLE", help="the newest audit export, to compare")
    p.add_argument("--reason", default="restored from the newest sealed backup")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("move", help="move the terminal to new hardware (two custodians)")
    _common(p)
    p.add_argument("--medium", required=True, help="the registered backup medium's label")
    p.add_argument("--to", required=True, help="the new machine (where it stands, its name)")
    p.add_argument("--reason", default="moved to new hardware")
    p.set_defaults(func=cmd_move)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="the terminal's data directory")
    p.add_argument("--medium-dir", required=True, help="where the backup medium is mounted")
    p.add_argument("--policy", help="policy file (default: the one in assets/)")
    p.add_argument("--by", action="append", default=[], help="a custodian id (twice for dual)")
    p.add_argument("--passphrase-fd", type=int, help="read the recovery passphrase from this fd")
    p.add_argument("--pin-fd", type=int, help="read the keys' PINs from this fd, one a line")
    p.add_argument("--simulated-keys", help=argparse.SUPPRESS)
    p.add_argument("--tpm", help="the TPM device (default: /dev/tpmrm0 if present)")


class _Keys:
    """The security keys and their PIN prompts for one command; plugs each person in turn."""

    def __init__(self, args: argparse.Namespace) -> None:
        from hardware.fido.security_keys import FidoSecurityKeys
        from ui.cli import CliPrompts, _read_pins

        pins = _read_pins(args.pin_fd) if args.pin_fd is not None else None
        self.prompts = CliPrompts(pins)
        self.keys = FidoSecurityKeys(self.prompts, usb=args.simulated_keys is None)
        self.sim_dir = Path(args.simulated_keys) if args.simulated_keys else None

    def plug(self, who: str) -> None:
        self.prompts.next_person(who)
        if self.sim_dir is not None:
            from hardware.sim.authenticator import SoftAuthenticator

            self.keys.simulated = [SoftAuthenticator(self.sim_dir / f"{who}.json", label=who)]
        elif sys.stdin.isatty():
            input(ALERT_PLUG.format(name=who))


def _passphrase(args: argparse.Namespace) -> str | None:
    if args.passphrase_fd is None:
        return None
    with os.fdopen(args.passphrase_fd, "r", encoding="utf-8", closefd=True) as fh:
        return fh.readline().strip()


def _sign(approval: Any, keys: _Keys, people: list[str]) -> Any:
    try:
        for who in people[:2]:
            keys.plug(who)
            approval.sign()
        return approval.commit()
    except BaseException:
        if not approval.pending.closed:
            approval.abandon()
        raise


def cmd_backup(args: argparse.Namespace) -> int:
    from kiosk.terminal.backups import make_backup, start_medium_registration
    from kiosk.terminal.lifecycle import unlock_with_key, unlock_with_passphrase
    from ui.cli import _policy, _witness

    policy = _policy(args.policy)
    keys = _Keys(args)
    phrase = _passphrase(args)
    data = Path(args.data)
    if phrase is not None:
        journal = unlock_with_passphrase(
            data, phrase, SystemClock(), witness=_witness(args, policy)
        )
    else:
        keys.plug(args.by[0] if args.by else "custodian")
        journal = unlock_with_key(data, keys.keys, SystemClock(), witness=_witness(args, policy))
    try:
        if args.register:
            approval = start_medium_registration(
                journal, policy, keys.keys, args.medium, args.register
            )
            entry = _sign(approval, keys, args.by)
            print(f"Backup medium {args.medium} registered (entry {entry.seq})")
        written = make_backup(
            journal, Path(args.medium_dir), args.medium, "manual", policy.backup_every_days
        )
        if written is not None:
            print(f"Sealed backup written: {written.data['file']} (head {written.data['seq']})")
    finally:
        journal.close()
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from kiosk.terminal.restore import (
        Anchor,
        export_anchor,
        key_opener,
        start_restored,
        unpack_backup,
    )
    from ui.cli import _policy, _witness

    policy = _policy(args.policy)
    if len(set(args.by)) < 2:
        from kiosk.procedures.fields import ProcedureError

        raise ProcedureError("procedure.two_people")
    anchor = Anchor.parse(args.anchor)
    export = export_anchor(Path(args.export)) if args.export else None
    keys = _Keys(args)
    phrase = _passphrase(args)
    opener: Callable[[Any], bytes]
    if phrase is not None:
        secret = phrase

        def opener(slots: Any) -> bytes:
            return bytes(slots.open_with_passphrase(secret))

    else:
        keys.plug(args.by[0])
        opener = key_opener(keys.keys)
    journal, header = unpack_backup(
        Path(args.medium_dir),
        Path(args.data),
        opener,
        SystemClock(),
        kiosk_id=policy.kiosk_id,
        witness=_witness(args, policy),
    )
    try:
        approval = start_restored(journal, policy, keys.keys, header, anchor, export, args.reason)
        entry = _sign(approval, keys, args.by)
    except BaseException:
        journal.close()
        from kiosk.terminal.lifecycle import undo_commission

        undo_commission(Path(args.data))
        raise
    journal.close()
    lost = entry.data["lost_count"]
    print(f"Restored from {header.path.name} (head {header.seq}); terminal.restored {entry.seq}")
    if lost:
        print(f"Lost: entries {entry.data['lost_from']} to {entry.data['lost_to']} ({lost})")
    else:
        print("Nothing lost: the backup holds the head of the newest record.")
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    """``terminal.moved`` signed by two custodians, then the backup the new machine restores."""
    from kiosk.procedures.fields import ProcedureError
    from kiosk.terminal.backups import make_backup
    from kiosk.terminal.lifecycle import unlock_with_key
    from kiosk.terminal.retire import start_move
    from ui.cli import _policy, _witness

    if len(set(args.by)) < 2:
        raise ProcedureError("procedure.two_people")
    policy = _policy(args.policy)
    keys = _Keys(args)
    keys.plug(args.by[0])
    journal = unlock_with_key(
        Path(args.data), keys.keys, SystemClock(), witness=_witness(args, policy)
    )
    try:
        approval = start_move(journal, policy, keys.keys, args.to, args.reason)
        moved = _sign(approval, keys, args.by)
        make_backup(journal, Path(args.medium_dir), args.medium, "move")
        head = journal.head
    finally:
        journal.close()
    print(f"Moved (entry {moved.seq}); backup written with head {head.seq} · {head.hash[:12]}")
    print(f"On the new machine: sealroom restore --anchor '{head.seq} · {head.hash[:12]}' …")
    print("This copy refuses to run from now on.")
    return 0

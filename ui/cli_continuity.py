"""``sealroom backup``, ``restore``, ``move`` and ``retire``: continuity of a terminal (issue 21).

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
  directory ``D`` by the restore screen's own steps
  (``kiosk/terminal/restore_steps.py``; ``--anchor`` is the head as printed
  or the record's QR code as the scanner reads it): opened with the first
  custodian's key or the recovery passphrase, the chain and every signature
  checked, the head compared with the paper anchor (and the newest export,
  ``--export BUNDLE``), then ``terminal.restored`` signed by both.
* ``sealroom retire --data D --stick-dir S --by A --by B [--auditor X]``
  retires the terminal in one procedure (``kiosk/export/final.py``): the
  final export onto the stick at ``S`` (approved by an auditor and a
  custodian), the dual ``terminal.retired``, the retirement certificate
  printed through CUPS (or written with ``--certificate-pdf OUT`` when the
  printer is gone), then the key material destroyed. Run again after a
  failure, it takes up where it stopped; on a retired directory it prints
  the certificate again from the ``RETIRED`` note.

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
    """Add ``backup``, ``restore``, ``move`` and ``retire`` to the ``sealroom`` subparsers."""
    p = sub.add_parser("backup", help="write a sealed backup to the registered backup medium")
    _common(p)
    p.add_argument("--medium", required=True, help="the backup medium's label")
    p.add_argument("--register", metavar="WHERE", help="register the medium first (dual)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore the newest sealed backup (two custodians)")
    _common(p)
    p.add_argument(
        "--anchor",
        required=True,
        help="the head on the newest record in the safe, as printed or as its QR code scans",
    )
    p.add_argument("--export", metavar="BUNDLE", help="the newest audit export, to compare")
    p.add_argument("--reason", default="restored from the newest sealed backup")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("move", help="move the terminal to new hardware (two custodians)")
    _common(p)
    p.add_argument("--medium", required=True, help="the registered backup medium's label")
    p.add_argument("--to", required=True, help="the new machine (where it stands, its name)")
    p.add_argument("--reason", default="moved to new hardware")
    p.set_defaults(func=cmd_move)

    p = sub.add_parser(
        "retire", help="retire the terminal: final export, certificate, keys destroyed"
    )
    p.add_argument("--data", required=True, help="the terminal's data directory")
    p.add_argument("--stick-dir", help="where the USB stick for the final export is mounted")
    p.add_argument("--policy", help="policy file (default: the one in assets/)")
    p.add_argument("--by", action="append", default=[], help="a custodian id (twice: dual)")
    p.add_argument("--auditor", help="the auditor who approves the final export")
    p.add_argument(
        "--reason",
        default="the terminal is taken out of service",
        help="why, as recorded in terminal.retired and printed on the certificate",
    )
    p.add_argument(
        "--certificate-pdf", metavar="OUT", help="write the certificate to this new PDF file"
    )
    p.add_argument("--pin-fd", type=int, help="read the keys' PINs from this fd, one a line")
    p.add_argument("--simulated-keys", help=argparse.SUPPRESS)
    p.add_argument("--simulated-stick", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--tpm", help="the TPM device (default: /dev/tpmrm0 if present)")
    p.set_defaults(func=cmd_retire)


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
    """The restore screen's steps (``RestoreSteps``) in one command: one path, two faces."""
    from kiosk.scan.qr import looks_like_qr
    from kiosk.terminal.restore import Anchor, key_opener
    from kiosk.terminal.restore_steps import RestoreSteps
    from ui.cli import _policy, _witness

    policy = _policy(args.policy)
    if len(set(args.by)) < 2:
        from kiosk.procedures.fields import ProcedureError

        raise ProcedureError("procedure.two_people")
    if not looks_like_qr(args.anchor):
        Anchor.parse(args.anchor)  # a mistyped head is said before any key is asked for
    steps = RestoreSteps(
        Path(args.data), SystemClock(), kiosk_id=policy.kiosk_id, witness=_witness(args, policy)
    )
    header = steps.find(Path(args.medium_dir))
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
    journal = steps.open(opener)
    try:
        steps.give_anchor(args.anchor)  # the record's QR as scanned, or its head as printed
        steps.give_export(Path(args.export) if args.export else None)
        entry = _sign(steps.start_signing(policy, keys.keys, args.reason), keys, args.by)
        steps.signed = True
    except BaseException:
        steps.abandon()
        raise
    journal.close()
    header = steps.header or header
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


def cmd_retire(args: argparse.Namespace) -> int:
    """Final export, ``terminal.retired``, certificate, key material destroyed (in that order)."""
    from kiosk.export.final import retire_terminal
    from kiosk.procedures.fields import ProcedureError
    from kiosk.terminal.lifecycle import unlock_with_key
    from kiosk.terminal.retire import RETIRED_NOTE
    from ui.cli import _policy, _witness

    policy = _policy(args.policy)
    data = Path(args.data)
    out = Path(args.certificate_pdf) if args.certificate_pdf else None
    if out is not None and out.exists():
        raise ProcedureError("retire.certificate_exists", path=str(out))
    if (data / RETIRED_NOTE).exists():
        return _certificate_again(data, policy, out)
    if len(set(args.by)) < 2:
        raise ProcedureError("procedure.two_people")
    if not args.stick_dir or not Path(args.stick_dir).is_dir():
        raise ProcedureError("retire.not_a_stick", path=str(args.stick_dir))
    writer = _stick(Path(args.stick_dir), args.simulated_stick)
    keys = _Keys(args)
    keys.plug(args.by[0])
    journal = unlock_with_key(
        data, keys.keys, SystemClock(), witness=_witness(args, policy), retiring=True
    )
    from hardware.printing.render import render

    try:
        done = retire_terminal(
            journal,
            policy,
            keys.keys,
            writer,
            args.by,
            args.reason,
            lambda approval, people: _sign(approval, keys, list(people)),
            render,
            lambda cert: _emit(cert, policy, out),
            auditor=args.auditor,
        )
    finally:
        journal.close()
    facts = done.facts
    if done.export is not None:
        print(f"Final export written: {done.export.path}")
    else:
        print(f"Final export already written: {facts['bundle']} on {facts['volume']}")
    final = facts["final"]
    print(f"Retired (entry {done.retired.seq}); final head {final['seq']}:{final['hash']}")
    print("Key material destroyed: this terminal's journal no longer opens.")
    anchor = f"{final['seq']}:{final['hash']}"
    print(f"Verify: sealroom verify BUNDLE --kiosk-key kiosk.pub --anchor {anchor}")
    return 0


def _stick(root: Path, simulated: bool) -> Any:
    """The stick's writer: a mounted removable volume, checked as the export screen does."""
    from kiosk.export.directory import DirectoryWriter

    if simulated:  # a folder stands for the stick (tests, simulations)
        return DirectoryWriter(root, str(root))
    from hardware.media import open_volume

    return open_volume(root)


def _emit(cert: Any, policy: Any, out: Path | None) -> None:
    """The certificate through CUPS (an ordinary job: nothing secret), or into a new PDF."""
    from hardware.printing.render import render

    pdf = render(cert)
    if out is not None:
        with out.open("xb") as fh:  # never over another file
            fh.write(pdf)
        print(f"Retirement certificate written to {out}")
        return
    from hardware.printing.cups import CupsPrinter

    CupsPrinter.from_policy(policy).print_pdf(
        pdf, "Sealroom retirement certificate", sensitive=False, progress=print
    )
    print("Retirement certificate printed: keep it with the final export.")


def _certificate_again(data: Path, policy: Any, out: Path | None) -> int:
    """A retired directory: the certificate again, from the facts in its ``RETIRED`` note."""
    import datetime as dt

    from kiosk.errors import JournalError
    from kiosk.paper.retirement import RetirementCertificate
    from kiosk.terminal.retire import finish_destruction, read_note

    finish_destruction(data)  # a crash may have left it half-way
    note = read_note(data)
    facts = note.get("facts")
    if not isinstance(facts, dict):
        raise JournalError("retire.no_certificate")
    cert = RetirementCertificate.from_facts(facts, dt.datetime.now(dt.UTC), policy.timezone)
    print(f"This terminal is already retired (entry {note.get('seq')}): the certificate again.")
    _emit(cert, policy, out)
    return 0

"""``sealroom identity-sheet``, and the identity sheet ``sealroom init --print-sheet`` prints.

The terminal identity sheet carries only public data (the key fingerprint,
the genesis hash, ``kiosk.pub`` as a QR code): it is printed as an ordinary
job, never as a sensitive one, and may be written to a PDF file. At
commissioning it is built from the open journal; on request later, from the
terminal's public files alone (:mod:`kiosk.terminal.identity`), so it needs
no key, no unlock and no stop of the kiosk.

Kept apart from ``ui/cli.py`` so that building the ``sealroom`` parser
imports nothing heavy (reportlab is imported when the command runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hardware import appliance_paths
from kiosk.errors import SealroomError
from kiosk.errors.oplog import event
from kiosk.journal.store import Journal
from kiosk.paper.documents import IdentitySheet
from kiosk.policy import Policy

log = logging.getLogger("sealroom.cli")

DESCRIPTION = (
    "Print the terminal identity sheet for the auditors' file: the terminal key's fingerprint, "
    "the genesis hash and kiosk.pub as a QR code, read from the terminal's public files "
    "(kiosk.pub, identity.json). Nothing on it is secret; no key or unlock is needed."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        default=str(appliance_paths.DATA_DIR),
        help="the terminal's data directory (default %(default)s)",
    )
    p.add_argument("--policy", help="policy file: its CUPS queue and time zone")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write the sheet to this new PDF file instead of printing it",
    )


def run(args: argparse.Namespace, load_policy: Callable[[str | None], Policy]) -> int:
    """Print the sheet (or write it with ``--out``); 0 on success."""
    from kiosk.terminal.identity import identity_sheet_from_files

    policy = load_policy(args.policy)
    sheet = identity_sheet_from_files(Path(args.data), dt.datetime.now(dt.UTC), policy.timezone)
    if args.out:
        from hardware.printing.render import render

        try:
            with Path(args.out).open("xb") as fh:  # never over another file
                fh.write(render(sheet))
        except FileExistsError:
            print(f"sealroom identity-sheet: {args.out} exists; give a new file.", file=sys.stderr)
            return 2
        print(f"Terminal identity sheet written to {args.out}")
    else:
        print_identity_sheet(sheet, policy, progress=print)
        print("Terminal identity sheet printed: give it to the auditors with kiosk.pub.")
    print(f"Terminal key: {sheet.key_fingerprint}")
    print(f"Genesis hash: {sheet.genesis_hash}")
    return 0


def at_commissioning(journal: Journal, policy: Policy, data: str) -> bool:
    """``init --print-sheet``: the identity sheet after the commissioning sheet.

    A failure here undoes nothing: the terminal is commissioned and its
    sealed sheet printed by then, and the identity sheet can be printed
    again at any time with ``sealroom identity-sheet``. False if it did not print.
    """
    from kiosk.terminal.identity import identity_sheet_at_commissioning

    try:
        sheet = identity_sheet_at_commissioning(journal, policy.timezone)
        print_identity_sheet(sheet, policy, progress=print)
    except SealroomError as exc:
        print(
            f"sealroom: the terminal identity sheet did not print: {exc.user_message()} "
            f"Print it later with: sealroom identity-sheet --data {data}",
            file=sys.stderr,
        )
        return False
    return True


def print_identity_sheet(
    sheet: IdentitySheet, policy: Policy, progress: Callable[[str], Any] | None = None
) -> None:
    """Print ``sheet`` on the policy's queue (an ordinary job: nothing on it is secret)."""
    from hardware.printing.cups import CupsPrinter
    from hardware.printing.render import render

    result = CupsPrinter.from_policy(policy).print_pdf(
        render(sheet), "Sealroom terminal identity sheet", sensitive=False, progress=progress
    )
    event(
        log,
        "print",
        f"identity-sheet printed (job {result.job_id}, {result.state})",
        document="identity-sheet",
        outcome=result.state,
        job=result.job_id,
    )

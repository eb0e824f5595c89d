"""The ``sealroom`` command.

Qt is imported only by the subcommands that open a window, so ``init`` (and,
later, the auditors' ``verify``) run on machines without PySide6.

Exit codes: 0 success, 1 the operation failed (message on stderr), 2 usage
or configuration error (bad arguments, invalid policy file).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from kiosk.clock import SystemClock
from kiosk.errors import PolicyError, SealroomError
from kiosk.policy import Policy, load_policy


def _policy(path: str | None) -> Policy:
    return load_policy(Path(path) if path else None)


def _read_fd(fd: int) -> str:
    with os.fdopen(fd, "r", encoding="utf-8", closefd=True) as fh:
        return fh.readline().strip()


def cmd_init(args: argparse.Namespace) -> int:
    from kiosk.terminal import commission

    policy = _policy(args.policy)
    passphrase = _read_fd(args.passphrase_fd) if args.passphrase_fd is not None else None
    show = args.show_recovery_passphrase or (passphrase is None and sys.stdout.isatty())
    if passphrase is None and not show:
        print(
            "sealroom init: nowhere safe to show the new recovery passphrase. "
            "Run it on the terminal's own screen, or give --passphrase-fd.",
            file=sys.stderr,
        )
        return 2
    done = commission(Path(args.data), policy, SystemClock(), passphrase=passphrase)
    try:
        print(f"Journal created in {args.data}")
        print(f"Terminal id:        {policy.kiosk_id}")
        print(f"Terminal key:       {done.fingerprint}")
        print(f"Genesis hash:       {done.genesis_hash}")
        print(f"Public key file:    {done.public_key_path}")
        if passphrase is None:
            print()
            print("RECOVERY PASSPHRASE — write it on the commissioning sheet, seal it in the safe:")
            print(f"    {done.recovery_passphrase}")
    finally:
        done.journal.close()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from ui.app import run
    from ui.context import AppContext
    from ui.workers import ThreadRunner

    policy = _policy(args.policy)
    ctx = AppContext(policy, Path(args.data), SystemClock(), ThreadRunner(), windowed=args.windowed)
    return run(ctx)


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.terminal import commission, remove_terminal
    from ui.app import run
    from ui.context import AppContext, DemoInfo
    from ui.workers import ThreadRunner

    policy = _policy(args.policy)
    data_dir = Path(tempfile.mkdtemp(prefix="sealroom-demo-"))
    try:
        done = commission(data_dir, policy, SystemClock())
        done.journal.close()
        print(f"Demo terminal in {data_dir} (deleted on exit).")
        ctx = AppContext(
            policy,
            data_dir,
            SystemClock(),
            ThreadRunner(),
            windowed=True,
            demo=DemoInfo(done.recovery_passphrase, data_dir),
        )
        return run(ctx)
    finally:
        if not args.keep:
            remove_terminal(data_dir)


def cmd_check_policy(args: argparse.Namespace) -> int:
    policy = _policy(args.file)
    print(f"{policy.source}: valid (sha256 {policy.sha256})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sealroom",
        description="Sealroom: the break-glass credential terminal of a safe room.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("init", help="commission a new terminal: create its journal headlessly")
    p.add_argument("--data", required=True, help="empty directory for the journal")
    p.add_argument("--policy", help="policy file (default: the one in assets/)")
    p.add_argument("--passphrase-fd", type=int, help="read the recovery passphrase from this fd")
    p.add_argument(
        "--show-recovery-passphrase",
        action="store_true",
        help="print the generated recovery passphrase (commissioning screen only)",
    )
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("run", help="run the kiosk on a commissioned terminal")
    p.add_argument("--data", required=True, help="the terminal's data directory")
    p.add_argument("--policy", help="policy file (default: the one in assets/)")
    p.add_argument("--windowed", action="store_true", help="a normal window, not full screen")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("demo", help="the kiosk with simulated devices and a throw-away journal")
    p.add_argument("--policy", help="policy file (default: the one in assets/)")
    p.add_argument("--keep", action="store_true", help="keep the throw-away journal on exit")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("check-policy", help="validate a policy file and print its hash")
    p.add_argument("file", nargs="?", help="policy file (default: the one in assets/)")
    p.set_defaults(func=cmd_check_policy)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PolicyError as exc:
        print(f"sealroom: {exc.user_message()}", file=sys.stderr)
        return 2
    except SealroomError as exc:
        print(f"sealroom: {exc.user_message()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())

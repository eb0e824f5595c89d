"""Checking a bundle's signature the way an auditor does: with OpenSSH's own ssh-keygen."""

from __future__ import annotations

import subprocess
from pathlib import Path


def ssh_verify(bundle: Path, pub_line: str, kiosk_id: str) -> subprocess.CompletedProcess[bytes]:
    """``ssh-keygen -Y verify`` of ``bundle``'s manifest against ``pub_line`` (spec section 6)."""
    allowed = bundle.parent / f"allowed_signers-{bundle.name}"
    allowed.write_text(f"{kiosk_id} {pub_line}\n")
    with (bundle / "manifest.json").open("rb") as fh:
        return subprocess.run(
            [
                "ssh-keygen",
                "-Y",
                "verify",
                "-f",
                str(allowed),
                "-I",
                kiosk_id,
                "-n",
                "sealroom-export",
                "-s",
                str(bundle / "manifest.json.sig"),
            ],
            stdin=fh,
            capture_output=True,
            check=False,
        )

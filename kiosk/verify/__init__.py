"""The auditors' offline verifier for export bundles (``sealroom-export/1``).

Imports nothing beyond the standard library and ``cryptography`` (no Qt, no
device code, no database), so it runs on an auditor's machine:
``python -m kiosk.verify BUNDLE...`` or ``sealroom verify BUNDLE...``.
See ``kiosk/verify/README.md`` and the spec, ``export-format.md``.
"""

from kiosk.verify.bundle import read_bundle, verify_bundle, verify_files
from kiosk.verify.result import Finding, Problem, VerifyResult

__all__ = ["Finding", "Problem", "VerifyResult", "read_bundle", "verify_bundle", "verify_files"]

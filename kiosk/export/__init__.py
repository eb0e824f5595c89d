"""Audit export: the bundle writer (spec ``export-format.md`` sections 1 and 6).

The terminal side of the auditors' contract; :mod:`kiosk.verify` is the other
side. Devices (finding and checking the USB stick) are ``hardware.media``'s.
"""

from kiosk.export.directory import DirectoryWriter
from kiosk.export.writer import (
    EXPORT_KIND,
    EXPORT_ROLES,
    ExportProgress,
    ExportResult,
    bundle_name,
    check_approval,
    export_bundle,
    start_export_approval,
)

__all__ = [
    "EXPORT_KIND",
    "EXPORT_ROLES",
    "DirectoryWriter",
    "ExportProgress",
    "ExportResult",
    "bundle_name",
    "check_approval",
    "export_bundle",
    "start_export_approval",
]

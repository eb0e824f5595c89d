"""What every screen needs, passed in explicitly (no globals, no singletons)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.format.clock import Clock
from kiosk.journal.witness import Witness
from kiosk.policy import Policy
from kiosk.terminal.airgap import AirGapWatch
from ui.devices import KeyDesk
from ui.workers import Runner

if TYPE_CHECKING:
    from hardware.backup_media import BackupMedia
    from hardware.media import Volume
    from hardware.sim.desk import DemoDesk
    from hardware.usb_devices import UsbBus
    from kiosk.paper.printer import Printer


@dataclass
class DemoInfo:
    """Shown in the demo only: the throw-away terminal's recovery passphrase, and its desk."""

    recovery_passphrase: str
    data_dir: Path
    pin: str = ""
    #: the demo's desk: printed papers, the auditor's stick, the auditor (the demo panel)
    desk: DemoDesk | None = None


@dataclass
class AppContext:
    policy: Policy
    data_dir: Path
    clock: Clock
    runner: Runner
    windowed: bool = True
    demo: DemoInfo | None = None
    keys: KeyDesk = field(default_factory=KeyDesk)
    #: CupsPrinter on the real terminal, SimulatedPrinter in the demo and tests
    printer: Printer | None = None
    #: where the export screen looks for USB sticks (``None``: the system's own)
    volumes: Callable[[], list[Volume]] | None = None
    #: where the backup and restore screens look for the backup medium (``None``: the
    #: policy's ``[backup] medium`` directory, or udisks2's sticks); the demo and tests
    #: give ``hardware.backup_media.SimulatedBackupMedia``
    backup_media: BackupMedia | None = None
    #: the USB bus the dashboard lists (``None``: the real one via pyusb)
    usb_bus: UsbBus | None = None
    #: milliseconds clock of the scanner filter (tests; ``None``: the key events' own)
    scan_clock_ms: Callable[[], int] | None = None
    #: the network interfaces that are up, as ``alert_fields()`` (the air gap; ``sealroom
    #: run`` reads /sys/class/net); ``None``: not checked (the demo and most tests)
    network: Callable[[], list[dict[str, Any]]] | None = None
    #: what the air-gap check saw and has yet to record, for the whole run
    airgap: AirGapWatch = field(default_factory=AirGapWatch)
    extras: dict[str, object] = field(default_factory=dict)
    #: the policy's TPM setting and this machine's TPM counter, handed to every
    #: unlock (``None``: no TPM and none required, as in the demo)
    witness: Witness | None = None

"""What every screen needs, passed in explicitly (no globals, no singletons)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiosk.clock import Clock
from kiosk.policy import Policy
from ui.devices import KeyDesk
from ui.workers import Runner


@dataclass
class DemoInfo:
    """Shown in the demo only: the throw-away terminal's recovery passphrase."""

    recovery_passphrase: str
    data_dir: Path
    pin: str = ""


@dataclass
class AppContext:
    policy: Policy
    data_dir: Path
    clock: Clock
    runner: Runner
    windowed: bool = True
    demo: DemoInfo | None = None
    keys: KeyDesk = field(default_factory=KeyDesk)
    extras: dict[str, object] = field(default_factory=dict)

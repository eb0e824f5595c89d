"""Where the appliance puts things: one table, read by the package and by ``sealroom doctor``.

Why one module: the Debian package installs the kiosk unit, the device rules,
the sysctl and tmpfs settings at these paths, and ``sealroom doctor`` checks
exactly these paths; two copies of a path would let the check and the
install drift apart. Keep it a table of constants: no logic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

#: The Debian package's name (``dpkg-query -W``) and the system user the kiosk runs as.
PACKAGE: Final = "sealroom"
KIOSK_USER: Final = "sealroom"

#: The application's own virtual environment, and its command.
PREFIX: Final = Path("/opt/sealroom")
COMMAND: Final = PREFIX / "bin" / "sealroom"

#: The terminal's data directory (0700, owned by the kiosk user) and its policy file.
DATA_DIR: Final = Path("/var/lib/sealroom")
POLICY: Final = Path("/etc/sealroom/policy.toml")

#: The kiosk session: ``cage`` on tty1 running ``sealroom run``.
KIOSK_UNIT: Final = "sealroom-kiosk.service"
#: Where unit files may live (package first), and where "enabled" symlinks are made.
UNIT_DIRS: Final = (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system"))
UNIT_WANTS_ROOT: Final = Path("/etc/systemd/system")

#: Device rules: FIDO2 hidraw and the allowed scanners for the kiosk user; USBGuard's policy.
UDEV_RULES: Final = Path("/lib/udev/rules.d/70-sealroom.rules")
#: Written by the package's postinst from the policy (``sealroom usbguard-rules``).
USBGUARD_RULES: Final = Path("/etc/usbguard/rules.d/50-sealroom.conf")

#: Kernel settings (core dumps off) and the tmpfs mounts of CUPS's spool and temp folders.
SYSCTL_CONF: Final = Path("/usr/lib/sysctl.d/90-sealroom.conf")
CUPS_FILES_CONF: Final = Path("/etc/cups/cups-files.conf")
CUPS_SPOOL: Final = Path("/var/spool/cups")
CUPS_TEMP: Final = Path("/var/spool/cups/tmp")

#: What the kernel tells about network interfaces (the air-gap check).
SYS_CLASS_NET: Final = Path("/sys/class/net")

#: The native protocol socket of systemd-journald (the operational log).
JOURNAL_SOCKET: Final = Path("/run/systemd/journal/socket")

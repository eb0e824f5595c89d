"""The appliance's words: the air gap, and every line of ``sealroom doctor``.

``airgap.*`` is what the unlock screen says when a network interface is up;
``alert.network.up`` is that alert's printed slip. ``doctor.*`` are the
self-test's findings: for a pass only the first sentence is shown, for a
failure both (what was found, what to do).
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

_AGAIN = "Then run sealroom doctor again."

MESSAGES: dict[str, Message] = {
    # -- the air gap ----------------------------------------------------------------
    "airgap.network_up": Message(
        "A network interface is up: {interfaces}. This terminal must have no network, "
        "so it stays locked.",
        "Unplug the network cable or adapter (or have the administrator turn the interface "
        "off), then unlock again, and tell security: it is recorded as an alert.",
    ),
    "airgap.unreadable": Message(
        "The terminal cannot read its network interfaces ({path}: {reason}), so it cannot "
        "show that it has no network.",
        "Restart the terminal; if it repeats, call the administrator.",
    ),
    "alert.network.up": Message(
        "A network interface was up on the air-gapped terminal: {description} (first seen "
        "{first_seen}, still up: {still_up}).",
        "Find out who connected it, unplug it and call security: the terminal must have no "
        "network.",
    ),
    # -- sealroom doctor: the installed system ------------------------------------------
    "doctor.package.ok": Message("Package {package} {version} is installed.", ""),
    "doctor.package.missing": Message(
        "The {package} package is not installed (dpkg: {state}).",
        "Install it: apt install ./sealroom_*.deb (see the installation guide). " + _AGAIN,
    ),
    "doctor.unit.ok": Message("{unit} is installed and enabled ({target}).", ""),
    "doctor.unit.missing": Message(
        "The kiosk unit {unit} is not installed.",
        "Reinstall the sealroom package. " + _AGAIN,
    ),
    "doctor.unit.disabled": Message(
        "The kiosk unit {unit} is installed but not enabled: the kiosk will not start at boot.",
        "Run: systemctl enable {unit}. " + _AGAIN,
    ),
    "doctor.udev.ok": Message("udev rules in place ({path}).", ""),
    "doctor.udev.missing": Message(
        "The udev rules {path} are missing: the kiosk cannot reach security keys and scanners.",
        "Reinstall the sealroom package, then run: udevadm control --reload && udevadm trigger.",
    ),
    "doctor.usbguard.ok": Message("USBGuard rules in place ({path}).", ""),
    "doctor.usbguard.not_installed": Message(
        "USBGuard is not installed: unknown USB devices would be recorded, not blocked.",
        "Install it (apt install usbguard; the sealroom package depends on it). " + _AGAIN,
    ),
    "doctor.usbguard.no_rules": Message(
        "USBGuard has no rules at {path}: unknown USB devices would not be blocked.",
        "Generate them from the policy with sealroom usbguard-rules, write them to {path}, "
        "then restart usbguard. " + _AGAIN,
    ),
    "doctor.airgap.ok": Message("No network interface other than loopback is up.", ""),
    "doctor.airgap.up": Message(
        "Network interfaces up ({count}): {interfaces}.",
        "Unplug the cable or adapter, or turn the interface off (ip link set NAME down): "
        "the terminal must have no network. " + _AGAIN,
    ),
    # -- sealroom doctor: secrets at rest ---------------------------------------------
    "doctor.swap.none": Message("No swap.", ""),
    "doctor.swap.encrypted": Message("Swap only in RAM or on encrypted volumes ({areas}).", ""),
    "doctor.swap.plain": Message(
        "Unencrypted swap: {areas}. Keys and passwords held in memory could be written there.",
        "Turn it off (swapoff -a, and remove it from /etc/fstab) or put it on dm-crypt with a "
        "random key (/etc/crypttab). " + _AGAIN,
    ),
    "doctor.core.off": Message("System-wide core dumps are off (core_pattern {pattern}).", ""),
    "doctor.core.coredump_none": Message(
        "Core dumps are discarded (systemd-coredump with Storage=none).", ""
    ),
    "doctor.core.coredump_stores": Message(
        "systemd-coredump keeps core dumps (Storage={storage}): a dump of the kiosk would hold "
        "the database key.",
        "Apply the sealroom package's sysctl settings (sysctl --system), which set "
        "kernel.core_pattern=|/bin/false, or set Storage=none. " + _AGAIN,
    ),
    "doctor.core.on": Message(
        "Core dumps are written (core_pattern {pattern}): a dump of the kiosk would hold the "
        "database key.",
        "Apply the sealroom package's sysctl settings: sysctl --system (or reboot). " + _AGAIN,
    ),
    "doctor.cups_tmpfs.ok": Message("CUPS's spool and temp folders are on tmpfs.", ""),
    "doctor.cups_tmpfs.on_disk": Message(
        "CUPS keeps print jobs on disk: {folders}. A credential sheet could survive there.",
        "Mount them on tmpfs (the sealroom package's mount settings do; reboot or mount them), "
        "then restart cups. " + _AGAIN,
    ),
    "doctor.data_dir.ok": Message(
        "{path}: mode 0700, owned by {user}, {files} files, none open to others.", ""
    ),
    "doctor.data_dir.no_user": Message(
        "The kiosk user {user} does not exist.",
        "Reinstall the sealroom package (it creates the user). " + _AGAIN,
    ),
    "doctor.data_dir.missing": Message(
        "The data directory {path} does not exist.",
        "Create it: install -d -m 0700 -o {user} -g {user} {path}. " + _AGAIN,
    ),
    "doctor.data_dir.not_dir": Message(
        "{path} is not a directory.",
        "Move it aside and create the directory (mode 0700, owned by the kiosk user). " + _AGAIN,
    ),
    "doctor.data_dir.permissions": Message(
        "{path} has mode {mode} and owner {owner}; it must be 0700 and owned by {user}.",
        "Run: chown {user}: {path} && chmod 0700 {path}. " + _AGAIN,
    ),
    "doctor.data_dir.unreadable": Message(
        "{path} cannot be listed ({reason}).", "Run sealroom doctor as root."
    ),
    "doctor.data_dir.files_open": Message(
        "Files in {path} are open to others or not owned by the kiosk user: {files}.",
        "Run: chown -R KIOSK-USER: {path} && chmod -R go-rwx {path}. " + _AGAIN,
    ),
    "doctor.clock.ok": Message(
        "The clock says {now} (no time server needed: the room has no network).", ""
    ),
    "doctor.clock.implausible": Message(
        "The clock says {now}, which cannot be right.",
        "Set the date and time from a trusted clock (timedatectl set-time) before "
        "commissioning. " + _AGAIN,
    ),
    "doctor.clock.behind": Message(
        "The clock says {now}, earlier than the journal's last write ({last}).",
        "Set the clock right from a trusted clock: every entry is stamped with it. " + _AGAIN,
    ),
    "doctor.disk.ok": Message("{free} MiB free for {path}.", ""),
    "doctor.disk.low": Message(
        "Only {free} MiB free for {path}; at least {needed} MiB are needed.",
        "Free some space or enlarge the file system. " + _AGAIN,
    ),
    # -- sealroom doctor: devices ---------------------------------------------------------
    "doctor.cups.ok": Message("CUPS queue {queue} is ready ({state}).", ""),
    "doctor.cups.problem": Message("CUPS queue {queue}: {problem}", _AGAIN),
    "doctor.test_page.ok": Message(
        "A test page printed on {queue} (job {job}): check that it came out.", ""
    ),
    "doctor.test_page.failed": Message(
        "The test page did not print on {queue}: {problem}",
        "Then run sealroom doctor --print-test-page again.",
    ),
    "doctor.fido2.ok": Message(
        "{count} security keys, each with a PIN set and hmac-secret: {keys}.", ""
    ),
    "doctor.fido2.none": Message(
        "No security key is plugged in.",
        "Plug in a custodian's key and run sealroom doctor again; check each key in turn.",
    ),
    "doctor.fido2.unlisted": Message(
        "The security keys cannot be listed ({reason}).",
        "Check the udev rules, and run sealroom doctor as root. " + _AGAIN,
    ),
    "doctor.fido2.problem": Message(
        "Security keys not ready: {problems}.",
        "Set a PIN on each key (the enrolment on the terminal asks for one) and use FIDO2 keys "
        "with the hmac-secret extension. " + _AGAIN,
    ),
    "doctor.scan.ok": Message("A scan arrived from {where} ({length} characters: {start}).", ""),
    "doctor.scan.nothing": Message(
        "No scan arrived from {where} within {seconds} s.",
        "Check that the scanner is plugged in and allowed by the policy's [[devices.allow]], "
        "then run sealroom doctor --scan-test again.",
    ),
    "doctor.scan.problem": Message(
        "The scanner on {where} failed: {problem}",
        "Then run sealroom doctor --scan-test again.",
    ),
    "doctor.skipped.offline": Message("Not run: needs {needs} (--offline-checks).", ""),
    "doctor.skipped.opt_in": Message("Not run: ask for it with {option}.", ""),
    "doctor.check_error": Message("The check could not finish: {problem}", _AGAIN),
    "doctor.check_broke": Message(
        "The check could not finish ({reason}).",
        "Run sealroom doctor as root; if it repeats, report this line.",
    ),
}

"""Secrets at rest: where a credential or the database key could be left on disk.

Each function reads what the kernel or the file system says (the paths are
parameters, so the tests give fake ``/proc`` and ``/sys`` trees) and returns
a :class:`~hardware.doctor.finding.Finding`:

* :func:`check_swap`: memory the kiosk holds (the database key, a password
  being printed) can be written to swap. Pass: no swap, or every swap area
  in RAM (zram) or on a dm-crypt volume (``/sys/block/dm-N/dm/uuid`` starts
  with ``CRYPT-``), a swap file included when its file system is on one.
* :func:`check_core_dumps`: a core dump of the kiosk holds the database key.
  Pass: ``kernel.core_pattern`` pipes to ``false``/``true`` (nothing
  written), or to systemd-coredump with ``Storage=none``.
* :func:`check_cups_tmpfs`: CUPS writes each job, a credential sheet
  included, into its spool (``RequestRoot``) and its filters' temp folder
  (``TempDir``). Pass: both on tmpfs, so nothing survives a power cut.
* :func:`check_data_dir`: the journal's directory is 0700 and owned by the
  kiosk user, and nothing in it is readable by others.
"""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

from hardware.appliance_paths import CUPS_FILES_CONF, CUPS_SPOOL, CUPS_TEMP, KIOSK_USER
from hardware.doctor.finding import Finding, failed, passed

_NOTHING_WRITTEN = ("/bin/false", "/usr/bin/false", "/bin/true", "/usr/bin/true")
_IN_MEMORY_FS = ("tmpfs", "ramfs")


def _unescape(field: str) -> str:
    """``/proc/mounts`` and ``/proc/swaps`` write a space as ``\\040``."""
    return (field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")).replace(
        "\\134", "\\"
    )


def read_mounts(proc: Path) -> list[tuple[str, str, str]]:
    """``(device, mount point, fs type)`` of every line of ``proc/mounts``."""
    out = []
    for line in (proc / "mounts").read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            out.append((_unescape(parts[0]), _unescape(parts[1]), parts[2]))
    return out


def mount_of(path: Path, mounts: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """The mount ``path`` is on: the last-mounted of the longest matching mount points."""
    best: tuple[str, str, str] | None = None
    target = str(path).rstrip("/") or "/"
    for mount in mounts:
        point = mount[1].rstrip("/") or "/"
        inside = target == point or target.startswith(point + "/") or point == "/"
        if inside and (best is None or len(point) >= len(best[1].rstrip("/") or "/")):
            best = mount
    return best


def _dm_name(device: str, dev: Path) -> str | None:
    """``dm-N`` for ``/dev/dm-N`` or a ``/dev/mapper/NAME`` link, else ``None``."""
    name = Path(device).name
    if name.startswith("dm-"):
        return name
    if device.startswith("/dev/mapper/"):
        try:
            target = os.readlink(dev / "mapper" / name)
        except OSError:
            return None
        return Path(target).name if Path(target).name.startswith("dm-") else None
    return None


def is_encrypted(device: str, sys_block: Path, dev: Path) -> bool:
    """Whether ``device`` is a dm-crypt mapping (its dm uuid starts with ``CRYPT-``)."""
    dm = _dm_name(device, dev)
    if dm is None:
        return False
    try:
        uuid = (sys_block / dm / "dm" / "uuid").read_text(encoding="ascii").strip()
    except OSError:
        return False
    return uuid.startswith("CRYPT-")


def check_swap(
    proc: Path = Path("/proc"), sys_block: Path = Path("/sys/block"), dev: Path = Path("/dev")
) -> Finding:
    """No swap, or only swap in RAM (zram) or on dm-crypt."""
    lines = (proc / "swaps").read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    areas = [(_unescape(p[0]), p[1]) for p in (line.split() for line in lines) if len(p) >= 2]
    if not areas:
        return passed("doctor.swap.none")
    mounts = read_mounts(proc) if any(kind == "file" for _, kind in areas) else []
    plain = []
    for name, kind in areas:
        if Path(name).name.startswith("zram"):
            continue
        device = name
        if kind == "file":
            mount = mount_of(Path(name), mounts)
            device = mount[0] if mount else ""
        if not is_encrypted(device, sys_block, dev):
            plain.append(name)
    if plain:
        return failed("doctor.swap.plain", areas=", ".join(plain))
    return passed("doctor.swap.encrypted", areas=", ".join(n for n, _ in areas))


def _coredump_storage(etc: Path, lib: Path) -> str:
    """systemd-coredump's ``Storage=`` after its drop-ins (default ``external``)."""
    files = [lib / "systemd" / "coredump.conf", etc / "systemd" / "coredump.conf"]
    for base in (lib / "systemd" / "coredump.conf.d", etc / "systemd" / "coredump.conf.d"):
        if base.is_dir():
            files += sorted(base.glob("*.conf"))
    storage = "external"
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and key.strip() == "Storage":
                storage = value.strip().lower()
    return storage


def check_core_dumps(
    proc: Path = Path("/proc"), etc: Path = Path("/etc"), lib: Path = Path("/usr/lib")
) -> Finding:
    """``kernel.core_pattern`` writes nothing anywhere."""
    pattern = (proc / "sys" / "kernel" / "core_pattern").read_text(encoding="utf-8").strip()
    if pattern.startswith("|"):
        program = pattern[1:].split()[0] if pattern[1:].split() else ""
        if program in _NOTHING_WRITTEN:
            return passed("doctor.core.off", pattern=pattern)
        if Path(program).name == "systemd-coredump":
            storage = _coredump_storage(etc, lib)
            if storage == "none":
                return passed("doctor.core.coredump_none", pattern=pattern)
            return failed("doctor.core.coredump_stores", storage=storage)
    return failed("doctor.core.on", pattern=pattern or "(empty)")


def cups_folders(conf: Path = CUPS_FILES_CONF) -> dict[str, Path]:
    """CUPS's spool (``RequestRoot``) and temp folder (``TempDir``, else ``RequestRoot/tmp``)."""
    settings: dict[str, str] = {}
    try:
        text = conf.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0] in ("RequestRoot", "TempDir"):
            settings[parts[0]] = parts[1].strip()
    spool = Path(settings.get("RequestRoot", str(CUPS_SPOOL)))
    temp = Path(settings["TempDir"]) if "TempDir" in settings else spool / CUPS_TEMP.name
    return {"RequestRoot": spool, "TempDir": temp}


def check_cups_tmpfs(proc: Path = Path("/proc"), conf: Path = CUPS_FILES_CONF) -> Finding:
    """CUPS's spool and temp folders are on tmpfs."""
    mounts = read_mounts(proc)
    on_disk = []
    for setting, folder in cups_folders(conf).items():
        mount = mount_of(folder, mounts)
        if mount is None or mount[2] not in _IN_MEMORY_FS:
            fs = mount[2] if mount else "unknown"
            on_disk.append(f"{folder} ({setting}, on {fs})")
    if on_disk:
        return failed("doctor.cups_tmpfs.on_disk", folders="; ".join(on_disk))
    return passed("doctor.cups_tmpfs.ok")


def check_data_dir(path: Path, user: str = KIOSK_USER) -> Finding:
    """The data directory is 0700, owned by ``user``, and holds nothing others can read."""
    try:
        owner = pwd.getpwnam(user)
    except KeyError:
        return failed("doctor.data_dir.no_user", user=user)
    try:
        st = path.lstat()
    except FileNotFoundError:
        return failed("doctor.data_dir.missing", path=str(path), user=user)
    if not stat.S_ISDIR(st.st_mode):
        return failed("doctor.data_dir.not_dir", path=str(path))
    mode = stat.S_IMODE(st.st_mode)
    if st.st_uid != owner.pw_uid or mode != 0o700:
        return failed(
            "doctor.data_dir.permissions",
            path=str(path),
            mode=f"{mode:04o}",
            owner=_user_name(st.st_uid),
            user=user,
        )
    try:
        names = sorted(os.listdir(path))
    except OSError as exc:
        return failed("doctor.data_dir.unreadable", path=str(path), reason=exc.strerror or "")
    open_to_others = []
    for name in names:
        try:
            child = (path / name).lstat()
        except OSError:
            continue
        if stat.S_IMODE(child.st_mode) & 0o077 or child.st_uid != owner.pw_uid:
            open_to_others.append(name)
    if open_to_others:
        return failed("doctor.data_dir.files_open", path=str(path), files=", ".join(open_to_others))
    return passed("doctor.data_dir.ok", path=str(path), user=user, files=len(names))


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)

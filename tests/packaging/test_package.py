"""The Debian package, installed on this machine: what the safe room gets.

Needs root and the package built by ``make package`` (packaging/build/); CI
(.ci/run) builds it, runs lintian (``make package-check``), then these tests
with SEALROOM_REQUIRE_APPLIANCE=1, under which a missing package or tool
fails instead of skipping. The tests run in file order: install first,
purge last.
"""

from __future__ import annotations

import grp
import importlib
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packaging import kiosk_run
from tests.packaging.conftest import BUILD, NEEDS_PACKAGE, REQUIRED, run

SHOTS = BUILD / "screenshots"
UNIT = Path("/lib/systemd/system/sealroom-kiosk.service")
MOUNT = Path("/lib/systemd/system/var-spool-cups.mount")
#: The exposure `systemd-analyze security --offline=true` gives the kiosk unit:
#: held here (measured 0.9; the issue's ceiling is 2.0).
EXPOSURE_MAX = 0.9
#: Packages that configure or bring up a network: none may come with sealroom.
NETWORK_PACKAGES = {
    "ifupdown",
    "ifupdown2",
    "network-manager",
    "isc-dhcp-client",
    "dhcpcd-base",
    "dhcpcd5",
    "wpasupplicant",
    "connman",
    "netplan.io",
    "systemd-resolved",
    "avahi-daemon",
    "cups-browsed",
    "openssh-server",
}

pytestmark = [pytest.mark.appliance, NEEDS_PACKAGE]


def test_the_installed_command_answers(installed: Path) -> None:
    for command in ("/usr/bin/sealroom", "/opt/sealroom/bin/sealroom"):
        done = run(command, "--help")
        assert done.returncode == 0 and "usbguard-rules" in done.stdout, done.stderr
    # The venv runs on Debian's interpreter and holds no pip: nothing installs on the terminal.
    # Each of its interpreter links ends at python3.11, the file of a package it Depends on
    # (/usr/bin/python3 belongs to python3, which a minimal Debian may not have).
    for name in ("python", "python3", "python3.11"):
        target = Path("/opt/sealroom/bin", name).resolve()
        assert target == Path("/usr/bin/python3.11"), (name, target)
    owner = run("dpkg-query", "-S", "/usr/bin/python3.11").stdout.split(":")[0]  # -minimal
    assert owner in _depends("python3.11") and "python3.11" in _depends("sealroom"), owner


def _depends(package: str) -> set[str]:
    control = run("dpkg-query", "-W", "-f=${Depends}", package).stdout
    return {re.split(r"[\s(:]", d.strip())[0] for d in re.split(r"[,|]", control) if d.strip()}
    assert not list(Path("/opt/sealroom").glob("lib/python3.11/site-packages/pip"))


#: ``sealroom doctor --offline-checks`` on the CI machine, with the package installed:
#: what must pass there, and why the others fail there (and pass on the appliance).
DOCTOR_MUST_PASS = ("package", "kiosk unit", "udev rules", "usbguard", "data dir", "clock", "disk")
DOCTOR_FAILS_IN_CI = {
    # eth0 is up: CI reaches the package registries (the appliance has no network).
    "air gap": "doctor.airgap.up",
    # The postinst applies the package's sysctl (core_pattern=|/bin/false) only
    # under systemd, and CI's PID 1 is not systemd: the kernel keeps "core".
    "core dumps": "doctor.core.on",
    # var-spool-cups.mount is a systemd unit: without systemd the spool stays on
    # disk (the TempDir, /run/sealroom/cups-tmp, is already on tmpfs).
    "cups tmpfs": "doctor.cups_tmpfs.on_disk",
}


def test_doctor_offline_checks_from_the_installed_path(installed: Path) -> None:
    done = run("/opt/sealroom/bin/sealroom", "doctor", "--offline-checks", "--json")
    assert done.returncode in (0, 1), done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    print("\n" + "\n".join(f"{n}: {c['status']} {c['code']}" for n, c in checks.items()))
    for name in DOCTOR_MUST_PASS:
        assert checks[name]["status"] == "pass", checks[name]
    for name, code in DOCTOR_FAILS_IN_CI.items():
        # Either the CI reason, or a pass on a machine that has what the appliance has.
        assert checks[name]["status"] == "pass" or checks[name]["code"] == code, checks[name]
    # swap: this machine's own configuration, which the package does not touch.
    assert checks["swap"]["status"] in ("pass", "fail")
    # The checks that need a device or a person are listed, not run.
    for name in ("cups queue", "test page", "security keys", "scanner"):
        assert checks[name]["status"] == "skip", checks[name]
    # The table (not JSON) is what the installation guide shows; it runs too.
    table = run("/opt/sealroom/bin/sealroom", "doctor", "--offline-checks")
    assert table.returncode == done.returncode and "package" in table.stdout, table.stderr


def test_every_library_of_the_venv_resolves(installed: Path) -> None:
    missing = []
    for path in Path("/opt/sealroom").rglob("*.so*"):
        if path.is_file():
            out = run("ldd", str(path)).stdout
            missing += [
                f"{path}: {line.strip()}" for line in out.splitlines() if "not found" in line
            ]
    assert not missing, "\n".join(missing[:20])


def test_units_verify(installed: Path) -> None:
    for unit in (UNIT, MOUNT, Path("/lib/systemd/system/cups.service")):
        done = run("systemd-analyze", "verify", str(unit))
        lines = [
            line
            for line in (done.stdout + done.stderr).splitlines()
            # units of other packages that this machine (a container) lacks are not ours
            if line.strip() and not re.search(r"(plymouth|getty|usbguard)\S*\.service", line)
        ]
        assert done.returncode == 0 and not lines, f"{unit}: {done.stdout}{done.stderr}"


def test_exposure_of_the_installed_unit_is_held(installed: Path) -> None:
    done = run("systemd-analyze", "security", "--offline=true", str(UNIT))
    figure = float(re.findall(r"Overall exposure level for \S+: ([0-9.]+)", done.stdout)[0])
    print(f"\nexposure: {figure}")
    assert figure <= EXPOSURE_MAX


def test_udev_rules_parse(installed: Path) -> None:
    done = run("udevadm", "test", "--action=add", "/sys/class/mem/null")
    out = done.stdout + done.stderr
    assert re.search(r"Reading rules file: \S*/70-sealroom\.rules", out), out[-2000:]
    errors = [line for line in out.splitlines() if re.match(r"\S*70-sealroom\.rules:\d+", line)]
    assert not errors, errors


def test_usbguard_rules_written_from_the_policy_and_parsed(installed: Path) -> None:
    rules = Path("/etc/usbguard/rules.d/50-sealroom.conf")
    assert rules.stat().st_mode & 0o077 == 0
    text = rules.read_text(encoding="utf-8")
    assert "/etc/sealroom/policy.toml" in text and "allow" in text
    done = run("usbguard-rule-parser", "-f", str(rules))
    assert done.returncode == 0, done.stdout + done.stderr


def test_kiosk_user_groups_and_cups_temp_folder(installed: Path) -> None:
    """Issue 17's needs: group lp (CUPS's spool, by name), tss (the TPM), TempDir on tmpfs."""
    members = {g: grp.getgrnam(g).gr_mem for g in ("lp", "tss")}
    assert "sealroom" in members["lp"] and "sealroom" in members["tss"], members
    run_dir, temp = Path("/run/sealroom"), Path("/run/sealroom/cups-tmp")
    st = run_dir.stat()
    assert (st.st_mode & 0o7777, st.st_uid) == (0o755, 0)
    st = temp.stat()
    assert st.st_mode & 0o7777 == 0o1770
    assert pwd.getpwuid(st.st_uid).pw_name == "sealroom" and grp.getgrgid(st.st_gid).gr_name == "lp"
    files = Path("/etc/cups/cups-files.conf").read_text(encoding="utf-8")
    assert re.findall(r"^\s*TempDir\s+(\S+)", files, re.M) == [str(temp)]
    cupsd = Path("/etc/cups/cupsd.conf").read_text(encoding="utf-8")
    assert re.findall(r"^\s*PreserveJobFiles\s+(\S+)", cupsd, re.M) == ["No"]
    # What the sweep relies on: a filter (user lp) writes there through the group,
    # and the kiosk, the folder's owner, removes that file despite the sticky bit.
    left = temp / "gs_leftover"
    as_lp = ["setpriv", "--reuid=lp", "--regid=lp", "--init-groups"]
    assert run(*as_lp, "sh", "-c", f"umask 077; echo page > {left}").returncode == 0
    assert left.stat().st_uid == pwd.getpwnam("lp").pw_uid
    as_kiosk = ["setpriv", "--reuid=sealroom", "--regid=sealroom", "--init-groups"]
    done = run(*as_kiosk, "rm", "-f", str(left))
    assert done.returncode == 0 and not left.exists(), done.stderr
    # ... while another member of lp may not remove the kiosk's or lp's files.
    mine = temp / "kiosk-file"
    assert run(*as_kiosk, "sh", "-c", f"echo x > {mine}").returncode == 0
    assert run(*as_lp, "rm", "-f", str(mine)).returncode != 0 and mine.exists()
    mine.unlink()
    unit = UNIT.read_text(encoding="utf-8")
    assert "ReadWritePaths=-/run/sealroom/cups-tmp" in unit
    assert "DeviceAllow=char-tpmrm rw" in unit
    assert "Environment=XDG_RUNTIME_DIR=/run/sealroom/kiosk" in unit


def test_cups_prints_through_the_temp_folder_on_tmpfs(installed: Path) -> None:
    """cupsd reloaded with the package's TempDir: a job's filters run and leave nothing there."""
    if "is running" not in run("lpstat", "-r").stdout:
        if os.environ.get("SEALROOM_REQUIRE_CUPS") == "1":
            pytest.fail("cupsd is not running (.ci/cups-setup.sh starts it)")
        pytest.skip("cupsd is not running")
    _reload_cupsd()
    temp = Path("/run/sealroom/cups-tmp")
    before = set(temp.iterdir())
    pdf = temp.parent / "probe.pdf"
    pdf.write_bytes(_tiny_pdf())
    try:
        done = run(
            "lp", "-d", os.environ.get("SEALROOM_QUEUE", "sealroom"), "-t", "probe", str(pdf)
        )
        assert done.returncode == 0, done.stderr
        job = done.stdout.split()[3]  # "request id is sealroom-12 (1 file(s))"
        deadline = time.monotonic() + 60
        while job in run("lpstat", "-o").stdout and time.monotonic() < deadline:
            time.sleep(0.5)
        assert job in run("lpstat", "-W", "completed", "-o").stdout
        # Nothing of this job left. The stalling test queues' backend
        # (.ci/sealroom-test-backend) keeps its own file there while one of their
        # jobs hangs: on a machine whose cupsd other test runs share, such files
        # are theirs, not this job's (tests/packaging prints on the PDF queue only).
        left = {f for f in set(temp.iterdir()) - before if not f.name.startswith(TEST_BACKEND)}
        assert not left, sorted(left)
    finally:
        pdf.unlink()


#: The prefix of the files the printing tests' stalling backend keeps in CUPS's TempDir.
TEST_BACKEND = "sealroom-test-backend."


def _reload_cupsd() -> None:
    """SIGHUP: cupsd reads cups-files.conf again (systemd's try-restart on the appliance)."""
    pid = run("pidof", "cupsd").stdout.split()
    if not pid:
        return
    os.kill(int(pid[0]), 1)
    time.sleep(1)
    deadline = time.monotonic() + 20
    while "is running" not in run("lpstat", "-r").stdout and time.monotonic() < deadline:
        time.sleep(0.2)


def _tiny_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = Path(tempfile.mkdtemp()) / "p.pdf"
    c = canvas.Canvas(str(out))
    c.drawString(72, 720, "sealroom package test")
    c.save()
    data = out.read_bytes()
    shutil.rmtree(out.parent)
    return data


def test_data_directory_and_system_settings(installed: Path) -> None:
    st = Path("/var/lib/sealroom").stat()
    assert st.st_mode & 0o777 == 0o700
    assert pwd.getpwuid(st.st_uid).pw_name == "sealroom"
    user = pwd.getpwnam("sealroom")
    assert user.pw_shell == "/usr/sbin/nologin"
    assert "sealroom" not in grp.getgrnam("plugdev").gr_mem if _has_group("plugdev") else True
    sysctl = Path("/usr/lib/sysctl.d/90-sealroom.conf").read_text(encoding="utf-8")
    assert re.search(r"^kernel\.core_pattern = \|/bin/false$", sysctl, re.M)
    assert re.search(r"^fs\.suid_dumpable = 0$", sysctl, re.M)
    coredump = Path("/usr/lib/systemd/coredump.conf.d/sealroom.conf").read_text(encoding="utf-8")
    assert "Storage=none" in coredump
    mount = MOUNT.read_text(encoding="utf-8")
    assert "Type=tmpfs" in mount and "Where=/var/spool/cups" in mount
    logind = Path("/usr/lib/systemd/logind.conf.d/sealroom.conf").read_text(encoding="utf-8")
    assert "NAutoVTs=0" in logind and "ReserveVT=0" in logind
    unit = UNIT.read_text(encoding="utf-8")
    assert re.search(r"^ExecStart=/usr/bin/cage -d -- /opt/sealroom/bin/sealroom run", unit, re.M)
    exec_start = re.findall(r"^ExecStart=(.*)$", unit, re.M)[0]
    assert "-s" not in exec_start.split(" -- ")[0].split()  # cage -s would allow VT switching


#: What issue 20 asks of the kiosk unit, setting by setting (the exposure test
#: measures the whole; this names each one, so none is dropped for another that
#: scores the same).
UNIT_SETTINGS = (
    "Restart=always",  # it comes back ...
    "StartLimitIntervalSec=0",  # ... however often
    "Conflicts=getty@tty1.service",  # tty1 is the kiosk's alone
    "TTYPath=/dev/tty1",
    "User=sealroom",
    "KillSignal=SIGTERM",  # the application locks and closes the journal on it
    "PrivateNetwork=yes",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "LimitCORE=0",
    "MemoryDenyWriteExecute=yes",
    "DevicePolicy=closed",
    "DeviceAllow=char-hidraw rw",  # FIDO2 keys
    "DeviceAllow=char-ttyACM rw",  # serial scanners
    "DeviceAllow=char-ttyUSB rw",
    "UMask=0077",
    "ReadWritePaths=/var/lib/sealroom",
)


def test_kiosk_unit_has_each_setting_the_issue_names(installed: Path) -> None:
    lines = set(UNIT.read_text(encoding="utf-8").splitlines())
    missing = [setting for setting in UNIT_SETTINGS if setting not in lines]
    assert not missing, missing
    # No block device (udisks2 mounts the export stick; block-sd would include the
    # system disk) and no printer device (CUPS, in its own unit, drives the printer).
    allowed = [line for line in lines if line.startswith("DeviceAllow=")]
    assert not [line for line in allowed if "block" in line or "usb/lp" in line], allowed


def _has_group(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def test_appliance_paths_are_what_the_package_installs(installed: Path) -> None:
    try:
        paths = importlib.import_module("hardware.appliance_paths")
    except ImportError:
        pytest.skip("hardware/appliance_paths.py (sealroom doctor's table) is not in this tree")
    for name in ("COMMAND", "POLICY", "DATA_DIR", "UDEV_RULES", "USBGUARD_RULES", "SYSCTL_CONF"):
        path = getattr(paths, name, None)
        if path is not None:
            assert Path(path).exists(), f"appliance_paths.{name} = {path} is not installed"


def test_nothing_that_configures_a_network_comes_with_the_package(installed: Path) -> None:
    done = run(
        "apt-cache", "depends", "--recurse", "--installed", "--no-recommends", "--no-suggests",
        "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", "sealroom",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    names = {line.strip().split()[-1] for line in done.stdout.splitlines() if line.strip()}
    assert not names & NETWORK_PACKAGES, names & NETWORK_PACKAGES


@pytest.fixture
def kiosk_dir() -> Iterator[Path]:
    """A folder the kiosk user can reach (pytest's own are root's, mode 0700)."""
    path = Path(tempfile.mkdtemp(prefix="sealroom-kiosk-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _terminal(tmp: Path) -> tuple[Path, Path]:
    """A simulated, commissioned terminal owned by the kiosk user, and cage's runtime dir."""
    runtime = kiosk_run.prepare(tmp, "sealroom")
    data = tmp / "sim"
    done = run(
        *kiosk_run.as_user("sealroom", ["/opt/sealroom/bin/sealroom", "simulate", "--data",
                                        str(data), "--scenario", "drill"]),
        env=kiosk_run.env_for(runtime),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return data / "data", runtime


def _shows_unlock_screen(tmp: Path, wrapper: list[str], name: str) -> None:
    data, runtime = _terminal(tmp)
    client = [*wrapper, "/opt/sealroom/bin/sealroom", "run", "--data", str(data)]
    cage = kiosk_run.start_cage("sealroom", runtime, client, tmp / "cage.log", kiosk_run.COMPOSITED)
    try:
        shot = tmp / "shot.png"
        time.sleep(8)
        kiosk_run.screenshot("sealroom", runtime, shot)
        time.sleep(2)
        assert cage.poll() is None, (tmp / "cage.log").read_text(errors="replace")
        kiosk_run.screenshot("sealroom", runtime, shot)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SHOTS / name)  # looked at: the unlock screen (packaging/README.md)
        assert kiosk_run.colours(shot) > 20  # text and a button, not a blank output
        # Full screen: the window covers the whole output (it once covered 853x482 of it).
        assert kiosk_run.uncovered(shot) < 0.001, f"{kiosk_run.uncovered(shot):.0%} left black"
    finally:
        kiosk_run.stop(cage)


def test_kiosk_starts_under_cage_and_shows_the_unlock_screen(
    installed: Path, kiosk_dir: Path
) -> None:
    _shows_unlock_screen(kiosk_dir, [], "kiosk-unlock.png")


#: A Qt window as the kiosk opens it (ui/app.py: showFullScreen), which prints the
#: size Qt gave it and the screen's, once cage has configured it.
SIZE_PROBE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv)
w = QWidget()
w.showFullScreen()
def report():
    s = app.primaryScreen()
    print("window", w.width(), w.height(), "screen", s.size().width(), s.size().height(),
          "ratio", s.devicePixelRatio(), flush=True)
    app.quit()
QTimer.singleShot(3000, report)
app.exec()
"""


def test_qt_window_fills_the_output_under_the_units_cage(installed: Path, kiosk_dir: Path) -> None:
    """Under cage as the unit runs it, Qt's window is the output's size, unscaled.

    So the 853x482 once seen in the screenshots was not Qt's size, a scale factor
    or a size hint: it was the headless output's direct scan-out (kiosk_run.COMPOSITED).
    """
    runtime = kiosk_run.prepare(kiosk_dir, "sealroom")
    probe = kiosk_dir / "size_probe.py"
    probe.write_text(SIZE_PROBE, encoding="utf-8")
    probe.chmod(0o644)
    log = kiosk_dir / "cage.log"
    cage = kiosk_run.start_cage("sealroom", runtime, ["/opt/sealroom/bin/python", str(probe)], log)
    try:
        assert cage.wait(60) == 0, log.read_text(errors="replace")
    finally:
        kiosk_run.stop(cage)
    found = re.findall(r"^window (\d+) (\d+) screen (\d+) (\d+) ratio (\S+)$",
                       log.read_text(errors="replace"), re.M)  # fmt: skip
    assert found == [("1280", "720", "1280", "720", "1.0")], log.read_text(errors="replace")


def test_kiosk_runs_with_memory_deny_write_execute(installed: Path, kiosk_dir: Path) -> None:
    """The unit's MemoryDenyWriteExecute=yes, measured: cage, Qt and the app under its filter."""
    probe = run("/usr/bin/python3", "-c", "import seccomp")
    if probe.returncode != 0:
        if REQUIRED:
            pytest.fail("python3-seccomp is not installed (.ci/run installs it)")
        pytest.skip("python3-seccomp is not installed")
    wx = kiosk_dir / "wx_exec.py"
    shutil.copy(Path(__file__).with_name("wx_exec.py"), wx)
    wx.chmod(0o644)
    # The filter does deny a writable and executable mapping (it is in force).
    denied = run("/usr/bin/python3", str(wx), "/usr/bin/python3", "-c",
                 "import mmap; mmap.mmap(-1, 4096, prot=7)")  # fmt: skip
    assert denied.returncode != 0 and "PermissionError" in denied.stderr
    _shows_unlock_screen(kiosk_dir, ["/usr/bin/python3", str(wx)], "kiosk-unlock-wx.png")


def test_stop_kiosk_signals_the_application_before_cage(installed: Path, kiosk_dir: Path) -> None:
    """ExecStop= order: the client gets SIGTERM while its compositor still runs, then cage ends."""
    runtime = kiosk_run.prepare(kiosk_dir, "sealroom")
    marker = kiosk_dir / "terminated"
    client = kiosk_dir / "client.py"
    client.write_text(
        "import os, signal, sys, time\n"
        "def done(*_):\n"
        "    alive = os.path.exists(os.path.join(os.environ['XDG_RUNTIME_DIR'], 'wayland-0'))\n"
        f"    open({str(marker)!r}, 'w').write('compositor-alive' if alive else 'gone')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, done)\n"
        "while True: time.sleep(0.1)\n",
        encoding="utf-8",
    )
    client.chmod(0o644)
    cage = kiosk_run.start_cage(
        "sealroom", runtime, ["/usr/bin/python3", str(client)], kiosk_dir / "log"
    )
    try:
        deadline = time.monotonic() + 30
        while not (runtime / "wayland-0").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        started = time.monotonic()
        stopper = subprocess.Popen(
            kiosk_run.as_user("sealroom", ["/usr/libexec/sealroom/stop-kiosk", str(cage.pid)])
        )
        assert cage.wait(10) == 0  # reaped here as systemd would: cage exits by itself
        assert stopper.wait(10) == 0
        assert time.monotonic() - started < 5
        assert marker.read_text() == "compositor-alive"
    finally:
        kiosk_run.stop(cage)


def test_the_kiosk_itself_closes_on_stop(installed: Path, kiosk_dir: Path) -> None:
    data, runtime = _terminal(kiosk_dir)
    client = ["/opt/sealroom/bin/sealroom", "run", "--data", str(data)]
    cage = kiosk_run.start_cage("sealroom", runtime, client, kiosk_dir / "cage.log")
    try:
        kiosk_run.screenshot("sealroom", runtime, kiosk_dir / "up.png")
        time.sleep(2)
        stop = ["env", "SEALROOM_STOP_TENTHS=100", "/usr/libexec/sealroom/stop-kiosk"]
        started = time.monotonic()
        done = run(*kiosk_run.as_user("sealroom", [*stop, str(cage.pid)]))
        assert done.returncode == 0
        assert cage.poll() is not None, "the kiosk was still running 10 s after SIGTERM"
        # ui/app.py's SIGTERM handler locks and ends the loop; cage follows its client.
        assert time.monotonic() - started < 5
        assert cage.wait(5) == 0
        assert not (data / "journal.db-wal").exists()  # the journal was closed, not cut
    finally:
        kiosk_run.stop(cage)


#: What the maintainer scripts write outside the package's own files.
WRITTEN = (
    "/etc/cups/cups-files.conf",
    "/etc/cups/cupsd.conf",
    "/etc/usbguard/rules.d/50-sealroom.conf",
    "/etc/apparmor.d/local/usr.sbin.cupsd",
    "/etc/group",
    "/etc/passwd",
)


def test_dpkg_i_again_changes_nothing(installed: Path) -> None:
    """``dpkg -i`` (the issue's command) over the installed package: the postinst runs
    again and writes each setting once (no second TempDir line, group entry or
    AppArmor block), as after an upgrade."""
    before = {p: Path(p).read_bytes() for p in WRITTEN if Path(p).exists()}
    started = time.monotonic()
    done = run("dpkg", "-i", str(installed), env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    print(f"\ndpkg -i over the installed package: {time.monotonic() - started:.1f} s")
    after = {p: Path(p).read_bytes() for p in WRITTEN if Path(p).exists()}
    assert after == before, [p for p in WRITTEN if after.get(p) != before.get(p)]


def test_remove_and_purge_leave_nothing(installed: Path) -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    done = run("apt-get", "purge", "-y", "-q", "sealroom", env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for path in ("/opt/sealroom", "/usr/bin/sealroom", "/var/lib/sealroom", "/etc/sealroom",
                 "/etc/usbguard/rules.d/50-sealroom.conf", str(UNIT)):  # fmt: skip
        assert not os.path.lexists(path), path
    # CUPS's settings are as they were before the package (TempDir back in the spool).
    assert "sealroom" not in Path("/etc/cups/cups-files.conf").read_text(encoding="utf-8")
    assert "sealroom" not in Path("/etc/cups/cupsd.conf").read_text(encoding="utf-8")
    _reload_cupsd()
    with pytest.raises(KeyError):
        pwd.getpwnam("sealroom")
    with pytest.raises(KeyError):
        grp.getgrnam("sealroom")
    assert run("dpkg-query", "-W", "sealroom").returncode != 0

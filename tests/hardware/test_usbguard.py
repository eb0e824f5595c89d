"""sealroom usbguard-rules: the policy's allow-list as USBGuard rules (hardware/usbguard.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from hardware.usbguard import usbguard_rules
from kiosk.policy import DeviceRule, load_policy
from ui.cli import main

PARSER = shutil.which("usbguard-rule-parser")
REQUIRED = os.environ.get("SEALROOM_REQUIRE_APPLIANCE") == "1"


def _rules(*devices: DeviceRule) -> list[str]:
    policy = replace(load_policy(None), devices=devices)
    return [line for line in usbguard_rules(policy).text.splitlines() if line.startswith("allow")]


def test_every_interface_must_be_covered_so_a_stick_with_a_keyboard_is_blocked() -> None:
    rules = _rules(DeviceRule("export-media", 8))
    assert rules[-1] == 'allow with-interface match-all { 08:*:* } label "sealroom:export-media"'
    assert not any("one-of" in r or "all-of" in r for r in rules)


def test_a_vendor_rule_gathers_every_class_that_covers_the_vendor() -> None:
    rules = _rules(DeviceRule("security-key", 3, 0x1050), DeviceRule("export-media", 8))
    assert (
        "allow id 1050:* with-interface match-all { 03:*:* 08:*:* } "
        'label "sealroom:export-media,security-key"'
    ) in rules


def test_a_serial_scanner_brings_its_cdc_data_interface() -> None:
    rule = 'allow id 0c2e:0b61 with-interface match-all { 02:*:* 0a:*:* } label "sealroom:scanner"'
    assert rule in _rules(DeviceRule("scanner", 2, 0x0C2E, 0x0B61))


def test_a_rule_without_class_allows_any_interface_of_that_id_only() -> None:
    assert _rules(DeviceRule("printer", None, 0x04B8)) == [
        'allow with-interface match-all { 09:*:* } label "sealroom:hub"',
        'allow id 04b8:* label "sealroom:printer"',
    ]


def test_a_product_without_vendor_is_reported_never_widened() -> None:
    policy = replace(load_policy(None), devices=(DeviceRule("scanner", 3, None, 0x1234),))
    out = usbguard_rules(policy)
    assert [line for line in out.text.splitlines() if line.startswith("allow")] == [
        'allow with-interface match-all { 09:*:* } label "sealroom:hub"'
    ]
    assert len(out.warnings) == 1 and "1234" in out.warnings[0]


def test_the_command_prints_the_rules_of_the_policy_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["usbguard-rules"]) == 0
    out = capsys.readouterr().out
    policy = load_policy(None)
    assert out == usbguard_rules(policy).text
    assert policy.sha256 in out


@pytest.mark.skipif(
    PARSER is None and not REQUIRED,
    reason="usbguard-rule-parser (Debian package usbguard) is not installed; CI installs it",
)
def test_usbguards_own_parser_accepts_the_rules(tmp_path: Path) -> None:
    assert PARSER is not None, "SEALROOM_REQUIRE_APPLIANCE=1 but usbguard is not installed"
    rules = tmp_path / "rules.conf"
    rules.write_text(usbguard_rules(load_policy(None)).text, encoding="utf-8")
    done = subprocess.run([PARSER, "-f", str(rules)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "bad.conf"
    bad.write_text("allow with-interface match-all { 08:*:* \n", encoding="utf-8")
    refused = subprocess.run([PARSER, "-f", str(bad)], capture_output=True, check=False)
    assert refused.returncode != 0  # the parser does reject a broken rule

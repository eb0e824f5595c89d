"""The policy's ``[tamper] tpm`` setting: whether the journal's head is bound to a TPM counter."""

from __future__ import annotations

import re

import pytest

from kiosk.errors import PolicyError
from kiosk.policy import DEFAULT_POLICY_PATH, load_policy, parse_policy
from kiosk.policy.model import TPM_MODES

DEFAULT = DEFAULT_POLICY_PATH.read_text()


def test_default_policy_binds_a_tpm_when_there_is_one() -> None:
    assert load_policy().tamper_tpm == "if-present"


@pytest.mark.parametrize("mode", TPM_MODES)
def test_each_mode_is_read(mode: str) -> None:
    text = DEFAULT.replace('tpm = "if-present"', f'tpm = "{mode}"')
    assert parse_policy(text.encode()).tamper_tpm == mode


def test_a_policy_without_the_section_means_if_present() -> None:
    text = re.sub(r"\[tamper\]\n(#.*\n)*tpm = \"if-present\"\n", "", DEFAULT)
    assert "[tamper]" not in text
    assert parse_policy(text.encode()).tamper_tpm == "if-present"


@pytest.mark.parametrize(
    ("replacement", "words"),
    [
        ('tpm = "sometimes"', "must be one of required, if-present, off"),
        ("tpm = true", "must be text"),
        ('tpm = "off"\nlevel = 3', "'level' is not a known setting in [tamper]"),
    ],
)
def test_a_bad_setting_is_refused_naming_its_line(replacement: str, words: str) -> None:
    text = DEFAULT.replace('tpm = "if-present"', replacement)
    key = "level" if "level" in replacement else "tpm"
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(key))
    with pytest.raises(PolicyError) as exc:
        parse_policy(text.encode(), "policy.toml")
    message = exc.value.user_message()
    assert words in message
    assert f"line {line}" in message

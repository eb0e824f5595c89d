"""The policy's ``[envelopes] token_in_envelope``: whether a security key is sealed in the envelope.

The credential sheet's "In this envelope" line and its sealing steps follow
it (tests/hardware/printing/test_paper_in_hand.py); here, the setting is read,
defaults to false when left out, and a bad value is refused naming its line.
"""

from __future__ import annotations

import pytest

from kiosk.errors import PolicyError
from kiosk.policy import DEFAULT_POLICY_PATH, load_policy, parse_policy

DEFAULT = DEFAULT_POLICY_PATH.read_text()


def test_the_default_policy_says_it_and_keeps_keys_out() -> None:
    assert "token_in_envelope = false" in DEFAULT  # documented where it is set
    assert load_policy().token_in_envelope is False


@pytest.mark.parametrize("value", [True, False])
def test_each_value_is_read(value: bool) -> None:
    text = DEFAULT.replace("token_in_envelope = false", f"token_in_envelope = {str(value).lower()}")
    assert parse_policy(text.encode()).token_in_envelope is value


def test_a_policy_without_the_setting_keeps_keys_out() -> None:
    text = DEFAULT.replace("token_in_envelope = false\n", "")
    assert "token_in_envelope" not in text
    assert parse_policy(text.encode()).token_in_envelope is False


def test_a_bad_value_is_refused_naming_its_line() -> None:
    text = DEFAULT.replace("token_in_envelope = false", 'token_in_envelope = "yes"')
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("token_in"))
    with pytest.raises(PolicyError) as exc:
        parse_policy(text.encode(), "policy.toml")
    assert "'token_in_envelope' must be true or false" in exc.value.user_message()
    assert f"line {line}" in exc.value.user_message()

"""Fixtures for the FIDO2 tests: simulated keys reached through python-fido2's HID stack."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hardware.fido import Enrolment, ScriptedPrompts, enroll
from hardware.sim.authenticator import SoftAuthenticator

RP_ID = "sealroom.local"
PIN = "4711-9876"


@pytest.fixture
def make_key(tmp_path: Any) -> Iterator[Callable[..., SoftAuthenticator]]:
    """Factory of simulated keys with short time-outs; closes their devices afterwards."""
    opened: list[Any] = []

    def factory(**kwargs: Any) -> SoftAuthenticator:
        kwargs.setdefault("touch_timeout", 3.0)
        kwargs.setdefault("keepalive_interval", 0.02)
        key = SoftAuthenticator(**kwargs)
        original = key.open_device

        def tracked() -> Any:
            dev = original()
            opened.append(dev)
            return dev

        key.open_device = tracked  # type: ignore[method-assign]
        return key

    yield factory
    for dev in opened:
        with contextlib.suppress(OSError):
            dev.close()


@pytest.fixture
def key(make_key: Callable[..., SoftAuthenticator]) -> SoftAuthenticator:
    return make_key()


@pytest.fixture
def enrol() -> Callable[..., Enrolment]:
    """Enrol a credential on a key (setting PIN if needed)."""

    def do(key: SoftAuthenticator, alg: int = -7, user: bytes = b"custodian-1") -> Enrolment:
        prompts = ScriptedPrompts(pins=[PIN], new_pins=[PIN])
        return enroll(
            key.open_device(), RP_ID, user, "dana", "Dana Whitfield", prompts, algorithms=[alg]
        )

    return do


@pytest.fixture
def digest() -> bytes:
    return os.urandom(32)

"""A hostile clientDataJSON nested thousands of levels deep is malformed, never a crash."""

from __future__ import annotations

import os

import pytest

from kiosk.errors import ApprovalError
from kiosk.format.canonical import b64u
from kiosk.rules.webauthn import verify_assertion
from tests.kiosk.webauthn.test_verify_assertion import RP_ID, make_assertion


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_deeply_nested_client_data_is_malformed(opening: bytes) -> None:
    digest = os.urandom(32)
    attest, der = make_assertion(digest)
    attest["client_data_json"] = b64u(opening * 100_000)
    with pytest.raises(ApprovalError) as info:
        verify_assertion(attest, digest, der, -7, RP_ID, True)
    assert info.value.code == "webauthn.malformed"
    assert info.value.params["field"] == "client_data_json"

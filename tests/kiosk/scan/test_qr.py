"""The terminal's own QR payloads: format, MAC binding, refusals, real QR round trip."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
import qrcode
import zxingcpp
from qrcode.util import MODE_ALPHA_NUM, QRData

from kiosk.errors import ScanError
from kiosk.scan.qr import MAX_QR_CHARS, QrPayload, decode_qr, encode_qr, looks_like_qr

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))

SHEET: dict[str, str | int] = {
    "account": "db-prod-root",
    "serial": "SR12345674",
    "seq": 42,
    "hash": "3f9a1c0d5e6b7a89",
}
ENVELOPE: dict[str, str | int] = {"serial": "SR12345674", "account": "db-prod-root"}
RECORD: dict[str, str | int] = {"doc": "session", "seq": 1234, "hash": "ab" * 32}


def independent_tag(signed: str, key: bytes) -> str:
    """The tag exactly as the module docstring specifies it, written separately."""
    mac = hmac.new(key, b"sealroom-qr\x00" + signed.encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:20]).decode()


def forge(signed: str, key: bytes = KEY) -> str:
    return f"{signed}:{independent_tag(signed, key)}"


def code_of(text: object, key: bytes = KEY, **kw: object) -> str:
    with pytest.raises(ScanError) as info:
        decode_qr(text, key, **kw)  # type: ignore[arg-type]
    return info.value.code


@pytest.mark.parametrize(
    ("kind", "fields"), [("sheet", SHEET), ("envelope", ENVELOPE), ("record", RECORD)]
)
def test_round_trip(kind: str, fields: dict[str, str | int]) -> None:
    text = encode_qr(kind, fields, KEY)
    payload = decode_qr(text, KEY)
    assert isinstance(payload, QrPayload)
    assert payload.kind == kind
    assert dict(payload.fields) == fields


def test_wire_format_matches_the_documented_layout() -> None:
    text = encode_qr("sheet", SHEET, KEY)
    parts = text.split(":")
    assert parts[0] == "SRQ1" and parts[1] == "SHEET"
    assert base64.b32decode(parts[2] + "=" * (-len(parts[2]) % 8)) == b"db-prod-root"
    assert parts[4] == "42" and parts[5] == "3F9A1C0D5E6B7A89"
    # tag: 160 bits (>= 128), base32, as an independent implementation computes it
    assert len(base64.b32decode(parts[-1])) * 8 >= 128
    assert parts[-1] == independent_tag(text.rsplit(":", 1)[0], KEY)


def test_payload_uses_only_the_qr_alphanumeric_alphabet() -> None:
    alnum = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    for kind, fields in (("sheet", SHEET), ("envelope", ENVELOPE), ("record", RECORD)):
        text = encode_qr(kind, fields, KEY)
        assert set(text) <= alnum
        assert QRData(text.encode()).mode == MODE_ALPHA_NUM


def test_real_qr_image_round_trip_through_an_independent_decoder() -> None:
    text = encode_qr("sheet", SHEET, KEY)
    img = qrcode.make(text).get_image().convert("L")
    results = zxingcpp.read_barcodes(img)
    assert len(results) == 1
    assert decode_qr(results[0].text, KEY).fields["serial"] == "SR12345674"


def test_caps_lock_inverted_case_still_decodes() -> None:
    text = encode_qr("record", RECORD, KEY)
    assert decode_qr(text.lower(), KEY).fields == RECORD
    assert decode_qr(" " + text.swapcase() + " ", KEY).kind == "record"


def test_non_ascii_text_field_round_trips() -> None:
    fields = dict(ENVELOPE, account="compte-réseau")
    assert decode_qr(encode_qr("envelope", fields, KEY), KEY).fields["account"] == "compte-réseau"


def test_another_terminals_code_is_refused() -> None:
    text = encode_qr("sheet", SHEET, OTHER_KEY)
    assert code_of(text) == "scan.qr_bad_mac"


def test_any_single_character_change_is_refused() -> None:
    text = encode_qr("sheet", SHEET, KEY)
    for i, ch in enumerate(text):
        if ch == ":":
            continue
        alt = "A" if ch != "A" else "B"
        tampered = text[:i] + alt + text[i + 1 :]
        with pytest.raises(ScanError) as info:
            decode_qr(tampered, KEY)
        assert info.value.code in {"scan.qr_bad_mac", "scan.qr_not_ours", "scan.qr_version"}, i


def test_changing_the_seq_is_refused_even_if_well_formed() -> None:
    text = encode_qr("sheet", SHEET, KEY)
    assert code_of(text.replace(":42:", ":43:")) == "scan.qr_bad_mac"


def test_truncated_tag_is_refused() -> None:
    text = encode_qr("sheet", SHEET, KEY)
    assert code_of(text[:-6]) == "scan.qr_bad_mac"


def test_not_ours() -> None:
    assert code_of("https://example.com/x") == "scan.qr_not_ours"
    assert code_of("SR12345674") == "scan.qr_not_ours"
    assert code_of("SRQX:SHEET") == "scan.qr_not_ours"


def test_other_version() -> None:
    with pytest.raises(ScanError) as info:
        decode_qr("SRQ2:SHEET:AAAA:" + "A" * 32, KEY)
    assert info.value.code == "scan.qr_version"
    assert "2" in info.value.user_message()


def test_too_few_parts() -> None:
    assert code_of("SRQ1:SHEET") == "scan.qr_malformed"
    assert code_of("SRQ1") == "scan.qr_malformed"


def test_correctly_signed_but_malformed_fields_are_refused() -> None:
    # A valid MAC over a bad body can only come from a defect or a key leak;
    # the parser must still refuse it cleanly.
    assert code_of(forge("SRQ1:SHEET:AAAA")) == "scan.qr_malformed"  # too few fields
    assert code_of(forge("SRQ1:REC:MFRGG:0042:" + "A" * 16)) == "scan.qr_malformed"  # leading 0
    assert code_of(forge("SRQ1:REC:MFRGG:1:XYZ")) == "scan.qr_malformed"  # not hex
    assert code_of(forge("SRQ1:REC:MFRGG:9007199254740992:" + "A" * 16)) == "scan.qr_malformed"
    assert (
        code_of(forge("SRQ1:REC:MFRGH:1:" + "A" * 16)) == "scan.qr_malformed"
    )  # non-canonical b32
    assert code_of(forge("SRQ1:REC:AE:1:" + "A" * 16)) == "scan.qr_malformed"  # U+0001 inside


def test_correctly_signed_unknown_kind() -> None:
    assert code_of(forge("SRQ1:KEY:MFRGG")) == "scan.qr_unknown_kind"


def test_wrong_kind_for_the_step() -> None:
    text = encode_qr("envelope", ENVELOPE, KEY)
    with pytest.raises(ScanError) as info:
        decode_qr(text, KEY, kinds={"sheet"})
    assert info.value.code == "scan.qr_wrong_kind"
    assert "envelope label" in info.value.user_message()
    assert "credential sheet" in info.value.user_message()
    assert decode_qr(text, KEY, kinds={"sheet", "envelope"}).kind == "envelope"


def test_over_long_and_control_characters() -> None:
    assert code_of("SRQ1:" + "A" * MAX_QR_CHARS) == "scan.too_long"
    text = encode_qr("record", RECORD, KEY)
    assert code_of(text[:10] + "\x00" + text[10:]) == "scan.control_char"
    assert code_of(text + "\n") == "scan.control_char"
    assert code_of("") == "scan.empty"


def test_encode_refuses_unknown_kind_and_wrong_fields() -> None:
    with pytest.raises(ValueError):
        encode_qr("password", {}, KEY)
    with pytest.raises(ValueError):
        encode_qr("envelope", {**ENVELOPE, "password": "hunter2hunter2"}, KEY)
    with pytest.raises(ValueError):
        encode_qr("envelope", {"serial": "SR12345674"}, KEY)
    with pytest.raises(ValueError):
        encode_qr("record", {**RECORD, "seq": "12"}, KEY)
    with pytest.raises(ValueError):
        encode_qr("record", {**RECORD, "seq": True}, KEY)
    with pytest.raises(ValueError):
        encode_qr("record", {**RECORD, "hash": "abc"}, KEY)  # shorter than 16 hex digits
    with pytest.raises(ValueError):
        encode_qr("envelope", {**ENVELOPE, "account": "x" * 65}, KEY)
    with pytest.raises(ValueError):
        encode_qr("envelope", {**ENVELOPE, "account": "a\nb"}, KEY)


def test_mac_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError):
        encode_qr("envelope", ENVELOPE, b"short")
    with pytest.raises(ValueError):
        decode_qr("SRQ1:ENV", b"\x00" * 31)


def test_the_key_never_appears_in_the_payload_or_errors() -> None:
    text = encode_qr("sheet", SHEET, KEY)
    assert KEY.hex().upper() not in text
    assert base64.b32encode(KEY).decode().rstrip("=") not in text
    with pytest.raises(ScanError) as info:
        decode_qr(text, OTHER_KEY)
    assert OTHER_KEY.hex() not in str(info.value)


def test_looks_like_qr() -> None:
    assert looks_like_qr(encode_qr("record", RECORD, KEY))
    assert looks_like_qr(" srq1:rec")
    assert not looks_like_qr("SR12345674")

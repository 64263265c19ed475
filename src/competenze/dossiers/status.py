"""Bitstring Status List (W3C Recommendation, 2025): the bits, their encoding, their credential.

Each list holds SIZE entries (131,072 = 16 KiB, the Recommendation's minimum for group
privacy). Bit i is the status of the credential with statusListIndex i, counted from the
left: the most significant bit of the first byte is index 0. `encodedList` is the
bitstring gzip-compressed, then base64url-encoded without padding, with the multibase
prefix "u". Pure: bytes in, bytes and dicts out.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import base64
import gzip

SIZE = 131_072
SUPERSEDED_MESSAGES = [{"status": "0x0", "message": "current"}, {"status": "0x1", "message": "superseded"}]


def empty() -> bytes:
    return bytes(SIZE // 8)


def get_bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytes, index: int, value: bool = True) -> bytes:
    data = bytearray(bits)
    mask = 0x80 >> (index % 8)
    data[index // 8] = (data[index // 8] | mask) if value else (data[index // 8] & ~mask)
    return bytes(data)


def encode(bits: bytes) -> str:
    # mtime=0: the same bits always give the same encodedList (and the same ETag).
    return "u" + base64.urlsafe_b64encode(gzip.compress(bits, mtime=0)).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u')")
    payload = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def entry(list_url: str, index: int, purpose: str) -> dict:
    """The credentialStatus entry a dossier carries for one list."""
    item = {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    if purpose == "message":
        item["statusSize"] = 1
        item["statusMessage"] = SUPERSEDED_MESSAGES
    return item


def list_credential(
    *, list_url: str, issuer: dict, purpose: str, bits: bytes, valid_from: str, context: list[str]
) -> dict:
    subject = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encode(bits),
    }
    if purpose == "message":
        subject["statusSize"] = 1
        subject["statusMessage"] = SUPERSEDED_MESSAGES
    return {
        "@context": context,
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": subject,
    }

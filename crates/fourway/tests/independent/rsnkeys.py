#!/usr/bin/env python3
"""An independent implementation of the RSN key derivations fourway's `keys` command prints,
written from IEEE 802.11-2020 12.7.1 with Python's hashlib/hmac only (no shared code with
the Rust crates). The Rust test `keys_cli.rs` feeds both the same random inputs.

Input: one JSON object per line on stdin: {"op": "ptk"|"pmkid"|"ft"|"pmk", ...}.
Output: one JSON object per line with the same field names as `fourway keys ... --json`.
"""
import hashlib, hmac, json, sys

SHA1, SHA256, SHA384 = "sha1", "sha256", "sha384"

# AKM suite type (00-0f-ac) -> (kdf hash, kck bytes, kek bytes, pmkid hash)
# 802.11-2020 Table 12-8 (integrity/key-wrap) and 12.7.1.3; SHA-384 AKMs use KCK 192, KEK 256.
AKMS = {
    1: (SHA1, 16, 16, SHA1), 2: (SHA1, 16, 16, SHA1),
    5: (SHA256, 16, 16, SHA256), 6: (SHA256, 16, 16, SHA256),
    8: (SHA256, 16, 16, None), 11: (SHA256, 16, 16, SHA256),
    12: (SHA384, 24, 32, SHA384), 18: (SHA256, 16, 16, None),
    20: (SHA384, 24, 32, SHA384), 24: (SHA256, 16, 16, None),
    3: (SHA256, 16, 16, None), 4: (SHA256, 16, 16, None), 9: (SHA256, 16, 16, None),
    13: (SHA384, 24, 32, None), 19: (SHA384, 24, 32, None),
    "wpa1": (SHA1, 16, 16, SHA1),
}
FT = {3, 4, 9, 13, 19}
TK = {"ccmp": 16, "ccmp-256": 32, "gcmp": 16, "gcmp-256": 32, "tkip": 32}


def prf_sha1(key, label, data, nbytes):
    out, i = b"", 0
    while len(out) < nbytes:
        out += hmac.new(key, label + b"\x00" + data + bytes([i]), hashlib.sha1).digest()
        i += 1
    return out[:nbytes]


def kdf(h, key, label, context, nbytes):
    # KDF-Hash-Length: HMAC-Hash(K, i || Label || Context || Length), i and Length 16-bit LE.
    bits = nbytes * 8
    out, i = b"", 1
    while len(out) < nbytes:
        out += hmac.new(key, i.to_bytes(2, "little") + label + context + bits.to_bytes(2, "little"),
                        getattr(hashlib, h)).digest()
        i += 1
    return out[:nbytes]


def akm_key(a):
    return "wpa1" if a == "wpa1" else int(a)


def ptk(req):
    h, kck, kek, _ = AKMS[akm_key(req["akm"])]
    pmk, aa, spa = bytes.fromhex(req["pmk"]), bytes.fromhex(req["aa"]), bytes.fromhex(req["spa"])
    an, sn = bytes.fromhex(req["anonce"]), bytes.fromhex(req["snonce"])
    tk = TK[req["cipher"]]
    n = kck + kek + tk
    if akm_key(req["akm"]) in FT:
        # 12.7.1.7.5: FT-PTK from PMK-R1 (given as pmk).
        raw = kdf(h, pmk, b"FT-PTK", sn + an + aa + spa, n)
    else:
        data = min(aa, spa) + max(aa, spa) + min(an, sn) + max(an, sn)
        if h == SHA1:
            raw = prf_sha1(pmk, b"Pairwise key expansion", data, n)
        else:
            raw = kdf(h, pmk, b"Pairwise key expansion", data, n)
    out = {"kck": raw[:kck].hex(), "kek": raw[kck:kck + kek].hex(), "tk": raw[kck + kek:].hex()}
    if req["cipher"] == "tkip":
        t = raw[kck + kek:]
        out["tkip_tx_mic"] = t[16:24].hex()
        out["tkip_rx_mic"] = t[24:32].hex()
    return out


def pmkid(req):
    h = AKMS[akm_key(req["akm"])][3]
    msg = b"PMK Name" + bytes.fromhex(req["aa"]) + bytes.fromhex(req["spa"])
    return {"pmkid": hmac.new(bytes.fromhex(req["pmk"]), msg, getattr(hashlib, h)).digest()[:16].hex()}


def pmk(req):
    return {"pmk": hashlib.pbkdf2_hmac("sha1", req["passphrase"].encode(), req["ssid"].encode(), 4096, 32).hex()}


def ft(req):
    a = int(req["akm"])
    h = AKMS[a][0]
    q = 48 if h == SHA384 else 32
    if "msk" in req:
        msk = bytes.fromhex(req["msk"])
        xx = msk[32:64] if a == 3 else msk[:48]
    else:
        xx = bytes.fromhex(req["psk"])
    ssid, mdid, r0 = req["ssid"].encode(), bytes.fromhex(req["mdid"]), req["r0kh_id"].encode()
    spa, r1kh = bytes.fromhex(req["spa"]), bytes.fromhex(req["r1kh_id"])
    r0data = kdf(h, xx, b"FT-R0", bytes([len(ssid)]) + ssid + mdid + bytes([len(r0)]) + r0 + spa, q + 16)
    pmk_r0, salt = r0data[:q], r0data[q:]
    hf = getattr(hashlib, h)
    r0name = hf(b"FT-R0N" + salt).digest()[:16]
    pmk_r1 = kdf(h, pmk_r0, b"FT-R1", r1kh + spa, q)
    r1name = hf(b"FT-R1N" + r0name + r1kh + spa).digest()[:16]
    return {"xxkey": xx.hex(), "pmk_r0": pmk_r0.hex(), "pmk_r0_name": r0name.hex(),
            "pmk_r1": pmk_r1.hex(), "pmk_r1_name": r1name.hex()}


for line in sys.stdin:
    req = json.loads(line)
    print(json.dumps({"ptk": ptk, "pmkid": pmkid, "pmk": pmk, "ft": ft}[req["op"]](req)), flush=True)

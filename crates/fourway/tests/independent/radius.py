#!/usr/bin/env python3
"""Independent RADIUS key recovery, written from the RFCs with the standard library only
(hashlib, hmac), to cross-check fourway's simulator (which writes RADIUS) and analyzer
(which reads it): RFC 2865 section 3 (Response Authenticator), RFC 3579 section 3.2
(Message-Authenticator), RFC 2548 section 2.4.2/2.4.3 (MS-MPPE-Send-Key / Recv-Key).

usage: radius.py WIRED.pcapng SECRET
prints one JSON object per Access-Accept:
  {"calling": ..., "msk": hex(recv || send), "response_ok": bool, "message_ok": bool}
"""
import hashlib
import hmac
import json
import struct
import sys


def pcapng_packets(data):
    """(link type, packet bytes) of every Enhanced Packet Block (little-endian sections)."""
    links = []
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12:
            break
        body = data[off + 8 : off + blen - 4]
        if btype == 0x0A0D0D0A:
            links = []
        elif btype == 1:
            links.append(struct.unpack_from("<H", body, 0)[0])
        elif btype == 6:
            ifc, _, _, caplen, _ = struct.unpack_from("<IIIII", body, 0)
            yield links[ifc], body[20 : 20 + caplen]
        off += blen


def radius_of(link, pkt):
    if link != 1 or pkt[12:14] != b"\x08\x00":
        return None
    ip = pkt[14:]
    ihl = (ip[0] & 15) * 4
    if ip[9] != 17:
        return None
    udp = ip[ihl:]
    sport, dport, ulen = struct.unpack_from(">HHH", udp, 0)
    if 1812 not in (sport, dport):
        return None
    return udp[8:ulen]


def attrs(p):
    out = []
    i = 20
    length = struct.unpack_from(">H", p, 2)[0]
    while i + 2 <= length:
        t, l = p[i], p[i + 1]
        out.append((t, p[i + 2 : i + l], i))
        i += l
    return out


def mppe(secret, req_auth, value):
    salt, ct = value[:2], value[2:]
    plain = b""
    prev = req_auth + salt
    for k in range(0, len(ct), 16):
        b = hashlib.md5(secret + prev).digest()
        c = ct[k : k + 16]
        plain += bytes(x ^ y for x, y in zip(c, b))
        prev = c
    return plain[1 : 1 + plain[0]]


def main():
    data = open(sys.argv[1], "rb").read()
    secret = sys.argv[2].encode()
    requests = {}
    for link, pkt in pcapng_packets(data):
        p = radius_of(link, pkt)
        if p is None:
            continue
        code, ident = p[0], p[1]
        if code == 1:
            calling = next((v.decode() for t, v, _ in attrs(p) if t == 31), None)
            requests[ident] = (p[4:20], calling)
            continue
        if code != 2 or ident not in requests:
            continue
        req_auth, calling = requests.pop(ident)
        length = struct.unpack_from(">H", p, 2)[0]
        resp = hashlib.md5(p[:4] + req_auth + p[20:length] + secret).digest()
        response_ok = resp == p[4:20]
        message_ok = False
        keys = {}
        for t, v, at in attrs(p):
            if t == 80:
                z = bytearray(p[:length])
                z[4:20] = req_auth
                z[at + 2 : at + 18] = bytes(16)
                message_ok = hmac.new(secret, bytes(z), hashlib.md5).digest() == v
            if t == 26 and struct.unpack_from(">I", v, 0)[0] == 311:
                keys[v[4]] = mppe(secret, req_auth, v[6 : 4 + v[5]])
        print(
            json.dumps(
                {
                    "calling": calling,
                    "msk": (keys.get(17, b"") + keys.get(16, b"")).hex(),
                    "response_ok": response_ok,
                    "message_ok": message_ok,
                }
            )
        )


if __name__ == "__main__":
    main()

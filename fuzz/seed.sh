#!/usr/bin/env bash
# Build the seed corpora of the fuzz targets from tests/data (nothing big is committed):
# captures for the reader/analyzer targets, EAPOL-Key frames for the EAPOL/KDE targets,
# RSNEs and 802.11 frames cut out of the captures for the wire targets. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
DATA=../tests/data
C=corpus
mkdir -p "$C"
for t in capture_reader capture_decap analyzer_capture analyzer_frames wire_ieee80211 wire_elements \
         wire_rsne wire_eapol_key wire_kde handshake_machines enterprise; do
  mkdir -p "$C/$t"
done
# Whole captures (the smaller ones: libFuzzer's default -max_len is 4096; the reader target
# still starts from their headers and first records).
for f in "$DATA"/captures/*.pcap "$DATA"/captures/*.pcapng "$DATA"/captures/*.cap "$DATA"/captures/*.dump; do
  [ -f "$f" ] || continue
  if [ "$(stat -c %s "$f")" -le 65536 ]; then
    cp "$f" "$C/capture_reader/"; cp "$f" "$C/analyzer_capture/"
  fi
done
python3 - "$DATA" "$C" <<'PY'
import hashlib, json, os, struct, sys
data, out = sys.argv[1], sys.argv[2]
def put(target, b):
    name = hashlib.sha1(b).hexdigest()
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(b)
# EAPOL-Key frames from the vectors.
for v in json.load(open(os.path.join(data, "vectors", "eapol_frames.json")))["vectors"]:
    if "frame" not in v:
        continue
    fr = bytes.fromhex(v["frame"])
    put("wire_eapol_key", fr)
    if len(fr) > 99:
        put("wire_kde", fr[99:])
    # The authenticator / supplicant target: genuine frames from the peer (tag 0), then
    # this frame as arbitrary EAPOL (tag 3).
    put("handshake_machines", bytes([0]) + bytes([0, 0, 0]) * 4 + bytes([3]) + struct.pack("<H", len(fr)) + fr)
    put("handshake_machines", bytes([1]) + bytes([0, 0, 0]) * 4 + bytes([3]) + struct.pack("<H", len(fr)) + fr)
# Records of the captures: 802.11 frames (radiotap stripped by length) for the wire and
# analyzer targets, elements and RSNEs out of management frames.
def pcap_records(b):
    if b[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e, lt = "<", struct.unpack("<I", b[20:24])[0]
        off = 24
        while off + 16 <= len(b):
            incl = struct.unpack(e + "I", b[off + 8:off + 12])[0]
            yield lt, b[off + 16:off + 16 + incl]
            off += 16 + incl
for name in sorted(os.listdir(os.path.join(data, "captures"))):
    p = os.path.join(data, "captures", name)
    try:
        b = open(p, "rb").read()
    except OSError:
        continue
    n = 0
    for lt, rec in pcap_records(b):
        if lt == 127 and len(rec) > 4:
            rec = rec[struct.unpack("<H", rec[2:4])[0]:]
        elif lt != 105:
            continue
        n += 1
        if n > 40:
            break
        put("wire_ieee80211", rec)
        put("capture_decap", bytes([2]) + rec)
        put("analyzer_frames", bytes([0]) + struct.pack("<H", len(rec)) + rec)
        if len(rec) > 36 and rec[0] in (0x80, 0x50):
            put("wire_elements", rec[36:])
            i = 36
            while i + 2 <= len(rec):
                t, l = rec[i], rec[i + 1]
                if t == 48:
                    put("wire_rsne", rec[i + 2:i + 2 + l])
                i += 2 + l
# RADIUS-ish seeds: an IPv4/UDP/1812 header around a minimal Access-Request.
ip = bytes.fromhex("4500003000010000401100000a0000020a00000ac3500714001c0000") + bytes([1, 1, 0, 20]) + bytes(16)
put("enterprise", bytes([0, 0]) + struct.pack("<H", len(ip)) + ip)
PY
for t in "$C"/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"; done

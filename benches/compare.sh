#!/usr/bin/env bash
# Whole-process comparison: fourway analyze (full decryption) vs tshark and airdecap-ng on
# the same generated capture, plus openssl's AES-CCM / AES-GCM speed in the same run.
# Usage: benches/compare.sh [FRAMES] [CLIENTS]      (the capture is generated, never committed)
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${1:-1000000}
CLIENTS=${2:-1}
WORK=${BENCH_DIR:-/tmp/fourway-bench}
mkdir -p "$WORK"
CAP="$WORK/bench-$FRAMES-$CLIENTS.pcap"
cargo build --release -q -p fourway --example bench_capture --bin fourway
BIN=target/release/fourway
[ -f "$CAP" ] || target/release/examples/bench_capture "$CAP" "$FRAMES" "$CLIENTS" pcap
SIZE=$(stat -c %s "$CAP")
echo "capture: $CAP ($FRAMES data frames, $CLIENTS clients, $SIZE bytes)"
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || true
  read -r secs kb < "$WORK/time.txt"
  echo "$name $secs $kb"
}
R1=$(measure fourway "$BIN" analyze "$CAP" --passphrase benchmark-passphrase --ssid bench --json)
R2=$(measure tshark tshark -n -r "$CAP" -o wlan.enable_decryption:TRUE -o 'uat:80211_keys:"wpa-pwd","benchmark-passphrase:bench"')
R3=$(measure airdecap airdecap-ng -e bench -p benchmark-passphrase -o /dev/null "$CAP")
DEC=$(grep -o '"decrypted_frames": [0-9]*' "$WORK/fourway.out" | head -1 | grep -o '[0-9]*$')
ADEC=$(grep -o 'decrypted WPA  packets *[0-9]*' "$WORK/airdecap.out" | grep -o '[0-9]*$' || echo "?")
echo
echo "| tool | wall s | peak RSS MiB | MB/s | decrypted |"
echo "| --- | ---: | ---: | ---: | ---: |"
for r in "$R1" "$R2" "$R3"; do
  set -- $r
  d="?"; [ "$1" = fourway ] && d=$DEC; [ "$1" = airdecap ] && d=$ADEC; [ "$1" = tshark ] && d="(all, see note)"
  awk -v n="$1" -v s="$2" -v k="$3" -v b="$SIZE" -v d="$d" 'BEGIN{printf "| %s | %.2f | %.1f | %.0f | %s |\n", n, s, k/1024, b/1e6/s, d}'
done
set -- $R1; FW=$2; set -- $R2; TS=$2; set -- $R3; AD=$2
awk -v f="$FW" -v t="$TS" -v a="$AD" 'BEGIN{printf "\nratios: tshark/fourway = %.1fx, airdecap-ng/fourway = %.1fx\n", t/f, a/f}'
echo
echo "openssl speed (same run), 1024- and 8192-byte blocks:"
openssl speed -elapsed -seconds 2 -evp aes-128-ccm 2>/dev/null | tail -2
openssl speed -elapsed -seconds 2 -evp aes-128-gcm 2>/dev/null | tail -2

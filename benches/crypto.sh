#!/usr/bin/env bash
# Criterion figures for the crypto core, with openssl's AES-CCM / AES-GCM speed measured in
# the same run for the ratio in BENCHMARKS.md.   Usage: benches/crypto.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -q -p rsn-crypto --bench crypto -- --warm-up-time 1 --measurement-time 3 2>&1 | grep -E "^[a-z_0-9/]+ |time:|thrpt:" 
echo
echo "openssl speed -evp aes-128-ccm / aes-128-gcm (1024- and 16384-byte blocks, 1 core):"
openssl speed -elapsed -seconds 3 -bytes 1024 -evp aes-128-ccm 2>/dev/null | tail -1
openssl speed -elapsed -seconds 3 -bytes 1024 -evp aes-128-gcm 2>/dev/null | tail -1
openssl speed -elapsed -seconds 3 -bytes 16384 -evp aes-128-ccm 2>/dev/null | tail -1
openssl speed -elapsed -seconds 3 -bytes 16384 -evp aes-128-gcm 2>/dev/null | tail -1

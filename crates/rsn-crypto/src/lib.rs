//! `rsn-crypto`: RSN key hierarchy, EAPOL-Key MICs, key wrap and data ciphers (CCMP, GCMP, TKIP, BIP) on RustCrypto
#![forbid(unsafe_code)]

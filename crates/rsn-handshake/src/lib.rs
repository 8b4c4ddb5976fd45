//! `rsn-handshake`: Sans-IO IEEE 802.11 RSN supplicant and authenticator state machines
#![forbid(unsafe_code)]

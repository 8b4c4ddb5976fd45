//! 802.1X key discovery on arbitrary bytes: IP packets (RADIUS on port 1812 both ways),
//! EAP packets in EAPOL (EAP-TLS fragments, hellos), a TLS key log; nothing may panic and
//! no MSK appears from garbage (the Response Authenticator must verify first).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_analyzer::enterprise::{Collector, EnterpriseConfig, KeyLog, RadiusSecret};
use rsn_wire::MacAddr;

fuzz_target!(|data: &[u8]| {
    let (log, rest) = data.split_at(data.len().min(usize::from(data.first().copied().unwrap_or(0))));
    let _ = KeyLog::parse(&String::from_utf8_lossy(log));
    let cr = "00".repeat(32);
    let keylog = KeyLog::parse(&format!("CLIENT_RANDOM {cr} {}\n", "11".repeat(48))).ok();
    let mut c = Collector::new(EnterpriseConfig {
        secrets: vec![RadiusSecret {
            nas: None,
            secret: zeroize::Zeroizing::new(b"secret".to_vec()),
        }],
        keylog,
        ..Default::default()
    });
    let mut rest = rest;
    let mut n = 0u64;
    while rest.len() >= 3 {
        let (tag, len) = (rest[0], usize::from(u16::from_le_bytes([rest[1], rest[2]])) % 4200);
        let end = (3 + len).min(rest.len());
        let body = &rest[3..end];
        rest = &rest[end..];
        n += 1;
        if tag & 1 == 0 {
            c.push_ip(n, 0, body);
        } else {
            let (ap, sta) = (MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]));
            if tag & 2 == 0 {
                c.push_eapol_eap(n, 0, ap, sta, body);
            } else {
                c.push_eapol_eap(n, 0, sta, ap, body);
            }
        }
    }
    let _ = c.stats();
});

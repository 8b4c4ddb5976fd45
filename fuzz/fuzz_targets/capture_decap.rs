//! First byte picks a supported link type (or an unsupported one), the rest is
//! the record's data; the second byte's low bit adds an outside FCS length of 4.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_capture::{decap_with, DecapOptions, LinkType};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let supported = LinkType::SUPPORTED;
    let link_type = supported
        .get(usize::from(pick) % (supported.len() + 1))
        .copied()
        .unwrap_or(LinkType(u16::from(pick)));
    let fcs_len = rest.first().filter(|b| *b & 1 == 1).map(|_| 4);
    let _ = decap_with(link_type, rest, DecapOptions { fcs_len });
});

//! KDE walker over arbitrary key data: no panics; a walk without error re-emits identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_wire::kde::{emit_key_data, find_gtk, find_igtk, find_pmkid, KeyDataItems};

fuzz_target!(|data: &[u8]| {
    let mut items = Vec::new();
    let mut it = KeyDataItems::new(data);
    for i in it.by_ref() {
        match i {
            Ok(i) => items.push(i),
            Err(_) => break,
        }
    }
    if it.error().is_none() {
        let v = emit_key_data(&items).expect("emit");
        assert_eq!(v, data);
        let again: Vec<_> = KeyDataItems::new(&v)
            .map(|i| i.expect("re-parse"))
            .collect();
        assert_eq!(again, items);
    }
    let _ = (find_gtk(data), find_igtk(data), find_pmkid(data));
});

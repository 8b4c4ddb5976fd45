//! Arbitrary bytes as a capture file: read every record and decapsulate it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_capture::{CaptureReader, DecapStats};

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = CaptureReader::new(std::io::Cursor::new(data.to_vec())) else {
        return;
    };
    let mut stats = DecapStats::default();
    let mut records = 0u64;
    while let Some(item) = reader.next_record() {
        if let Ok(record) = item {
            stats.add(&record.decap());
            records += 1;
        }
    }
    assert_eq!(stats.total(), records);
    assert_eq!(reader.stats().records, records);
});

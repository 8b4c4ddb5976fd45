//! Criterion benchmarks of the hot paths of an analyzer: PMK from a passphrase, PTK,
//! EAPOL-Key MICs, and CCMP/GCMP decryption of a 1500-octet MPDU.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use rsn_crypto::ccmp::CcmpKey;
use rsn_crypto::gcmp::GcmpKey;
use rsn_crypto::mic::{compute_mic, MicAlgorithm, EAPOL_KEY_MIC_OFFSET};
use rsn_crypto::{derive_ptk, psk_from_passphrase, Kck, Passphrase, Pmk, Tk};
use rsn_wire::{Akm, Cipher, MacAddr};

fn mpdu_1500() -> Vec<u8> {
    // QoS data, To DS, 26-octet header + 1474-octet body = 1500 octets of plaintext MPDU.
    let mut f = vec![0x88, 0x41, 0, 0];
    f.extend_from_slice(&[0x02; 18]);
    f.extend_from_slice(&[0x10, 0x00, 0x05, 0x00]);
    f.extend((0..1474).map(|i| i as u8));
    f
}

fn bench(c: &mut Criterion) {
    let pass = Passphrase::new("EasilyGuessedPassword").unwrap();
    c.bench_function("pmk_from_passphrase", |b| {
        b.iter(|| psk_from_passphrase(&pass, black_box(b"TestWPA")).unwrap())
    });

    let pmk = Pmk::from_slice(&[0x42; 32]).unwrap();
    let (aa, spa) = (MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]));
    c.bench_function("ptk_prf_sha1_ccmp", |b| {
        b.iter(|| {
            derive_ptk(
                &pmk,
                Akm::PSK,
                Cipher::CCMP128,
                &aa,
                &spa,
                black_box(&[1; 32]),
                &[2; 32],
            )
            .unwrap()
        })
    });
    c.bench_function("ptk_kdf_sha256_ccmp", |b| {
        b.iter(|| {
            derive_ptk(
                &pmk,
                Akm::PSK_SHA256,
                Cipher::CCMP128,
                &aa,
                &spa,
                black_box(&[1; 32]),
                &[2; 32],
            )
            .unwrap()
        })
    });

    let kck = Kck::from_slice(&[7; 16]).unwrap();
    let eapol = vec![0x5a_u8; 121];
    c.bench_function("eapol_mic_v2_hmac_sha1", |b| {
        b.iter(|| {
            compute_mic(
                MicAlgorithm::HmacSha1_128,
                &kck,
                black_box(&eapol),
                EAPOL_KEY_MIC_OFFSET,
            )
            .unwrap()
        })
    });
    c.bench_function("eapol_mic_v3_aes_cmac", |b| {
        b.iter(|| {
            compute_mic(
                MicAlgorithm::AesCmac128,
                &kck,
                black_box(&eapol),
                EAPOL_KEY_MIC_OFFSET,
            )
            .unwrap()
        })
    });

    let tk = Tk::from_slice(&[9; 16]).unwrap();
    let plain = mpdu_1500();
    let mut g = c.benchmark_group("decrypt_1500");
    g.throughput(Throughput::Bytes(plain.len() as u64));
    let ccmp = CcmpKey::new(&tk).unwrap();
    let mut ct = Vec::new();
    ccmp.encrypt(&plain, 1, 0, &mut ct).unwrap();
    let mut out = Vec::with_capacity(2048);
    g.bench_function("ccmp128", |b| {
        b.iter(|| ccmp.decrypt(black_box(&ct), &mut out).unwrap())
    });
    let gcmp = GcmpKey::new(&tk).unwrap();
    let mut ct2 = Vec::new();
    gcmp.encrypt(&plain, 1, 0, &mut ct2).unwrap();
    g.bench_function("gcmp128", |b| {
        b.iter(|| gcmp.decrypt(black_box(&ct2), &mut out).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

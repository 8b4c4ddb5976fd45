#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use super::*;
use proptest::prelude::*;

fn m(x: u8) -> MacAddr {
    MacAddr([x; 6])
}

#[test]
fn qos_data_from_ds_with_htc() {
    // QoS data, FromDS, Order, Protected.
    let fc = FrameControl::new(FrameType::DATA, subtype::data::QOS_DATA)
        .with_from_ds(true)
        .with_order(true)
        .with_protected(true);
    assert_eq!(fc.to_bytes(), [0x88, 0xc2]);
    assert!(fc.is_qos_data() && fc.has_ht_control() && !fc.has_addr4());
    assert_eq!(fc.header_len(), 24 + 2 + 4);
    let repr = HeaderRepr {
        frame_control: fc,
        duration: 0x002c,
        addr1: m(1),
        addr2: Some(m(2)),
        addr3: Some(m(3)),
        seq_ctrl: Some(SeqControl::new(0x123, 4)),
        addr4: None,
        qos_control: Some(QosControl(0x0086)),
        ht_control: Some(0xdeadbeef),
    };
    let v = repr.to_vec_with_body(&[9, 9]).unwrap();
    let h = Header::new_checked(&v[..]).unwrap();
    assert_eq!(h.body(), &[9, 9]);
    assert_eq!(h.seq_ctrl().unwrap().sequence(), 0x123);
    assert_eq!(h.seq_ctrl().unwrap().fragment(), 4);
    let q = h.qos_control().unwrap();
    assert_eq!((q.tid(), q.amsdu_present(), q.ack_policy()), (6, true, 0));
    assert_eq!(h.ht_control(), Some(0xdeadbeef));
    // FromDS: A1 = DA, A2 = BSSID, A3 = SA.
    assert_eq!(h.da(), Some(m(1)));
    assert_eq!(h.bssid(), Some(m(2)));
    assert_eq!(h.sa(), Some(m(3)));
    assert_eq!(h.ta(), Some(m(2)));
    assert_eq!(HeaderRepr::parse(&h).unwrap(), repr);
}

#[test]
fn four_address_and_to_ds() {
    let fc = FrameControl::new(FrameType::DATA, 0)
        .with_to_ds(true)
        .with_from_ds(true);
    assert_eq!(fc.header_len(), 30);
    let mut b = [0u8; 30];
    b[..2].copy_from_slice(&fc.to_bytes());
    b[24..30].copy_from_slice(&[4; 6]);
    b[16..22].copy_from_slice(&[3; 6]);
    let h = Header::new_checked(&b[..]).unwrap();
    assert_eq!(h.sa(), Some(m(4)));
    assert_eq!(h.da(), Some(m(3)));
    assert_eq!(h.bssid(), None);
    let fc = FrameControl::new(FrameType::DATA, 0).with_to_ds(true);
    let mut b = [0u8; 24];
    b[..2].copy_from_slice(&fc.to_bytes());
    b[4..10].copy_from_slice(&[1; 6]);
    b[10..16].copy_from_slice(&[2; 6]);
    b[16..22].copy_from_slice(&[3; 6]);
    let h = Header::new_checked(&b[..]).unwrap();
    assert_eq!(
        (h.bssid(), h.sa(), h.da()),
        (Some(m(1)), Some(m(2)), Some(m(3)))
    );
    assert_eq!(Header::new_checked(&b[..23]).err(), Some(Error::Truncated));
}

#[test]
fn mgmt_and_control_lengths() {
    let beacon = FrameControl::new(FrameType::MANAGEMENT, subtype::mgmt::BEACON);
    assert_eq!(beacon.to_bytes(), [0x80, 0x00]);
    assert_eq!(beacon.header_len(), 24);
    assert_eq!(beacon.with_order(true).header_len(), 28);
    assert_eq!(
        FrameControl::new(FrameType::CONTROL, subtype::ctrl::ACK).header_len(),
        10
    );
    assert_eq!(
        FrameControl::new(FrameType::CONTROL, subtype::ctrl::RTS).header_len(),
        16
    );
    // Order on non-QoS data is the strictly-ordered bit: no HT Control.
    assert_eq!(
        FrameControl::new(FrameType::DATA, 0)
            .with_order(true)
            .header_len(),
        24
    );
    assert_eq!(
        frame_control_of(&[0xd4, 0]).unwrap().subtype(),
        subtype::ctrl::ACK
    );
    let fc = FrameControl(0xffff);
    assert!(fc.retry() && fc.pwr_mgt() && fc.more_data() && fc.more_frag());
    assert_eq!(fc.frame_type(), FrameType::EXTENSION);
}

fn arb_repr() -> impl Strategy<Value = HeaderRepr> {
    (
        any::<u16>(),
        any::<u16>(),
        any::<[u8; 6]>(),
        any::<[u8; 6]>(),
        any::<[u8; 6]>(),
        any::<u16>(),
        any::<[u8; 6]>(),
        any::<u16>(),
        any::<u32>(),
    )
        .prop_map(|(fc, dur, a1, a2, a3, sc, a4, q, htc)| {
            let fc = FrameControl(fc);
            let l = fc.layout();
            HeaderRepr {
                frame_control: fc,
                duration: dur,
                addr1: MacAddr(a1),
                addr2: l.addr2.then_some(MacAddr(a2)),
                addr3: l.addr3.then_some(MacAddr(a3)),
                seq_ctrl: l.seq_ctrl.then_some(SeqControl(sc)),
                addr4: l.addr4.then_some(MacAddr(a4)),
                qos_control: l.qos.then_some(QosControl(q)),
                ht_control: l.ht_control.then_some(htc),
            }
        })
}

proptest! {
    #[test]
    fn repr_round_trip(r in arb_repr(), body in proptest::collection::vec(any::<u8>(), 0..8)) {
        let v = r.to_vec_with_body(&body).unwrap();
        let (p, b) = HeaderRepr::parse_bytes(&v).unwrap();
        prop_assert_eq!(p, r);
        prop_assert_eq!(b, &body[..]);
        let again = p.to_vec_with_body(b).unwrap();
        prop_assert_eq!(again, v);
    }

    #[test]
    fn no_panic(b in proptest::collection::vec(any::<u8>(), 0..48)) {
        let _ = frame_control_of(&b);
        if let Ok(h) = Header::new_checked(&b[..]) {
            let _ = (h.addr1(), h.addr2(), h.addr3(), h.addr4(), h.seq_ctrl(), h.qos_control());
            let _ = (h.ht_control(), h.bssid(), h.sa(), h.da(), h.ta(), h.body(), h.duration());
            let r = HeaderRepr::parse(&h).unwrap();
            let v = r.to_vec_with_body(h.body()).unwrap();
            prop_assert_eq!(&v[..], &b[..]);
        }
    }
}

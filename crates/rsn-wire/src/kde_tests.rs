#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use super::*;
use crate::element::{ElementBody, RsneRepr, WpaIeRepr};
use alloc::vec;
use alloc::vec::Vec;
use proptest::collection::vec as pvec;
use proptest::prelude::*;

#[test]
fn msg3_key_data() {
    // iwd vector: RSNE, GTK KDE (key ID 2, Tx 0), padding dd 00.
    let kd = hex::decode(
        "30140100000fac040100000fac040100000fac020000dd16000fac0102002e156e7c4e3df1370913\
         4b3f3a4e1e70dd00",
    )
    .unwrap();
    let items: Vec<_> = KeyDataItems::new(&kd).collect();
    assert_eq!(items.len(), 3, "{items:?}");
    let KeyDataItem::Element(e) = items[0].unwrap() else {
        panic!()
    };
    assert!(RsneRepr::parse_element(&e).is_ok());
    let KeyDataItem::Kde(k) = items[1].unwrap() else {
        panic!()
    };
    assert_eq!(k.gtk_key_id(), Some(2));
    assert_eq!(k.gtk_tx(), Some(false));
    assert_eq!(items[2], Ok(KeyDataItem::Padding(&[0xdd, 0][..])));
    let (id, tx, gtk) = find_gtk(&kd).unwrap();
    assert_eq!((id, tx, gtk.len()), (2, false, 16));
    assert!(find_element(&kd, crate::element::id::RSN).is_some());
    let items: Vec<_> = items.into_iter().map(|i| i.unwrap()).collect();
    assert_eq!(emit_key_data(&items).unwrap(), kd);
}

#[test]
fn igtk_pmkid_vendor_and_truncation() {
    let mut kd = vec![0xdd, 0x14, 0, 0x0f, 0xac, 4];
    kd.extend_from_slice(&[7; 16]);
    kd.extend_from_slice(&[0xdd, 0x1c, 0, 0x0f, 0xac, 9, 4, 0, 1, 2, 3, 4, 5, 6]);
    kd.extend_from_slice(&[9; 16]);
    kd.extend_from_slice(&hex::decode("dd160050f20101000050f20201000050f20201000050f202").unwrap());
    kd.extend_from_slice(&[0xdd, 0x05, 0x50, 0x6f, 0x9a, 0x20, 1]);
    assert_eq!(find_pmkid(&kd), Some([7; 16]));
    let (id, ipn, igtk) = find_igtk(&kd).unwrap();
    assert_eq!((id, ipn, igtk), (4, [1, 2, 3, 4, 5, 6], &[9u8; 16][..]));
    let items: Vec<_> = KeyDataItems::new(&kd).map(|i| i.unwrap()).collect();
    let KeyDataItem::Kde(Kde::Other {
        oui,
        data_type,
        data,
    }) = items[2]
    else {
        panic!()
    };
    assert_eq!((oui, data_type), ([0, 0x50, 0xf2], 1));
    let mut body = vec![0, 0x50, 0xf2, 1];
    body.extend_from_slice(data);
    assert!(WpaIeRepr::parse(&body).is_ok());
    assert_eq!(
        items[3],
        KeyDataItem::Kde(Kde::Other {
            oui: [0x50, 0x6f, 0x9a],
            data_type: 0x20,
            data: &[1]
        })
    );
    assert_eq!(emit_key_data(&items).unwrap(), kd);
    // Overflowing length: one error item, then the end.
    let bad = [0xdd, 0xff, 0, 0x0f, 0xac, 1];
    let mut it = KeyDataItems::new(&bad);
    assert_eq!(it.next(), Some(Err(Error::Truncated)));
    assert_eq!(it.next(), None);
    assert_eq!(it.error(), Some(Error::Truncated));
    // Lone 0xdd is padding.
    assert_eq!(
        KeyDataItems::new(&[0xdd]).next(),
        Some(Ok(KeyDataItem::Padding(&[0xdd][..])))
    );
}

#[derive(Debug, Clone)]
enum Spec {
    Gtk(u8, u8, Vec<u8>),
    Mac([u8; 6]),
    Pmkid([u8; 16]),
    Nonce([u8; 32]),
    Lifetime([u8; 4]),
    Err(u16, u16),
    Igtk(u16, [u8; 6], Vec<u8>),
    Oci(Vec<u8>),
    Bigtk(u16, [u8; 6], Vec<u8>),
    Other([u8; 3], u8, Vec<u8>),
    Element(u8, Vec<u8>),
}

fn spec() -> impl Strategy<Value = Spec> {
    let d = || pvec(any::<u8>(), 0..40);
    prop_oneof![
        (any::<u8>(), any::<u8>(), d()).prop_map(|(a, b, c)| Spec::Gtk(a, b, c)),
        any::<[u8; 6]>().prop_map(Spec::Mac),
        any::<[u8; 16]>().prop_map(Spec::Pmkid),
        any::<[u8; 32]>().prop_map(Spec::Nonce),
        any::<[u8; 4]>().prop_map(Spec::Lifetime),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Spec::Err(a, b)),
        (any::<u16>(), any::<[u8; 6]>(), d()).prop_map(|(a, b, c)| Spec::Igtk(a, b, c)),
        d().prop_map(Spec::Oci),
        (any::<u16>(), any::<[u8; 6]>(), d()).prop_map(|(a, b, c)| Spec::Bigtk(a, b, c)),
        (
            any::<[u8; 3]>().prop_filter("not IEEE", |o| *o != OUI_IEEE),
            any::<u8>(),
            d()
        )
            .prop_map(|(a, b, c)| Spec::Other(a, b, c)),
        (15u8..30, d()).prop_map(|(t, c)| Spec::Other(OUI_IEEE, t, c)),
        (any::<u8>().prop_filter("not 0xdd", |i| *i != 0xdd), d())
            .prop_map(|(a, b)| Spec::Element(a, b)),
    ]
}

fn item(s: &Spec) -> KeyDataItem<'_> {
    KeyDataItem::Kde(match s {
        Spec::Gtk(f, r, g) => Kde::Gtk {
            flags: *f,
            reserved: *r,
            gtk: g,
        },
        Spec::Mac(m) => Kde::MacAddr(crate::MacAddr(*m)),
        Spec::Pmkid(p) => Kde::Pmkid(*p),
        Spec::Nonce(n) => Kde::Nonce(*n),
        Spec::Lifetime(l) => Kde::Lifetime(*l),
        Spec::Err(a, b) => Kde::Error {
            mui: *a,
            error_type: *b,
        },
        Spec::Igtk(k, p, g) => Kde::Igtk {
            key_id: *k,
            ipn: *p,
            igtk: g,
        },
        Spec::Oci(d) => Kde::Oci(d),
        Spec::Bigtk(k, p, g) => Kde::Bigtk {
            key_id: *k,
            bipn: *p,
            bigtk: g,
        },
        Spec::Other(o, t, d) => Kde::Other {
            oui: *o,
            data_type: *t,
            data: d,
        },
        Spec::Element(id, d) => return KeyDataItem::Element(Element { id: *id, data: d }),
    })
}

proptest! {
    #[test]
    fn round_trip(specs in pvec(spec(), 0..5), pad in 0usize..4, with_pad in any::<bool>()) {
        let mut items: Vec<KeyDataItem<'_>> = specs.iter().map(item).collect();
        let mut padding: Vec<u8> = vec![0xdd];
        padding.resize(pad + 1, 0);
        if with_pad {
            items.push(KeyDataItem::Padding(&padding));
        }
        let v = emit_key_data(&items).unwrap();
        let back: Vec<_> = KeyDataItems::new(&v).map(|i| i.unwrap()).collect();
        prop_assert_eq!(&back, &items);
        prop_assert_eq!(emit_key_data(&back).unwrap(), v);
    }

    #[test]
    fn no_panic(b in pvec(any::<u8>(), 0..120)) {
        let mut ok = Vec::new();
        let mut it = KeyDataItems::new(&b);
        for i in it.by_ref() {
            match i {
                Ok(i) => ok.push(i),
                Err(_) => break,
            }
        }
        let _ = (find_gtk(&b), find_igtk(&b), find_pmkid(&b), find_element(&b, 48));
        if it.error().is_none() {
            prop_assert_eq!(emit_key_data(&ok).unwrap(), b.clone());
        }
        let _ = Kde::parse(&b);
    }
}

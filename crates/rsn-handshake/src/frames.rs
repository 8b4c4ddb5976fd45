//! EAPOL-Key message construction, MIC and Key Data protection shared by both machines
//! and the validators (IEEE 802.11-2020 12.7.2, 12.7.6, 12.7.7).

use alloc::vec::Vec;

use rsn_crypto::keywrap::{aes_unwrap, aes_wrap, rc4_key_data};
use rsn_crypto::mic::{compute_mic, verify_mic, EAPOL_KEY_MIC_OFFSET};
use rsn_crypto::{Kck, Kek};
use rsn_wire::eapol::{DescriptorType, EapolKeyRepr, KeyDescriptorVersion, KeyInfo};
use rsn_wire::element::{ElementBody, FtSubelement, FteRepr, MdeRepr, RsneRepr};
use rsn_wire::kde::{emit_key_data, Kde, KeyDataItem};
use zeroize::Zeroizing;

use crate::suite::Suite;

/// The shape of one message: which Key Information bits it carries
/// (IEEE 802.11-2020 12.7.6.2-12.7.6.5, 12.7.7.2-12.7.7.3; failure catalog §1 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub pairwise: bool,
    pub install: bool,
    pub ack: bool,
    pub mic: bool,
    pub secure: bool,
    pub enc: bool,
}

impl Shape {
    pub(crate) const fn m1(secure: bool) -> Self {
        Shape {
            pairwise: true,
            install: false,
            ack: true,
            mic: false,
            secure,
            enc: false,
        }
    }
    pub(crate) const fn m2(secure: bool) -> Self {
        Shape {
            pairwise: true,
            install: false,
            ack: false,
            mic: true,
            secure,
            enc: false,
        }
    }
    pub(crate) const M3: Shape = Shape {
        pairwise: true,
        install: true,
        ack: true,
        mic: true,
        secure: true,
        enc: true,
    };
    pub(crate) const M4: Shape = Shape {
        pairwise: true,
        install: false,
        ack: false,
        mic: true,
        secure: true,
        enc: false,
    };
    pub(crate) const G1: Shape = Shape {
        pairwise: false,
        install: false,
        ack: true,
        mic: true,
        secure: true,
        enc: true,
    };
    pub(crate) const G2: Shape = Shape {
        pairwise: false,
        install: false,
        ack: false,
        mic: true,
        secure: true,
        enc: false,
    };

    pub(crate) fn key_info(self, suite: &Suite) -> KeyInfo {
        KeyInfo(0)
            .with_descriptor_version(KeyDescriptorVersion(suite.descriptor_version()))
            .with_key_type_pairwise(self.pairwise)
            .with_install(self.install)
            .with_key_ack(self.ack)
            .with_key_mic(self.mic)
            .with_secure(self.secure)
            .with_encrypted_key_data(self.enc)
    }
}

/// A frame with zero MIC, ready for key data and [`seal`].
pub(crate) fn base(
    suite: &Suite,
    eapol_version: u8,
    shape: Shape,
    key_length: u16,
    replay_counter: u64,
    nonce: [u8; 32],
) -> EapolKeyRepr {
    EapolKeyRepr {
        protocol_version: eapol_version,
        descriptor_type: DescriptorType::RSN,
        key_info: shape.key_info(suite),
        key_length,
        replay_counter,
        key_nonce: nonce,
        mic: alloc::vec![0; suite.mic_len()],
        ..Default::default()
    }
}

/// Emit `repr` and, with a KCK, fill in its MIC (IEEE 802.11-2020 12.7.2 h): computed over
/// the whole EAPOL PDU with the MIC field zero).
pub(crate) fn seal(suite: &Suite, repr: &EapolKeyRepr, kck: Option<&Kck>) -> Vec<u8> {
    let mut frame = repr.to_vec().unwrap_or_default();
    let (Some(kck), Ok(alg)) = (kck, suite.mic_algorithm()) else {
        return frame;
    };
    if let Ok(mic) = compute_mic(alg, kck, &frame, EAPOL_KEY_MIC_OFFSET) {
        if let Some(dst) =
            frame.get_mut(EAPOL_KEY_MIC_OFFSET..EAPOL_KEY_MIC_OFFSET + mic.as_bytes().len())
        {
            dst.copy_from_slice(mic.as_bytes());
        }
    }
    frame
}

/// Does the MIC of `repr` verify with `kck`?
pub(crate) fn mic_ok(suite: &Suite, repr: &EapolKeyRepr, kck: &Kck) -> bool {
    let (Ok(frame), Ok(alg)) = (repr.to_vec(), suite.mic_algorithm()) else {
        return false;
    };
    alg.mic_len() == repr.mic.len() && verify_mic(alg, kck, &frame, EAPOL_KEY_MIC_OFFSET).is_ok()
}

/// Encrypt Key Data into `repr` (IEEE 802.11-2020 12.7.2 j): AES key wrap with padding,
/// or for descriptor version 1 RC4 keyed with EAPOL-Key IV || KEK, `iv` from entropy).
pub(crate) fn put_encrypted_key_data(
    suite: &Suite,
    repr: &mut EapolKeyRepr,
    kek: &Kek,
    plain: &[u8],
    iv: [u8; 16],
) {
    if suite.rc4_key_data() {
        let mut data = plain.to_vec();
        repr.key_iv = iv;
        if rc4_key_data(kek, &iv, &mut data).is_ok() {
            repr.key_data = data;
        }
    } else if let Ok(w) = aes_wrap(kek, plain) {
        repr.key_data = w;
    }
}

/// Decrypt the Key Data of `repr`; `None` if it does not unwrap.
pub(crate) fn decrypt_key_data(
    suite: &Suite,
    repr: &EapolKeyRepr,
    kek: &Kek,
) -> Option<Zeroizing<Vec<u8>>> {
    if suite.rc4_key_data() {
        let mut data = Zeroizing::new(repr.key_data.clone());
        rc4_key_data(kek, &repr.key_iv, &mut data).ok()?;
        Some(data)
    } else {
        aes_unwrap(kek, &repr.key_data).ok()
    }
}

/// GTK KDE (IEEE 802.11-2020 Figure 12-36): Key ID in bits 0-1, Tx bit 0 (pairwise keys in
/// use), then the GTK.
pub(crate) fn gtk_kde(key_id: u8, gtk: &[u8]) -> KeyDataItem<'_> {
    KeyDataItem::Kde(Kde::Gtk {
        flags: key_id & 3,
        reserved: 0,
        gtk,
    })
}

/// IGTK KDE (IEEE 802.11-2020 Figure 12-43).
pub(crate) fn igtk_kde(key_id: u16, ipn: [u8; 6], igtk: &[u8]) -> KeyDataItem<'_> {
    KeyDataItem::Kde(Kde::Igtk { key_id, ipn, igtk })
}

/// Key Data from items (elements and KDEs).
pub(crate) fn key_data(items: &[KeyDataItem<'_>]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(emit_key_data(items).unwrap_or_default())
}

/// An RSNE element (header included) with its PMKID list replaced.
pub(crate) fn rsne_with_pmkids(rsne_element: &[u8], pmkids: Vec<[u8; 16]>) -> Option<Vec<u8>> {
    let mut r = RsneRepr::parse(rsne_element.get(2..)?).ok()?;
    if r.capabilities.is_none() {
        r.capabilities = Some(Default::default());
    }
    r.pmkids = Some(pmkids);
    r.to_element_vec().ok()
}

/// RSNE equality ignoring the PMKID list (hostapd `wpa_compare_rsn_ie` in FT mode).
pub(crate) fn rsne_eq_except_pmkids(a: &RsneRepr, b: &RsneRepr) -> bool {
    a.version == b.version
        && a.group_data_cipher == b.group_data_cipher
        && a.pairwise_ciphers == b.pairwise_ciphers
        && a.akms == b.akms
        && a.capabilities.unwrap_or_default() == b.capabilities.unwrap_or_default()
        && a.group_mgmt_cipher == b.group_mgmt_cipher
        && a.extra == b.extra
}

/// The MDE of an FT association.
pub(crate) fn mde(mdid: [u8; 2], ft_capability: u8) -> Vec<u8> {
    MdeRepr {
        mdid,
        ft_capability,
        extra: Vec::new(),
    }
    .to_element_vec()
    .unwrap_or_default()
}

/// The FTE of the (Re)Association Response of an FT initial MD association, which M2
/// repeats (IEEE 802.11-2020 13.4.2): zero MIC and nonces, R1KH-ID and R0KH-ID.
pub(crate) fn assoc_resp_fte(
    mic_len: usize,
    r1kh_id: rsn_wire::MacAddr,
    r0kh_id: &[u8],
) -> Vec<u8> {
    FteRepr {
        mic_control: 0,
        mic: alloc::vec![0; mic_len],
        anonce: [0; 32],
        snonce: [0; 32],
        subelements: alloc::vec![
            FtSubelement::R1khId(r1kh_id),
            FtSubelement::R0khId(r0kh_id.to_vec())
        ],
    }
    .to_element_vec()
    .unwrap_or_default()
}

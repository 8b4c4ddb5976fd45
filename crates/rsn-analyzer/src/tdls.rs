//! TDLS direct links: the TPK handshake carried through the AP, and the TPK that protects
//! the direct-link frames (IEEE 802.11-2016 12.7.9.2, "TPK handshake"; numbering of
//! 802.11-2020 not checked here).

use rsn_crypto::mic::{eapol_key_mic, MicAlgorithm};
use rsn_crypto::{kdf_sha256, Kck};
use rsn_wire::element::{id as eid, ElementBody, Elements, RsneRepr};
use rsn_wire::{Cipher, MacAddr};
use sha2::{Digest, Sha256};

/// EtherType of TDLS frames (IEEE 802.11-2020 Annex: 89-0d, payload type 2).
pub const ETHERTYPE_TDLS: u16 = 0x890d;

/// A TPK established by a verified Setup Confirm.
pub(crate) struct Tpk {
    pub initiator: MacAddr,
    pub responder: MacAddr,
    pub cipher: Cipher,
    pub tk: zeroize::Zeroizing<Vec<u8>>,
}

/// Element ID of the Link Identifier.
const LINK_ID: u8 = 101;

/// Parse a TDLS Setup Confirm (action 2) and derive its TPK; `None` unless the confirm
/// succeeded and its FTE MIC verifies with the derived TPK-KCK.
pub(crate) fn tpk_from_confirm(payload: &[u8]) -> Option<Tpk> {
    // payload type 2 (TDLS), category 12 (TDLS), action 2 (Setup Confirm),
    // Status Code (2), Dialog Token (1), elements.
    let (head, elements) = (payload.get(..6)?, payload.get(6..)?);
    if head.first() != Some(&2) || head.get(1) != Some(&12) || head.get(2) != Some(&2) {
        return None;
    }
    if head.get(3..5)? != [0, 0] {
        return None;
    }
    let link = Elements::find(elements, LINK_ID)?;
    let (bssid, init, resp) = (
        MacAddr::from_slice(link.data.get(0..6)?)?,
        MacAddr::from_slice(link.data.get(6..12)?)?,
        MacAddr::from_slice(link.data.get(12..18)?)?,
    );
    let fte = Elements::find(elements, eid::FAST_BSS_TRANSITION)?;
    // FTE: MIC Control (2), MIC (16), ANonce (32), SNonce (32), ...
    let anonce = fte.data.get(18..50)?;
    let snonce = fte.data.get(50..82)?;
    let rsne_el = Elements::find(elements, eid::RSN)?;
    let rsne = RsneRepr::parse_element(&rsne_el).ok()?;
    let cipher = rsne.pairwise_list().first().copied()?.normalized();
    let tk_len = match cipher {
        Cipher::CCMP128 | Cipher::GCMP128 => 16,
        Cipher::CCMP256 | Cipher::GCMP256 => 32,
        _ => return None,
    };
    // TPK-Key-Input = SHA-256(min(SNonce, ANonce) || max(SNonce, ANonce)).
    let (lo, hi) = if snonce < anonce {
        (snonce, anonce)
    } else {
        (anonce, snonce)
    };
    let key_input: [u8; 32] = Sha256::new()
        .chain_update(lo)
        .chain_update(hi)
        .finalize()
        .into();
    // TPK = KDF-SHA256(TPK-Key-Input, "TDLS PMK", min(MAC_I, MAC_R) || max(MAC_I, MAC_R) || BSSID).
    let (a, b) = if init < resp {
        (init, resp)
    } else {
        (resp, init)
    };
    let mut ctx = [0u8; 18];
    ctx[..6].copy_from_slice(&a.0);
    ctx[6..12].copy_from_slice(&b.0);
    ctx[12..].copy_from_slice(&bssid.0);
    let mut tpk = zeroize::Zeroizing::new(vec![0u8; 16 + tk_len]);
    kdf_sha256(&key_input, b"TDLS PMK", &ctx, &mut tpk).ok()?;
    // Verify the FTE MIC (AES-CMAC with TPK-KCK over initiator || responder || transaction
    // sequence 3 || Link Identifier || RSNE || Timeout Interval || FTE with MIC zeroed).
    let timeout = Elements::find(elements, eid::TIMEOUT_INTERVAL)?;
    let mut buf = Vec::with_capacity(256);
    buf.extend_from_slice(&init.0);
    buf.extend_from_slice(&resp.0);
    buf.push(3);
    for e in [&link, &rsne_el, &timeout] {
        buf.push(e.id);
        buf.push(u8::try_from(e.data.len()).ok()?);
        buf.extend_from_slice(e.data);
    }
    buf.push(fte.id);
    buf.push(u8::try_from(fte.data.len()).ok()?);
    let mic_at = buf.len() + 2;
    buf.extend_from_slice(fte.data);
    let carried = fte.data.get(2..18)?.to_vec();
    buf.get_mut(mic_at..mic_at + 16)?.fill(0);
    let kck = Kck::from_slice(tpk.get(..16)?).ok()?;
    let mic = eapol_key_mic(MicAlgorithm::AesCmac128, &kck, &buf).ok()?;
    if mic.as_bytes() != carried.as_slice() {
        return None;
    }
    Some(Tpk {
        initiator: init,
        responder: resp,
        cipher,
        tk: zeroize::Zeroizing::new(tpk.get(16..)?.to_vec()),
    })
}

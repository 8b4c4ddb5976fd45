//! EAPOL-Key frames: classification, placement into exchanges, PTK derivation from the
//! candidate PMKs, MIC verdicts, key data unwrapping and GTK installation.
use std::sync::Arc;

use rsn_crypto::{ft, keywrap, mic, suites, CryptoError, Kck, Kek, Ptk};
use rsn_wire::eapol::{DescriptorType, EapolKey, EapolPacket, EapolType};
use rsn_wire::element::{id as eid, ElementBody, FteRepr, MdeRepr, RsneRepr, WpaIeRepr};
use rsn_wire::kde::{Kde, KeyDataItem, KeyDataItems};
use rsn_wire::{Akm, Cipher, MacAddr};

use super::*;
use crate::classify::{classify, Context, KeyFacts, MsgKind};
use crate::exchange::{Exchange, Kind, MicState, MsgRec, State};
use crate::keys::{Candidate, KeySource};
use crate::keyslot::{ciphers_for_len, KeySlot};
use crate::report;

impl Analyzer {
    // ---------------------------------------------------------------- EAPOL

    #[allow(clippy::too_many_arguments)]
    pub(super) fn eapol(
        &mut self,
        n: u64,
        ts: i128,
        ta: MacAddr,
        ra: MacAddr,
        payload: &[u8],
        encrypted: bool,
        mac_retry: bool,
    ) {
        let Ok(pkt) = EapolPacket::new_checked(payload) else {
            self.summary.skipped.malformed_eapol += 1;
            self.problem(n, None, "EAPOL frame too short".into());
            return;
        };
        if pkt.packet_type() != EapolType::KEY {
            // IEEE 802.1X-2020 11.3: EAPOL-EAP carries the EAP exchange that yields the MSK.
            if pkt.packet_type() == EapolType::EAP && !mac_retry {
                if let Some(c) = &mut self.enterprise {
                    c.push_eapol_eap(n, ts, ta, ra, pkt.body());
                    self.take_sessions();
                }
            }
            return;
        }
        self.summary.eapol_key_frames += 1;
        if mac_retry {
            return;
        }
        // The MIC length follows from the AKM (failure-catalog §1); before the AKM is known,
        // from the lengths the frame itself declares.
        let akm = self
            .pairs
            .get(&(ta, ra))
            .or_else(|| self.pairs.get(&(ra, ta)))
            .and_then(|p| p.akm);
        let mut mic_len = akm
            .and_then(suites::akm_params)
            .map(|p| p.mic_len)
            .unwrap_or(16);
        let cands = rsn_wire::eapol::candidate_mic_lens(payload);
        if !cands.contains(&mic_len) {
            if let Some(c) = cands.first() {
                mic_len = *c;
            }
        }
        let Ok(k) = EapolKey::new_checked(payload, mic_len) else {
            self.summary.skipped.malformed_eapol += 1;
            self.problem(
                n,
                None,
                format!("EAPOL-Key frame malformed (MIC length {mic_len})"),
            );
            return;
        };
        let dt = k.descriptor_type();
        if dt != DescriptorType::RSN && dt != DescriptorType::WPA {
            self.problem(
                n,
                None,
                format!(
                    "EAPOL-Key descriptor type {} not RSN (2) or WPA (254)",
                    dt.0
                ),
            );
            return;
        }
        let info = k.key_info();
        let facts = KeyFacts {
            pairwise: info.key_type_pairwise(),
            ack: info.key_ack(),
            mic: info.key_mic(),
            secure: info.secure(),
            install: info.install(),
            request: info.request(),
            zero_nonce: k.key_nonce() == [0u8; 32],
            empty_key_data: k.key_data_len() == 0,
            replay_counter: k.replay_counter(),
        };
        // Roles from the Key Ack bit: the authenticator sends Ack=1 messages.
        let (auth, supp) = if facts.ack && !facts.request {
            (ta, ra)
        } else {
            (ra, ta)
        };
        let pkey = (auth, supp);
        self.pair(pkey);
        let open =
            self.pairs
                .get(&pkey)
                .and_then(|p| if facts.pairwise { p.open } else { p.open_group });
        let (m1s, m3s) = match open.and_then(|i| self.exchanges.get(i)) {
            Some(x) => (x.counters_of(MsgKind::M1), x.counters_of(MsgKind::M3)),
            None => (Vec::new(), Vec::new()),
        };
        let kind = classify(
            &facts,
            Context {
                m1_counters: &m1s,
                m3_counters: &m3s,
            },
        );
        if kind == MsgKind::Request {
            let time = self.time(ts);
            if let Some(p) = self.pairs.get_mut(&pkey) {
                let what = if info.error() {
                    "MIC failure report (EAPOL-Key Error+Request)"
                } else {
                    "EAPOL-Key request"
                };
                Evidence::push_capped(&mut p.ev.eapol_requests, (n, info.error(), facts.pairwise));
                Evidence::push_capped(
                    &mut p.events,
                    report::Event {
                        frame: n,
                        time,
                        kind: "eapol-request".into(),
                        from: "sta".into(),
                        detail: what.into(),
                    },
                );
            }
            return;
        }
        let frame_bytes = k.frame().unwrap_or(payload);
        let rec = MsgRec {
            kind,
            frame: n,
            ts_ns: ts,
            replay_counter: facts.replay_counter,
            encrypted,
            retransmission: false,
            mic: if facts.mic && mic_len > 0 {
                MicState::Unverified
            } else {
                MicState::Absent
            },
            nonce: k.key_nonce(),
            version: info.descriptor_version().0,
            mic_len,
            raw: Some(frame_bytes.to_vec().into_boxed_slice()),
            unwrapped: false,
            plain: None,
        };
        if kind == MsgKind::M2 {
            self.learn_from_m2(pkey, k.key_data(), dt == DescriptorType::WPA);
        }
        let idx = self.place(pkey, rec, encrypted);
        if let Some(i) = idx {
            self.resolve(i);
        }
    }

    /// Put a message into its exchange (starting one when needed); returns the exchange index.
    pub(super) fn place(
        &mut self,
        pkey: (MacAddr, MacAddr),
        mut rec: MsgRec,
        encrypted: bool,
    ) -> Option<usize> {
        let pair = self.pairs.get_mut(&pkey)?;
        let group = matches!(rec.kind, MsgKind::G1 | MsgKind::G2);
        let open = if group { pair.open_group } else { pair.open };
        // Messages more than EXCHANGE_GAP apart do not belong to one exchange (retransmission
        // timers are about a second, IEEE 802.11-2020 12.7.6.6); a gap closes the old one.
        let recent = |x: &Exchange| {
            x.messages
                .last()
                .is_none_or(|l| rec.ts_ns.saturating_sub(l.ts_ns) <= EXCHANGE_GAP_NS)
        };
        if let Some(stale) = open.filter(|i| {
            self.exchanges
                .get(*i)
                .is_some_and(|x| x.state == State::Open && !recent(x))
        }) {
            if let Some(x) = self.exchanges.get_mut(stale) {
                x.fail(format!(
                    "abandoned: no further message for more than {} s",
                    EXCHANGE_GAP_NS / 1_000_000_000
                ));
            }
        }
        let open_ok = open.filter(|i| {
            self.exchanges
                .get(*i)
                .is_some_and(|x| x.state == State::Open && x.epoch == pair.epoch)
        });
        // A late message of the most recent exchange (a retransmitted M3 after M4 — the KRACK
        // pattern —, an M4 after completion was inferred from data, a late M2) joins it.
        let late = if open_ok.is_none() && !group {
            pair.last.filter(|i| {
                self.exchanges.get(*i).is_some_and(|x| {
                    x.epoch == pair.epoch
                        && recent(x)
                        && match rec.kind {
                            MsgKind::M2 => x.counters_of(MsgKind::M1).contains(&rec.replay_counter),
                            MsgKind::M3 => x.anonces().contains(&rec.nonce),
                            MsgKind::M4 => x.counters_of(MsgKind::M3).contains(&rec.replay_counter),
                            _ => false,
                        }
                })
            })
        } else {
            None
        };
        let open_ok = open_ok.or(late);
        let start_new = match (rec.kind, open_ok.and_then(|i| self.exchanges.get(i))) {
            (_, None) => true,
            // A new M1 after M3 (or with a new ANonce after M3) starts a new exchange.
            (MsgKind::M1, Some(x)) => {
                x.has(MsgKind::M3) || x.has(MsgKind::M4) || x.state != State::Open
            }
            (MsgKind::G1, Some(x)) => {
                x.has(MsgKind::G2)
                    || !x
                        .messages
                        .iter()
                        .any(|m| m.kind == MsgKind::G1 && m.raw_key_data_eq(&rec))
            }
            _ => false,
        };
        let idx = if start_new {
            if let Some(old) = open_ok
                .filter(|i| Some(*i) != late)
                .and_then(|i| self.exchanges.get_mut(i))
            {
                old.fail(format!(
                    "superseded by a new exchange at frame {}",
                    rec.frame
                ));
            }
            if self.exchanges.len() >= self.limits.max_exchanges {
                return None;
            }
            let kind = if group {
                Kind::Group
            } else if encrypted
                // A plaintext exchange after a completed one is a rekey only if the capture shows
                // the association both belong to; otherwise a (re)association the sniffer
                // missed is as likely.
                || (pair.epoch > 0
                    && pair.ptks.iter().any(|p| {
                        self.exchanges
                            .get(p.exchange)
                            .is_some_and(|x| x.epoch == pair.epoch)
                    }))
            {
                Kind::Rekey
            } else if pair.akm.is_some_and(|a| a.is_ft()) {
                Kind::Ft4Way
            } else {
                Kind::FourWay
            };
            let mut x = Exchange::new(pkey.0, pkey.1, kind, pair.epoch);
            x.akm = pair.akm;
            if !group {
                x.assoc = pair.ev.assoc.clone().filter(|_| pair.epoch > 0);
                x.previous = pair.last;
            }
            x.cipher = if group {
                pair.group_cipher
            } else {
                pair.cipher
            };
            self.exchanges.push(x);
            let i = self.exchanges.len() - 1;
            if group {
                pair.open_group = Some(i);
            } else {
                pair.open = Some(i);
                pair.last = Some(i);
            }
            i
        } else {
            open_ok?
        };
        let x = self.exchanges.get_mut(idx)?;
        rec.retransmission = x.messages.iter().any(|m| m.kind == rec.kind);
        if x.akm.is_none() {
            x.akm = pair.akm;
        }
        if x.cipher.is_none() && !group {
            x.cipher = pair.cipher;
        }
        let kind = rec.kind;
        x.messages.push(rec);
        match kind {
            MsgKind::M4 | MsgKind::G2 => {
                if x.state == State::Open {
                    x.state = State::Completed;
                }
                // Completion had been inferred from data; the M4 itself shows up after all.
                if x.inferred && kind == MsgKind::M4 {
                    x.inferred = false;
                    x.reason = None;
                }
                if group {
                    pair.open_group = None;
                }
            }
            // An M3 with a new replay counter after M4: the AP did not take that M4 (lost on
            // the air, or rejected): the exchange is open again until an M4 is taken or the AP
            // gives up (IEEE 802.11-2020 12.7.6.6).
            MsgKind::M3 if x.state == State::Completed && !x.inferred => {
                let after_m4 = x
                    .messages
                    .iter()
                    .rev()
                    .skip(1)
                    .find(|m| matches!(m.kind, MsgKind::M3 | MsgKind::M4))
                    .is_some_and(|m| m.kind == MsgKind::M4);
                if after_m4 {
                    x.state = State::Open;
                    pair.open = Some(idx);
                }
            }
            _ => {}
        }
        Some(idx)
    }

    pub(super) fn learn_from_m2(&mut self, pkey: (MacAddr, MacAddr), key_data: &[u8], wpa1: bool) {
        let Some(pair) = self.pairs.get_mut(&pkey) else {
            return;
        };
        for item in KeyDataItems::new(key_data).flatten() {
            match item {
                KeyDataItem::Element(e) if e.id == eid::RSN => {
                    if let Ok(r) = RsneRepr::parse_element(&e) {
                        if pair.akm.is_none() {
                            pair.akm = r.akm_list().first().copied();
                        }
                        if pair.cipher.is_none() {
                            pair.cipher = r.pairwise_list().first().copied();
                        }
                        if pair.group_cipher.is_none() {
                            pair.group_cipher = r.group_data_cipher;
                        }
                    }
                }
                KeyDataItem::Element(e) if e.id == eid::MOBILITY_DOMAIN => {
                    if let Ok(m) = MdeRepr::parse_element(&e) {
                        pair.mdid = Some(m.mdid);
                    }
                }
                KeyDataItem::Element(e) if e.id == eid::FAST_BSS_TRANSITION => {
                    if let Ok(f) = FteRepr::parse(e.data) {
                        if let Some(id) = f.r0kh_id() {
                            pair.r0kh_id = Some(id.to_vec());
                        }
                        pair.r1kh_id = f.r1kh_id().or(pair.r1kh_id);
                    }
                }
                KeyDataItem::Kde(Kde::Other {
                    oui: [0x00, 0x50, 0xf2],
                    data_type: 1,
                    data,
                }) if wpa1 || pair.akm.is_none() => {
                    let mut body = vec![0x00, 0x50, 0xf2, 0x01];
                    body.extend_from_slice(data);
                    if let Ok(w) = WpaIeRepr::parse(&body) {
                        pair.wpa1 = true;
                        if pair.akm.is_none() {
                            pair.akm = w.akms.as_ref().and_then(|l| l.first().copied());
                        }
                        if pair.cipher.is_none() {
                            pair.cipher =
                                w.pairwise_ciphers.as_ref().and_then(|l| l.first().copied());
                        }
                        if pair.group_cipher.is_none() {
                            pair.group_cipher = w.group_cipher;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A TDLS frame (through the AP): a verified Setup Confirm establishes a TPK.
    pub(super) fn tdls_frame(&mut self, payload: &[u8]) {
        if let Some(t) = crate::tdls::tpk_from_confirm(payload) {
            let id = self.slot_id();
            if let Some(slot) = KeySlot::new(id, t.cipher, &t.tk) {
                self.tdls.insert(sorted(t.initiator, t.responder), slot);
            }
        }
    }

    /// Derive the PTK of a pairwise exchange when enough is known, then decide its MICs.
    pub(super) fn resolve(&mut self, idx: usize) {
        let Some(x) = self.exchanges.get(idx) else {
            return;
        };
        if x.kind == Kind::Group {
            self.resolve_group(idx);
            return;
        }
        let pkey = (x.ap, x.sta);
        if x.ptk.is_none() {
            self.derive(idx);
        }
        let Some(x) = self.exchanges.get(idx) else {
            return;
        };
        let have_candidates = x.tried.0 > 0;
        let m1_rcs = x.counters_of(MsgKind::M1);
        let has = |k: MsgKind| x.messages.iter().any(|m| m.kind == k);
        let (has_m1, has_m2, has_m3) = (has(MsgKind::M1), has(MsgKind::M2), has(MsgKind::M3));
        // A MIC is "invalid" only when every input of its PTK was captured; a message that
        // answers a frame the sniffer missed stays "unverified".
        let inputs_known: Vec<bool> = x
            .messages
            .iter()
            .map(|m| match m.kind {
                MsgKind::M2 => m1_rcs.contains(&m.replay_counter) || (!has_m1 && has_m3),
                MsgKind::M3 => has_m2,
                MsgKind::M4 => has_m2 && (has_m1 || has_m3),
                _ => false,
            })
            .collect();
        let Some(ptk) = x.ptk.clone() else {
            if have_candidates {
                if let Some(x) = self.exchanges.get_mut(idx) {
                    for (m, known) in x.messages.iter_mut().zip(&inputs_known) {
                        if m.mic == MicState::Unverified && *known {
                            m.mic = MicState::Invalid;
                        }
                    }
                }
            }
            return;
        };
        // The nonce pairs each message's MIC may use: the verified pair first.
        let (an0, sn0) = x.nonces.unwrap_or(([0; 32], [0; 32]));
        let anonces = x.anonces();
        let snonces = x.snonces();
        let options: Vec<Vec<([u8; 32], [u8; 32])>> = x
            .messages
            .iter()
            .map(|m| {
                let mut o = vec![];
                match m.kind {
                    MsgKind::M2 => {
                        for m1 in x.messages.iter().filter(|m1| {
                            m1.kind == MsgKind::M1 && m1.replay_counter == m.replay_counter
                        }) {
                            o.push((m1.nonce, m.nonce));
                        }
                        for a in &anonces {
                            o.push((*a, m.nonce));
                        }
                    }
                    MsgKind::M3 => {
                        o.push((an0, sn0));
                        for s in &snonces {
                            o.push((m.nonce, *s));
                        }
                    }
                    MsgKind::M4 => {
                        o.push((an0, sn0));
                        for a in &anonces {
                            for s in &snonces {
                                o.push((*a, *s));
                            }
                        }
                    }
                    _ => {}
                }
                o.dedup();
                o
            })
            .collect();
        let (ap, sta, akm, cipher, key, source) =
            (x.ap, x.sta, x.akm, x.cipher, x.key.clone(), x.source);
        let ctx = self.derive_context(ap, sta);
        let mut gtk_data: Vec<zeroize::Zeroizing<Vec<u8>>> = Vec::new();
        let mut better: Option<(Ptk, [u8; 32], [u8; 32])> = None;
        let Some(x) = self.exchanges.get_mut(idx) else {
            return;
        };
        for ((m, opts), known) in x.messages.iter_mut().zip(&options).zip(&inputs_known) {
            if !matches!(m.mic, MicState::Unverified | MicState::Invalid) {
                continue;
            }
            let Some(raw) = &m.raw else { continue };
            let mut kek = None;
            for (an, sn) in opts {
                let alt;
                let p: &Ptk = if (*an, *sn) == (an0, sn0) {
                    &ptk
                } else {
                    let (Some(a), Some(c), Some(k), Some(src)) = (akm, cipher, &key, source) else {
                        continue;
                    };
                    let cand = Candidate {
                        source: src,
                        key: k.clone(),
                    };
                    let Some(d) =
                        derive_one(&cand, a, c, ap, sta, an, sn, ctx.0.as_deref(), Some(&ctx.1))
                    else {
                        continue;
                    };
                    alt = d;
                    &alt
                };
                if verify(akm, m.version, &p.kck, raw).is_ok() {
                    kek = Some(p.kek.clone());
                    // The AP keys M3 with the PTK it holds (and the client M4 with the one it
                    // installs): when that is not the pair first found (several M2s with other
                    // nonces), it is the PTK of the exchange.
                    if matches!(m.kind, MsgKind::M3 | MsgKind::M4)
                        && (*an, *sn) != (an0, sn0)
                        && better.is_none()
                    {
                        better = Some((p.clone(), *an, *sn));
                    }
                    break;
                }
            }
            m.mic = match (&kek, known) {
                (Some(_), _) => MicState::Valid,
                (None, true) => MicState::Invalid,
                (None, false) => MicState::Unverified,
            };
            if let (MsgKind::M3, Some(kek), false) = (m.kind, &kek, m.unwrapped) {
                m.unwrapped = true;
                if let Ok(k) = EapolKey::new_checked(&raw[..], m.mic_len) {
                    if let Some(plain) =
                        unwrap_key_data(akm, m.version, kek, &k.key_iv(), k.key_data())
                    {
                        m.plain = Some(plain.clone());
                        gtk_data.push(plain);
                    }
                }
            }
        }
        let ptk = match better {
            Some((p, an, sn)) => {
                let p = Arc::new(p);
                x.ptk = Some(p.clone());
                x.nonces = Some((an, sn));
                p
            }
            None => ptk,
        };
        let ap = x.ap;
        let group_cipher = self.pairs.get(&pkey).and_then(|p| p.group_cipher);
        for plain in gtk_data {
            self.install_gtks_from_kdes(ap, &plain, group_cipher);
        }
        // Completed with M4: install the PTK in the pair's ring.
        let Some(x) = self.exchanges.get_mut(idx) else {
            return;
        };
        if x.state == State::Completed && !x.installed {
            x.installed = true;
            let c = x.cipher;
            let id = self.next_slot;
            if let Some(pair) = self.pairs.get_mut(&pkey) {
                if let Some(slot) = c
                    .or(pair.cipher)
                    .and_then(|c| KeySlot::new(id, c, ptk.tk.expose_secret()))
                {
                    self.next_slot += 1;
                    install_ptk(pair, slot, idx, &ptk);
                }
                if pair.open == Some(idx) {
                    pair.open = None;
                }
            }
        }
    }

    /// Try every candidate PMK with the exchange's nonces until a MIC verifies.
    pub(super) fn derive(&mut self, idx: usize) {
        let Some(x) = self.exchanges.get(idx) else {
            return;
        };
        let (ap, sta) = (x.ap, x.sta);
        let anonces = x.anonces();
        let snonces = x.snonces();
        if anonces.is_empty() || snonces.is_empty() {
            return;
        }
        // The messages to test: every M2 (its own SNonce; the ANonce of the M1 it answers, by
        // replay counter, first), else an M3 or M4 with every nonce pair.
        let mut probes: Vec<Probe> = Vec::new();
        for m in x
            .messages
            .iter()
            .filter(|m| m.kind == MsgKind::M2 && m.mic != MicState::Absent)
        {
            let Some(raw) = m.raw.as_deref() else {
                continue;
            };
            let mut an: Vec<[u8; 32]> = x
                .messages
                .iter()
                .filter(|m1| m1.kind == MsgKind::M1 && m1.replay_counter == m.replay_counter)
                .map(|m1| m1.nonce)
                .collect();
            for a in &anonces {
                if !an.contains(a) {
                    an.push(*a);
                }
            }
            probes.push((raw.to_vec(), m.version, an, vec![m.nonce]));
        }
        probes.sort_by_key(|p| std::cmp::Reverse(p.2.len()));
        if probes.is_empty() {
            if let Some(m) = x.messages.iter().find(|m| {
                matches!(m.kind, MsgKind::M3 | MsgKind::M4)
                    && m.mic != MicState::Absent
                    && m.raw.is_some()
            }) {
                probes.push((
                    m.raw.as_deref().unwrap_or(&[]).to_vec(),
                    m.version,
                    anonces.clone(),
                    snonces.clone(),
                ));
            }
        }
        let Some(probe_version) = probes.first().map(|p| p.1) else {
            return;
        };
        let pair = self.pairs.get(&(ap, sta));
        let akm = x.akm.or(pair.and_then(|p| p.akm));
        let cipher = x.cipher.or(pair.and_then(|p| p.cipher));
        let known_source = pair.and_then(|p| p.verified_source);
        let (ssid, ft_ids) = self.derive_context(ap, sta);
        let ft_ids = Some(ft_ids);
        let mut cands = self
            .pmks
            .candidates(&self.keys, ssid.as_deref(), akm, Some(sta));
        if let Some(s) = known_source {
            cands.sort_by_key(|c| c.source != s);
        }
        let tried = (cands.len(), anonces.len(), snonces.len());
        if tried == x.tried {
            return;
        }
        // Algorithms to try: the AKM's (or, unknown, what the descriptor version implies).
        let akms: Vec<Akm> = match akm {
            Some(a) => vec![a],
            None => match probe_version {
                1 => vec![Akm::PSK],
                2 => vec![Akm::PSK, Akm::IEEE8021X],
                3 => vec![Akm::PSK_SHA256],
                _ => vec![Akm::SAE, Akm::PSK_SHA256],
            },
        };
        let ciphers: Vec<Cipher> = match cipher {
            Some(c) => vec![c.normalized()],
            None if probe_version == 1 => vec![Cipher::TKIP],
            None => vec![Cipher::CCMP128],
        };
        let mut found: Option<Found> = None;
        'search: for c in &cands {
            for a in &akms {
                for ci in &ciphers {
                    for (probe_raw, probe_version, an_list, sn_list) in &probes {
                        for an in an_list {
                            for sn in sn_list {
                                let Some(ptk) = derive_one(
                                    c,
                                    *a,
                                    *ci,
                                    ap,
                                    sta,
                                    an,
                                    sn,
                                    ssid.as_deref(),
                                    ft_ids.as_ref(),
                                ) else {
                                    continue;
                                };
                                if verify(Some(*a), *probe_version, &ptk.kck, probe_raw).is_ok() {
                                    found = Some((
                                        Arc::new(ptk),
                                        c.source,
                                        *a,
                                        *ci,
                                        *an,
                                        *sn,
                                        c.key.clone(),
                                    ));
                                    break 'search;
                                }
                            }
                        }
                    }
                }
            }
        }
        let Some(x) = self.exchanges.get_mut(idx) else {
            return;
        };
        x.tried = tried;
        if let Some((ptk, source, a, c, an, sn, key)) = found {
            x.ptk = Some(ptk);
            x.nonces = Some((an, sn));
            x.key = Some(key);
            x.source = Some(source);
            x.akm = Some(a);
            x.cipher = Some(c);
            if let Some(p) = self.pairs.get_mut(&(ap, sta)) {
                p.verified_source = Some(source);
                p.akm.get_or_insert(a);
                p.cipher.get_or_insert(c);
            }
        }
    }

    /// SSID and FT key holder names of a pair, for PTK derivation.
    pub(super) fn derive_context(&self, ap: MacAddr, sta: MacAddr) -> (Option<Vec<u8>>, FtIds) {
        let pair = self.pairs.get(&(ap, sta));
        let bss = self.bss.get(&ap);
        let ssid = pair
            .and_then(|p| p.ssid.clone())
            .or_else(|| bss.and_then(|b| b.ssid.clone()));
        let ids = FtIds {
            mdid: pair
                .and_then(|p| p.mdid)
                .or(bss.and_then(|b| b.mde.as_ref().map(|m| m.mdid))),
            r0kh_id: pair.and_then(|p| p.r0kh_id.clone()),
            r1kh_id: pair.and_then(|p| p.r1kh_id),
        };
        (ssid, ids)
    }

    pub(super) fn resolve_group(&mut self, idx: usize) {
        let Some(x) = self.exchanges.get(idx) else {
            return;
        };
        let (ap, sta) = (x.ap, x.sta);
        let Some(pair) = self.pairs.get(&(ap, sta)) else {
            return;
        };
        // The KCK/KEK of the installed PTKs (newest first), then of a PTK still pending.
        let mut keys: Vec<(Kck, Kek)> = pair
            .ptks
            .iter()
            .map(|p| (p.kck.clone(), p.kek.clone()))
            .collect();
        if let Some(ptk) = pair
            .open
            .and_then(|i| self.exchanges.get(i))
            .and_then(|o| o.ptk.clone())
        {
            keys.push((ptk.kck.clone(), ptk.kek.clone()));
        }
        let wpa1 = pair.wpa1;
        let group_cipher = pair.group_cipher.or_else(|| {
            self.bss.get(&ap).and_then(|b| {
                b.rsne
                    .as_ref()
                    .and_then(|r| r.group_data_cipher)
                    .or(b.wpa.as_ref().and_then(|w| w.group_cipher))
            })
        });
        let akm = pair.akm;
        if keys.is_empty() {
            return;
        }
        let mut installs: Vec<(u8, Vec<u8>)> = Vec::new();
        let mut kde_installs: Vec<Vec<u8>> = Vec::new();
        let Some(x) = self.exchanges.get_mut(idx) else {
            return;
        };
        for m in &mut x.messages {
            if !matches!(m.mic, MicState::Unverified | MicState::Invalid) {
                continue;
            }
            let Some(raw) = &m.raw else { continue };
            let mut verdict = MicState::Invalid;
            for (kck, kek) in &keys {
                if verify(akm, m.version, kck, raw).is_ok() {
                    verdict = MicState::Valid;
                    if m.kind == MsgKind::G1 && !m.unwrapped {
                        m.unwrapped = true;
                        if let Ok(k) = EapolKey::new_checked(&raw[..], m.mic_len) {
                            if let Some(plain) =
                                unwrap_key_data(akm, m.version, kek, &k.key_iv(), k.key_data())
                            {
                                m.plain = Some(plain.clone());
                                if wpa1 || k.descriptor_type() == DescriptorType::WPA {
                                    // WPA1: the key data is the bare GTK; its index is in Key Information.
                                    let len = usize::from(k.key_length()).min(plain.len());
                                    installs.push((
                                        k.key_info().key_index(),
                                        plain.get(..len).unwrap_or(&[]).to_vec(),
                                    ));
                                } else {
                                    kde_installs.push(plain.to_vec());
                                }
                            }
                        }
                    }
                    break;
                }
            }
            m.mic = verdict;
        }
        for (kid, gtk) in installs {
            self.install_gtk(ap, kid, &gtk, group_cipher);
        }
        for plain in kde_installs {
            self.install_gtks_from_kdes(ap, &plain, group_cipher);
        }
    }

    pub(super) fn install_gtks_from_kdes(
        &mut self,
        ap: MacAddr,
        plain: &[u8],
        group_cipher: Option<Cipher>,
    ) {
        let mut gtks = Vec::new();
        let mut igtks = Vec::new();
        for item in KeyDataItems::new(plain).flatten() {
            match item {
                KeyDataItem::Kde(kde @ Kde::Gtk { gtk, .. }) => {
                    gtks.push((kde.gtk_key_id().unwrap_or(0), gtk.to_vec()));
                }
                KeyDataItem::Kde(Kde::Igtk { key_id, ipn, igtk }) => {
                    let mut p = [0u8; 8];
                    p[..6].copy_from_slice(&ipn);
                    igtks.push((key_id, u64::from_le_bytes(p), igtk.to_vec()));
                }
                _ => {}
            }
        }
        for (kid, g) in gtks {
            self.install_gtk(ap, kid, &g, group_cipher);
        }
        for (kid, ipn, k) in igtks {
            self.install_igtk(ap, kid, ipn, &k);
        }
    }

    /// Keep an IGTK for BIP (IEEE 802.11-2020 12.7.2, IGTK KDE): the cipher is the BSS's
    /// group management cipher (BIP-CMAC-128 when the RSNE names none).
    fn install_igtk(&mut self, ap: MacAddr, key_id: u16, ipn: u64, igtk: &[u8]) {
        let b = self.bss.entry(ap).or_default();
        let cipher = b
            .rsne
            .as_ref()
            .and_then(|r| r.group_mgmt_cipher)
            .unwrap_or(Cipher::BIP_CMAC128);
        let Some(key) = rsn_crypto::Igtk::from_slice(igtk)
            .ok()
            .and_then(|k| rsn_crypto::bip::BipKey::new(cipher, &k).ok())
        else {
            return;
        };
        // The IPN in the KDE is the next one the AP will use.
        let last = ipn.saturating_sub(1);
        if let Some(e) = b.igtks.iter_mut().find(|e| e.key_id == key_id) {
            if e.raw.as_slice() == igtk {
                return; // the same key again (another client's M3, a retransmitted G1)
            }
            e.raw = zeroize::Zeroizing::new(igtk.to_vec());
            e.key = key;
            e.ipn = last;
            return;
        }
        b.igtks.insert(
            0,
            super::IgtkSlot {
                key_id,
                raw: zeroize::Zeroizing::new(igtk.to_vec()),
                key,
                ipn: last,
            },
        );
        b.igtks.truncate(2);
    }

    pub(super) fn install_gtk(
        &mut self,
        ap: MacAddr,
        key_id: u8,
        gtk: &[u8],
        cipher: Option<Cipher>,
    ) {
        let mut ciphers: Vec<Cipher> = cipher.map(|c| vec![c.normalized()]).unwrap_or_default();
        for c in ciphers_for_len(gtk.len()) {
            if !ciphers.contains(c) {
                ciphers.push(*c);
            }
        }
        let id = self.slot_id();
        let b = self.bss.entry(ap).or_default();
        // The same GTK again (retransmitted G1, or the M3 of each client): nothing new.
        if b.gtks
            .iter()
            .any(|g| g.key_id == key_id && g.key.as_slice() == gtk)
        {
            return;
        }
        for c in ciphers {
            if let Some(slot) = KeySlot::new(id, c, gtk) {
                b.gtks.insert(
                    0,
                    GroupKey {
                        key_id,
                        key: zeroize::Zeroizing::new(gtk.to_vec()),
                        slot,
                    },
                );
                b.gtks.truncate(GTK_RING);
                return;
            }
        }
    }
}

/// A message to test candidate keys on: (EAPOL frame, descriptor version, ANonces, SNonces).
type Probe = (Vec<u8>, u8, Vec<[u8; 32]>, Vec<[u8; 32]>);

/// What verified: (PTK, key source, AKM, cipher, ANonce, SNonce, PMK or XXKey).
type Found = (
    Arc<Ptk>,
    KeySource,
    Akm,
    Cipher,
    [u8; 32],
    [u8; 32],
    Arc<rsn_crypto::Pmk>,
);

/// Longest silence inside one exchange.
const EXCHANGE_GAP_NS: i128 = 10_000_000_000;

/// Verify an EAPOL-Key MIC with the algorithm the AKM and descriptor version call for.
pub(super) fn verify(
    akm: Option<Akm>,
    version: u8,
    kck: &Kck,
    raw: &[u8],
) -> Result<(), CryptoError> {
    let alg = match akm.and_then(suites::akm_params) {
        Some(p) => p
            .mic_algorithm(version)
            .or_else(|| mic::MicAlgorithm::from_descriptor_version(version)),
        None => mic::MicAlgorithm::from_descriptor_version(version),
    }
    .ok_or(CryptoError::UnsupportedAkm)?;
    mic::verify_mic(alg, kck, raw, mic::EAPOL_KEY_MIC_OFFSET)
}

/// Unwrap EAPOL-Key key data: RC4 for descriptor version 1, AES key wrap otherwise
/// (IEEE 802.11-2020 12.7.2 b) 1)).
pub(super) fn unwrap_key_data(
    akm: Option<Akm>,
    version: u8,
    kek: &Kek,
    iv: &[u8; 16],
    data: &[u8],
) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let aes = akm
        .and_then(suites::akm_params)
        .is_some_and(|p| p.aes_key_wrap)
        || version != 1;
    if aes {
        keywrap::aes_unwrap(kek, data).ok()
    } else {
        let mut v = zeroize::Zeroizing::new(data.to_vec());
        keywrap::rc4_key_data(kek, iv, &mut v).ok()?;
        Some(v)
    }
}

/// The FT key holder names of an association (IEEE 802.11-2020 12.7.1.7).
pub(super) struct FtIds {
    pub(super) mdid: Option<[u8; 2]>,
    pub(super) r0kh_id: Option<Vec<u8>>,
    pub(super) r1kh_id: Option<MacAddr>,
}

/// Derive one PTK candidate (FT or not).
#[allow(clippy::too_many_arguments)]
pub(super) fn derive_one(
    c: &Candidate,
    akm: Akm,
    cipher: Cipher,
    ap: MacAddr,
    sta: MacAddr,
    anonce: &[u8; 32],
    snonce: &[u8; 32],
    ssid: Option<&[u8]>,
    ft_ids: Option<&FtIds>,
) -> Option<Ptk> {
    if akm.is_ft() {
        // IEEE 802.11-2020 12.7.1.7: XXKey → PMK-R0 → PMK-R1 → PTK.
        let FtIds {
            mdid,
            r0kh_id: r0kh,
            r1kh_id: r1kh,
        } = ft_ids?;
        let (r0, r0n) =
            ft::derive_pmk_r0(akm, &c.key, ssid?, (*mdid)?, r0kh.as_deref()?, &sta).ok()?;
        let r1kh = r1kh.unwrap_or(ap);
        let (r1, r1n) = ft::derive_pmk_r1(akm, &r0, &r0n, &r1kh, &sta).ok()?;
        return ft::derive_ft_ptk(akm, cipher, &r1, &r1n, snonce, anonce, &ap, &sta)
            .ok()
            .map(|(p, _)| p);
    }
    let a = if akm.is_wpa1() { Akm::PSK } else { akm };
    rsn_crypto::derive_ptk(&c.key, a, cipher, &ap, &sta, anonce, snonce).ok()
}

impl MsgRec {
    /// Same key data as another G1 (a retransmission carries the same wrapped GTK).
    pub(super) fn raw_key_data_eq(&self, other: &MsgRec) -> bool {
        let get = |m: &MsgRec| -> Option<Vec<u8>> {
            let raw = m.raw.as_deref()?;
            EapolKey::new_checked(raw, m.mic_len)
                .ok()
                .map(|k| k.key_data().to_vec())
        };
        get(self) == get(other)
    }
}

//! EAPOL frames on the air: protection, sniffer and medium, what a key holder learns
//! from them, the frames each fault concerns; TKIP Michael MIC failure handling.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Sim<'_> {
    // ------------------------------------------------------------------ EAPOL

    pub(super) fn drop_matches(list: &[DropSpec], client: usize, msg: Msg, nth: u32) -> bool {
        list.iter().any(|d| {
            d.client as usize == client && d.msg == msg.name() && (d.nth == 0 || d.nth == nth)
        })
    }

    pub(super) fn send_eapol<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        side: Side,
        eapol: &[u8],
        protect: bool,
    ) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        if !link.up {
            return Ok(());
        }
        let msg = Msg::classify(eapol);
        let nth = match msg {
            Some(m) => {
                let c = &mut link.msg_tx[m.index()];
                *c += 1;
                *c
            }
            None => 0,
        };
        if side == Side::Sta {
            link.sta_view.on_eapol(eapol);
        }
        let (b, sta) = (link.bss, link.sta);
        let Some(bss) = self.bsss.get(b) else {
            return Ok(());
        };
        let bssid = bss.bssid;
        let seq = match side {
            Side::Ap => self.ap_seq(b),
            Side::Sta => self.sta_seq(l),
        };
        self.buf.clear();
        let mut body = Vec::with_capacity(eapol.len() + 8);
        body.extend_from_slice(&air::llc(ETHERTYPE_EAPOL));
        body.extend_from_slice(eapol);
        let dir = if side == Side::Ap { Dir::Down } else { Dir::Up };
        air::data(&mut self.buf, dir, bssid, sta, bssid, seq, &body);
        // Protect under the sender's installed PTK (PTK rekey, group key handshake).
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        let key = if side == Side::Ap {
            link.ap_ptk.as_mut()
        } else {
            link.sta_ptk.as_mut()
        };
        let mut used: Option<Zeroizing<Vec<u8>>> = None;
        let mut derivable = false;
        if let (true, Some(k)) = (protect, key) {
            let (pn, _) = k.take_pn();
            if k.key
                .encrypt(&self.buf, pn, k.key_id, &mut self.enc)
                .is_ok()
            {
                if !k.derivable {
                    k.derivable = link.obs.has_tk(&k.tk);
                }
                derivable = k.derivable;
                used = Some(k.tk.clone());
            }
        }
        let protected = used.is_some();
        let client = l;
        let missed = msg.is_some_and(|m| Self::drop_matches(&self.sc.sniffer.drop, client, m, nth));
        let n = self.capture_buf(sink, protected, missed)?;
        if protected {
            self.account_protected(n, derivable);
        }
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        if missed {
            link.exchange.sniffer_missed = true;
        }
        if let Some(n) = n {
            link.exchange.frames.push(n);
        }
        // What a key holder learns from it.
        if n.is_some() && (!protected || derivable) {
            let (gtks, _) = link.obs.on_eapol(eapol);
            if let Some(bss) = self.bsss.get_mut(b) {
                for g in gtks {
                    if !bss
                        .derivable_gtks
                        .iter()
                        .any(|x| x.as_slice() == g.as_slice())
                    {
                        bss.derivable_gtks.push(g);
                    }
                }
            }
        }
        self.tag_eapol(l, msg, n, protected);
        // The medium.
        let forced = msg.is_some_and(|m| Self::drop_matches(&self.sc.air.drop, client, m, nth));
        let retry_start = self.frames;
        let arrived = self.medium(sink, protected, forced)?;
        for rn in retry_start + 1..=self.frames {
            if protected {
                self.account_protected(Some(rn), derivable);
            }
            if let Some(link) = self.links.get_mut(l) {
                link.exchange.frames.push(rn);
            }
        }
        if arrived {
            let epoch = self.links.get(l).map_or(0, |x| x.epoch);
            let to = if side == Side::Ap {
                Side::Sta
            } else {
                Side::Ap
            };
            let t = self.last_ts + self.sc.air.delay_us;
            self.push(
                t,
                Ev::Deliver {
                    link: l,
                    epoch,
                    to,
                    eapol: eapol.to_vec(),
                    key: used,
                },
            );
        }
        Ok(())
    }

    pub(super) fn tag_eapol(
        &mut self,
        l: usize,
        msg: Option<Msg>,
        n: Option<u64>,
        protected: bool,
    ) {
        let Some(link) = self.links.get(l) else {
            return;
        };
        let Some(net) = self.bsss.get(link.bss).and_then(|b| self.nets.get(b.net)) else {
            return;
        };
        let sf = &link.sup_fault_names;
        let af = &net.auth_fault_names;
        let mut codes: Vec<&'static str> = Vec::new();
        match msg {
            Some(Msg::M1) => {
                if af.contains(&"change_anonce_in_m3") {
                    codes.push("anonce-changed");
                }
                if af.contains(&"new_anonce_per_m1_retry") {
                    codes.push("stale-anonce");
                }
                if af.contains(&"bogus_pmkid_in_m1") {
                    codes.push("bogus-pmkid");
                }
                if af.contains(&"replay_counter_not_incrementing") {
                    codes.push("replay-counter");
                }
                if sf.contains(&"offer_pmkid") && link.msg_tx[0] == 1 {
                    codes.push("pmkid-mismatch");
                }
            }
            Some(Msg::M2) => {
                if sf.contains(&"stale_ptk_on_rekey") && link.rekeying {
                    codes.push("stale-ptk");
                }
                if sf.contains(&"extra_pmkids_in_ft_m2") {
                    codes.push("ft-pmkid-list");
                }
                if link.wrong_key {
                    codes.push("wrong-psk");
                }
                if link.stale_pmk {
                    codes.push("stale-pmk");
                }
                if sf.contains(&"wrong_replay_counter_in_m2") {
                    codes.push("replay-counter");
                }
                if sf.contains(&"snonce_per_retransmission") {
                    codes.push("snonce-changed");
                }
            }
            Some(Msg::M3) => {
                if af.contains(&"change_anonce_in_m3") {
                    codes.push("anonce-changed");
                }
                if af.contains(&"replay_counter_not_incrementing") {
                    codes.push("replay-counter");
                }
                if sf.contains(&"ignore_m3") {
                    codes.push("m3-unanswered");
                }
            }
            Some(Msg::G1) if sf.contains(&"ignore_g1") => codes.push("group-key-timeout"),
            _ => {}
        }
        if link.rekeying
            && !protected
            && (af.contains(&"unprotected_eapol") || sf.contains(&"unprotected_eapol"))
        {
            codes.push("rekey-unprotected-eapol");
        }
        let is_m3 = msg == Some(Msg::M3);
        for c in codes {
            self.tag(l, c, n);
        }
        if is_m3 {
            if let (Some(link), Some(n)) = (self.links.get_mut(l), n) {
                link.last_m3_frame = Some(n);
            }
        }
    }

    pub(super) fn deliver<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        epoch: u32,
        to: Side,
        eapol: &[u8],
        key: Option<Zeroizing<Vec<u8>>>,
    ) -> Result<(), SimError<S::Error>> {
        if !self.link_live(l, epoch) {
            return Ok(());
        }
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        if let Some(k) = &key {
            // The receiver decrypts with the key it has installed; under any other key the
            // frame is dropped (IEEE 802.11-2020 12.5.3.4.4).
            let have = if to == Side::Ap {
                link.ap_ptk.as_ref()
            } else {
                link.sta_ptk.as_ref()
            };
            if have.is_none_or(|h| h.tk.as_slice() != k.as_slice()) {
                return Ok(());
            }
        }
        if to == Side::Sta {
            link.sta_view.on_eapol(eapol);
        }
        if !self.link_live(l, epoch) {
            return Ok(());
        }
        self.drive(
            sink,
            l,
            to,
            Input::Eapol {
                frame: eapol,
                protected: key.is_some(),
            },
        )
    }

    // ------------------------------------------------------------------ TKIP

    /// One Michael MIC failure detected at (or reported to) an AP: the second within 60 s
    /// starts countermeasures: every TKIP client is deauthenticated (reason 14) and no
    /// association is accepted for 60 s (IEEE 802.11-2020 12.5.2.4.3).
    pub(super) fn michael_failure_at_ap<S: FrameSink>(
        &mut self,
        sink: &mut S,
        b: usize,
    ) -> Result<(), SimError<S::Error>> {
        let now = self.now;
        let Some(bss) = self.bsss.get_mut(b) else {
            return Ok(());
        };
        bss.mic_failures
            .retain(|t| now.saturating_sub(*t) < 60_000_000);
        bss.mic_failures.push(now);
        if bss.mic_failures.len() < 2 || bss.countermeasures_until.is_some_and(|u| u > now) {
            return Ok(());
        }
        bss.countermeasures_until = Some(now + 60_000_000);
        bss.mic_failures.clear();
        for l in bss.links.clone() {
            if let Some(a) = self
                .links
                .get_mut(l)
                .filter(|x| x.up)
                .and_then(|x| x.auth.as_mut())
            {
                a.deauthenticate(ReasonCode::MICHAEL_MIC_FAILURE);
                self.drive(sink, l, Side::Ap, Input::Timeout)?;
            }
        }
        Ok(())
    }

    /// The station detected a Michael failure on a received frame: its supplicant sends a
    /// Michael MIC Failure Report (EAPOL-Key with Error and Request, MIC under its current
    /// KCK, protected under its current TK; IEEE 802.11-2020 12.7.2). At most two per link:
    /// the second starts countermeasures.
    pub(super) fn michael_failure_at_sta<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
    ) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        link.sta_mic_failures += 1;
        if link.sta_mic_failures > 2 {
            return Ok(());
        }
        let before = self.frames;
        self.drive(
            sink,
            l,
            Side::Sta,
            Input::MichaelMicFailure { pairwise: true },
        )?;
        for n in before + 1..=self.frames {
            self.tag(l, "michael-mic-failure", Some(n));
        }
        Ok(())
    }
}

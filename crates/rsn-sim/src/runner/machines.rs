//! Driving the `rsn-handshake` machines and carrying out their actions.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Sim<'_> {
    // ------------------------------------------------------------------ machines

    /// Feed one input to one machine, then carry out everything it asks for.
    pub(super) fn drive<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        side: Side,
        input: Input<'_>,
    ) -> Result<(), SimError<S::Error>> {
        let now = Instant::from_micros(self.now);
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        let mut actions = Vec::new();
        match side {
            Side::Ap => {
                let Some(a) = link.auth.as_mut() else {
                    return Ok(());
                };
                let before = a.state();
                a.handle(now, input);
                let after = a.state();
                while let Some(x) = a.poll_action() {
                    actions.push(x);
                }
                // Exchanges as the authenticator runs them.
                if after == AuthState::PtkStart && before != AuthState::PtkStart {
                    if link.open_4way {
                        self.hs.failed += 1;
                    }
                    self.hs.total += 1;
                    self.hs.four_way += 1;
                    link.open_4way = true;
                    link.rekeying = before != AuthState::Initialize;
                    link.exchange = ExchangeLog::default();
                }
                if after == AuthState::RekeyNegotiating && before != AuthState::RekeyNegotiating {
                    self.hs.total += 1;
                    self.hs.group += 1;
                    link.open_group = true;
                }
            }
            Side::Sta => {
                let Some(s) = link.sup.as_mut() else {
                    return Ok(());
                };
                s.handle(now, input);
                while let Some(x) = s.poll_action() {
                    actions.push(x);
                }
            }
        }
        for a in actions {
            self.act(sink, l, side, a)?;
        }
        self.rearm(l);
        Ok(())
    }

    pub(super) fn rearm(&mut self, l: usize) {
        let Some(link) = self.links.get_mut(l) else {
            return;
        };
        if !link.up {
            return;
        }
        let epoch = link.epoch;
        let want = [
            link.auth.as_ref().and_then(Authenticator::poll_timeout),
            link.sup.as_ref().and_then(Supplicant::poll_timeout),
        ];
        let mut pushes = Vec::new();
        for (i, w) in want.into_iter().enumerate() {
            let w = w.map(Instant::as_micros);
            if w.is_some() && w != link.timers[i] {
                link.timers[i] = w;
                if let Some(t) = w {
                    pushes.push((t.max(self.now), i));
                }
            }
        }
        for (t, i) in pushes {
            let side = if i == 0 { Side::Ap } else { Side::Sta };
            self.push(
                t,
                Ev::Timer {
                    link: l,
                    epoch,
                    side,
                },
            );
        }
    }

    pub(super) fn act<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        side: Side,
        a: Action,
    ) -> Result<(), SimError<S::Error>> {
        match a {
            Action::Transmit { frame, protect } => self.send_eapol(sink, l, side, &frame, protect),
            Action::InstallPtk {
                tk,
                cipher,
                key_id,
                reset_pn,
            } => {
                self.install_ptk(l, side, tk.expose_secret(), cipher, key_id, reset_pn);
                Ok(())
            }
            Action::InstallGtk { gtk, key_id, .. } => {
                if side == Side::Ap {
                    let b = self.links.get(l).map(|x| x.bss);
                    let cipher = self
                        .links
                        .get(l)
                        .and_then(|x| self.bsss.get(x.bss))
                        .and_then(|b| self.nets.get(b.net))
                        .map(|n| n.suite.group);
                    if let (Some(bss), Some(cipher)) =
                        (b.and_then(|b| self.bsss.get_mut(b)), cipher)
                    {
                        let same = bss
                            .gtk
                            .as_ref()
                            .is_some_and(|g| g.tk.as_slice() == gtk.expose_secret());
                        if !same {
                            bss.gtk = TxKey::new(cipher, gtk.expose_secret(), key_id);
                        }
                    }
                }
                Ok(())
            }
            Action::Deauthenticate(reason) => self.deauth(sink, l, side, reason),
            Action::Completed(h) => {
                if let Some(link) = self.links.get_mut(l) {
                    if side == Side::Ap {
                        match h {
                            Handshake::FourWay { .. } => {
                                if link.open_4way {
                                    self.hs.completed += 1;
                                }
                                link.open_4way = false;
                                link.rekeying = false;
                                let ex = std::mem::take(&mut link.exchange);
                                if ex.sniffer_missed {
                                    link.tags
                                        .entry("capture-loss")
                                        .or_default()
                                        .extend(ex.frames);
                                }
                            }
                            Handshake::Group => {
                                if link.open_group {
                                    self.hs.completed += 1;
                                }
                                link.open_group = false;
                            }
                        }
                    }
                }
                Ok(())
            }
            Action::Failed { .. } => {
                self.link_down(l);
                Ok(())
            }
            // The authenticator took a valid Michael MIC failure report: the BSS's TKIP
            // countermeasure logic counts it (TKIP countermeasures procedures).
            Action::MichaelMicFailureReported { .. } => {
                let b = self.links.get(l).map(|k| k.bss).unwrap_or(0);
                self.michael_failure_at_ap(sink, b)
            }
            // Discarded / Warning / InstallIgtk: nothing on the air.
            _ => Ok(()),
        }
    }

    pub(super) fn install_ptk(
        &mut self,
        l: usize,
        side: Side,
        tk: &[u8],
        cipher: Cipher,
        key_id: u8,
        reset_pn: bool,
    ) {
        let now = self.now;
        let Some(link) = self.links.get_mut(l) else {
            return;
        };
        let slot = match side {
            Side::Ap => &mut link.ap_ptk,
            Side::Sta => &mut link.sta_ptk,
        };
        let prev_tk = slot.as_ref().map(|k| k.tk.clone());
        match slot {
            Some(k) if k.tk.as_slice() == tk => {
                // The same key again: only the KRACK-vulnerable fault resets the PN
                // (IEEE 802.11-2020 12.7.6.4: a key is never reinstalled).
                if reset_pn {
                    k.next_pn = 1;
                    let m3 = link.last_m3_frame;
                    if side == Side::Sta {
                        if let Some(n) = m3 {
                            link.tags.entry("key-reinstallation").or_default().push(n);
                        }
                    }
                }
            }
            _ => {
                *slot = TxKey::new(cipher, tk, key_id);
                if side == Side::Sta {
                    if let (Some(ms), Some(old)) = (link.michael_lag_ms, prev_tk) {
                        if cipher.normalized() == Cipher::TKIP && old.len() == 32 {
                            let mut rx = [0u8; 8];
                            let mut tx = [0u8; 8];
                            rx.copy_from_slice(old.get(16..24).unwrap_or(&[0; 8]));
                            tx.copy_from_slice(old.get(24..32).unwrap_or(&[0; 8]));
                            link.michael_lag = Some((now + ms * 1000, rx, tx));
                        }
                    }
                }
            }
        }
    }

    pub(super) fn link_down(&mut self, l: usize) {
        let rejoin = self
            .links
            .get(l)
            .and_then(|x| self.sc.clients.get(x.group))
            .and_then(|c| c.rejoin_after_ms);
        let Some(link) = self.links.get_mut(l) else {
            return;
        };
        if !link.up {
            return;
        }
        link.up = false;
        if link.open_4way {
            self.hs.failed += 1;
            link.open_4way = false;
        }
        if link.open_group {
            self.hs.failed += 1;
            link.open_group = false;
        }
        let ex = std::mem::take(&mut link.exchange);
        if ex.sniffer_missed {
            link.tags
                .entry("capture-loss")
                .or_default()
                .extend(ex.frames);
        }
        link.auth = None;
        link.sup = None;
        link.ap_ptk = None;
        link.sta_ptk = None;
        link.michael_lag = None;
        link.rekeying = false;
        link.timers = [None, None];
        let joins = link.joins;
        if let Some(ms) = rejoin {
            if joins < 2 {
                self.push(self.now + ms * 1000, Ev::Join(l));
            }
        }
    }

    pub(super) fn deauth<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        side: Side,
        reason: ReasonCode,
    ) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get(l) else {
            return Ok(());
        };
        if !link.up {
            return Ok(());
        }
        let (b, sta) = (link.bss, link.sta);
        let Some(bssid) = self.bsss.get(b).map(|x| x.bssid) else {
            return Ok(());
        };
        self.buf.clear();
        match side {
            Side::Ap => {
                let s = self.ap_seq(b);
                air::deauth(&mut self.buf, sta, bssid, bssid, s, reason.0);
            }
            Side::Sta => {
                let s = self.sta_seq(l);
                air::deauth(&mut self.buf, bssid, sta, bssid, s, reason.0);
            }
        }
        let n = self.capture_buf(sink, false, false)?;
        let codes: Vec<&'static str> = self
            .links
            .get(l)
            .map(|x| {
                x.tags
                    .keys()
                    .copied()
                    .filter(|c| ENDS_IN_DEAUTH.contains(c))
                    .collect()
            })
            .unwrap_or_default();
        for c in codes {
            self.tag(l, c, n);
        }
        // The peer learns of it (deauthentication is not lost: it is retried until acked).
        let peer = match side {
            Side::Ap => Side::Sta,
            Side::Sta => Side::Ap,
        };
        self.now += 100;
        self.drive(sink, l, peer, Input::Deauthenticated(reason))?;
        self.link_down(l);
        Ok(())
    }
}

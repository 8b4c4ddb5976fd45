//! Management frames: Beacons, Open System authentication and association (which
//! creates the machines of a link), scripted events, Deauthentication.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Sim<'_> {
    // ------------------------------------------------------------------ management

    pub(super) fn beacon<S: FrameSink>(
        &mut self,
        sink: &mut S,
        b: usize,
    ) -> Result<(), SimError<S::Error>> {
        let Some(bss) = self.bsss.get_mut(b) else {
            return Ok(());
        };
        bss.seq = bss.seq.wrapping_add(1);
        self.buf.clear();
        let interval = self
            .sc
            .networks
            .get(bss.net)
            .map_or(100, |n| n.beacon_interval_ms);
        let tu = u16::try_from(interval * 1000 / 1024).unwrap_or(100).max(1);
        air::beacon(
            &mut self.buf,
            bss.bssid,
            bss.seq,
            self.now,
            tu,
            &bss.elements,
        );
        self.capture_buf(sink, false, false)?;
        if interval > 0 && self.active > 0 {
            self.push_beacon(self.now + interval * 1000, b);
        }
        Ok(())
    }

    pub(super) fn ap_seq(&mut self, b: usize) -> u16 {
        self.bsss.get_mut(b).map_or(0, |x| {
            x.seq = x.seq.wrapping_add(1);
            x.seq
        })
    }

    pub(super) fn sta_seq(&mut self, l: usize) -> u16 {
        self.links.get_mut(l).map_or(0, |x| {
            x.sta_seq = x.sta_seq.wrapping_add(1);
            x.sta_seq
        })
    }

    pub(super) fn tag(&mut self, l: usize, code: &'static str, n: Option<u64>) {
        if let (Some(link), Some(n)) = (self.links.get_mut(l), n) {
            let v = link.tags.entry(code).or_default();
            if v.len() < 4096 {
                v.push(n);
            }
        }
    }

    pub(super) fn join<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
    ) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get(l) else {
            return Ok(());
        };
        let b = link.bss;
        let Some(bss) = self.bsss.get(b) else {
            return Ok(());
        };
        // TKIP countermeasures: no associations for 60 s (IEEE 802.11-2020 12.5.2.4.3).
        if let Some(until) = bss.countermeasures_until.filter(|u| *u > self.now) {
            self.push(until, Ev::Join(l));
            return Ok(());
        }
        let (bssid, sta, net_i) = (bss.bssid, link.sta, bss.net);
        let Some(net) = self.nets.get(net_i) else {
            return Ok(());
        };
        let ssid = net.ssid.clone();
        let mde = net.mdid.map(air::mde);
        let suite = net.suite;
        let fte = mde
            .as_ref()
            .map(|_| air::assoc_resp_fte(suite.mic_len(), bssid, &net.r0kh_id));
        let assoc_rsne = link.assoc_rsne.clone();
        // Open System authentication, then association (IEEE 802.11-2020 11.3).
        let s = self.sta_seq(l);
        self.buf.clear();
        air::auth(&mut self.buf, bssid, sta, bssid, s, 1);
        self.capture_buf(sink, false, false)?;
        self.now += 200;
        let s = self.ap_seq(b);
        self.buf.clear();
        air::auth(&mut self.buf, sta, bssid, bssid, s, 2);
        self.capture_buf(sink, false, false)?;
        self.now += 200;
        let s = self.sta_seq(l);
        self.buf.clear();
        air::assoc_req(
            &mut self.buf,
            sta,
            bssid,
            s,
            &ssid,
            &assoc_rsne,
            mde.as_deref(),
        );
        let n = self.capture_buf(sink, false, false)?;
        if self
            .links
            .get(l)
            .is_some_and(|x| x.sup_fault_names.contains(&"offer_pmkid"))
        {
            self.tag(l, "pmkid-mismatch", n);
        }
        self.now += 200;
        let aid = self.bsss.get_mut(b).map_or(1, |x| {
            let a = x.next_aid;
            x.next_aid = x.next_aid.wrapping_add(1).max(1);
            a
        });
        let s = self.ap_seq(b);
        self.buf.clear();
        air::assoc_resp(
            &mut self.buf,
            sta,
            bssid,
            s,
            aid,
            mde.as_deref().zip(fte.as_deref()),
        );
        self.capture_buf(sink, false, false)?;
        self.now += 200;
        // 802.1X with an AAA server: the EAP exchange that yields this association's keys;
        // the machines start when the server's Access-Accept arrives (Ev::AaaAccept).
        if self.eap_request(sink, l)? {
            self.push(self.now + 1_000, Ev::AaaAccept { link: l, aid });
            return Ok(());
        }
        self.start_machines(sink, l, aid, None)
    }

    /// The Access-Accept of link `l`'s EAP session arrived: start its machines with the
    /// session's keys.
    pub(super) fn aaa_accepted<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        aid: u16,
    ) -> Result<(), SimError<S::Error>> {
        let session = self.aaa_accept(sink, l)?;
        if session.is_some() {
            self.start_machines(sink, l, aid, session)?;
        }
        Ok(())
    }

    /// The machines of a new association of link `l` (keys from `session` for 802.1X with
    /// an AAA server, else the network's), then M1 and the client's timeline.
    fn start_machines<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        aid: u16,
        session: Option<(Basis, Basis)>,
    ) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get(l) else {
            return Ok(());
        };
        let (b, sta, assoc_rsne) = (link.bss, link.sta, link.assoc_rsne.clone());
        let Some(bss) = self.bsss.get(b) else {
            return Ok(());
        };
        let (bssid, net_i) = (bss.bssid, bss.net);
        let Some(net) = self.nets.get(net_i) else {
            return Ok(());
        };
        let suite = net.suite;
        let prefix = self
            .bsss
            .get(b)
            .map(|x| x.group_prefix.clone())
            .unwrap_or_default();
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        link.epoch += 1;
        link.joins += 1;
        link.aid = aid;
        let id = stream::LINK_BASE + ((l as u64) << 9 | u64::from(link.epoch & 0xff) << 1);
        if let Some((ap_b, client_b)) = &session {
            link.obs = PairKeys::new(ap_b, suite, bssid, sta);
            if !link.wrong_key {
                link.client_pmk = pmk_source(client_b, bssid);
                link.sta_view = PairKeys::new(client_b, suite, bssid, sta);
            }
        }
        let basis = session.map_or_else(|| net.basis.clone(), |(ap_b, _)| ap_b);
        let auth_src = pmk_source(&basis, bssid);
        let mut acfg = AuthConfig::new(suite, net.beacon_rsne.clone(), auth_src);
        acfg.faults = net.auth_faults.clone();
        acfg.ft_pmkid_policy = net.policy;
        if let Some(k) = net.pmkid_kde {
            acfg.pmkid_kde_in_m1 = k;
        }
        let an = MachineNonces::new(prefix, rng::stream(self.seed, id));
        let auth = Authenticator::new(acfg, bssid, sta, assoc_rsne.clone(), Box::new(an))
            .map_err(|e| cfg_err(format!("authenticator for client {l}: {e}")))?;
        let mut scfg = SupConfig::new(
            suite,
            link.client_pmk.clone(),
            assoc_rsne,
            net.beacon_rsne.clone(),
        );
        scfg.faults = link.sup_faults.clone();
        let sn = MachineNonces::new(Zeroizing::new(Vec::new()), rng::stream(self.seed, id + 1));
        let sup = Supplicant::new(scfg, bssid, sta, Box::new(sn))
            .map_err(|e| cfg_err(format!("supplicant of client {l}: {e}")))?;
        link.auth = Some(auth);
        link.sup = Some(sup);
        link.up = true;
        link.timers = [None, None];
        let epoch = link.epoch;
        let first = link.joins == 1;
        let data_left = link.data_left;
        let group = link.group;
        let join_t = self.now;
        self.drive(sink, l, Side::Ap, Input::Start)?;
        if let Some(c) = self.sc.clients.get(group) {
            if data_left > 0 {
                self.push(join_t + c.data.start_ms * 1000, Ev::Data { link: l, epoch });
            }
            if first {
                for e in &c.events {
                    let action = match e.action.as_str() {
                        "rekey" => Script::Rekey,
                        "group-rekey" => Script::GroupRekey,
                        _ => Script::Deauth,
                    };
                    self.push(
                        join_t + e.at_ms * 1000,
                        Ev::Script {
                            link: l,
                            epoch,
                            action,
                        },
                    );
                }
            }
        }
        Ok(())
    }

    pub(super) fn script<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        epoch: u32,
        a: Script,
    ) -> Result<(), SimError<S::Error>> {
        if !self.link_live(l, epoch) {
            return Ok(());
        }
        match a {
            Script::Rekey => self.drive(sink, l, Side::Ap, Input::StartRekey),
            Script::GroupRekey => self.drive(sink, l, Side::Ap, Input::StartGroupRekey),
            Script::Deauth => {
                if let Some(s) = self.links.get_mut(l).and_then(|x| x.sup.as_mut()) {
                    s.deauthenticate(ReasonCode::DEAUTH_LEAVING);
                }
                self.drive(sink, l, Side::Sta, Input::Timeout)
            }
        }
    }
}

/// The machines' view of a key basis.
pub(super) fn pmk_source(b: &Basis, r1kh_id: MacAddr) -> PmkSource {
    match b {
        Basis::Pmk(p) => PmkSource::Pmk(p.clone()),
        Basis::Ft {
            xxkey,
            ssid,
            mdid,
            r0kh_id,
        } => PmkSource::Ft(FtParams {
            xxkey: xxkey.clone(),
            ssid: ssid.clone(),
            mdid: *mdid,
            ft_capability: 0,
            r0kh_id: r0kh_id.clone(),
            r1kh_id,
        }),
    }
}

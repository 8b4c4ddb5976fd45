//! Building the world of a scenario: networks, APs (with their group keys) and clients
//! (with their key material, RSNEs and fault switches).

#[allow(clippy::wildcard_imports)]
use super::*;

impl<'s> Sim<'s> {
    pub(super) fn new<E>(sc: &'s Scenario, seed: u64) -> Result<Self, SimError<E>> {
        sc.validate().map_err(|e| cfg_err(e.0))?;
        let mut nets = Vec::new();
        let mut bsss = Vec::new();
        let mut gk_rng = rng::stream(seed, stream::GROUP_KEYS);
        let mut truth = Truth {
            scenario: sc.name.clone(),
            seed,
            ..Default::default()
        };
        for (ni, n) in sc.networks.iter().enumerate() {
            let what = format!("network {ni}");
            let akm: Akm = n.akm.parse().map_err(|_| cfg_err(format!("{what}: AKM")))?;
            let pairwise: Cipher = n
                .pairwise
                .parse()
                .map_err(|_| cfg_err(format!("{what}: cipher")))?;
            let group: Cipher = n
                .group
                .parse()
                .map_err(|_| cfg_err(format!("{what}: cipher")))?;
            let ssid = n.ssid.as_bytes().to_vec();
            let pmk = if n.aaa.is_some() {
                // Placeholder of the right length: each association's keys come from its EAP
                // session (runner::aaa), never from this.
                let len = rsn_crypto::akm_params(akm).map_or(32, |p| p.pmk_len);
                Pmk::from_slice(&vec![0x5a; len]).map_err(|e| cfg_err(format!("{what}: {e}")))?
            } else {
                pmk_from(n.passphrase.as_deref(), n.pmk.as_deref(), &ssid, &what)?
            };
            if let Some(a) = &n.aaa {
                truth.aaa.push(crate::truth::AaaTruth {
                    network: ni,
                    secret: a.secret.clone(),
                    nas_ip: a.nas_ip.clone(),
                    server_ip: a.server_ip.clone(),
                    clock_offset_ms: a.clock_offset_ms,
                });
            }
            let suite = Suite {
                akm,
                pairwise,
                group,
                group_mgmt: n.pmf.then_some(Cipher::BIP_CMAC128),
                pmk_len: pmk.len(),
            };
            suite
                .validate()
                .map_err(|e| cfg_err(format!("{what}: {e}")))?;
            let (basis, mdid, r0kh_id, policy) = match &n.ft {
                Some(ft) => {
                    let mdid = parse_mdid(&ft.mdid).map_err(|e| cfg_err(e.0))?;
                    let r0 = ft.r0kh_id.as_bytes().to_vec();
                    let policy = if ft.pmkid_policy == "lenient" {
                        FtPmkidPolicy::Lenient
                    } else {
                        FtPmkidPolicy::Strict
                    };
                    (
                        Basis::Ft {
                            xxkey: pmk,
                            ssid: ssid.clone(),
                            mdid,
                            r0kh_id: r0.clone(),
                        },
                        Some(mdid),
                        r0,
                        policy,
                    )
                }
                None => (Basis::Pmk(pmk), None, Vec::new(), FtPmkidPolicy::Strict),
            };
            let beacon_rsne = air::rsne(akm, pairwise, group, n.pmf, None);
            let f = &n.faults;
            let auth_faults = AuthenticatorFaults {
                change_anonce_in_m3: f.change_anonce_in_m3,
                new_anonce_per_m1_retry: f.new_anonce_per_m1_retry,
                bogus_pmkid_in_m1: f.bogus_pmkid_in_m1,
                replay_counter_not_incrementing: f.replay_counter_not_incrementing,
                early_install: f.early_install,
                late_install: f.late_install_ms.map(Duration::from_millis),
                unprotected_eapol: f.unprotected_eapol,
            };
            let mut nt = NetworkTruth {
                ssid: n.ssid.clone(),
                passphrase: n.passphrase.clone(),
                pmk: n.pmk.clone(),
                akm: n.akm.clone(),
                pairwise: n.pairwise.clone(),
                group: n.group.clone(),
                ..Default::default()
            };
            for a in 0..n.aps {
                let bssid = mac([0x02, 0x00], ((ni as u64 + 1) << 16) | u64::from(a) << 8);
                nt.bssids.push(bssid.to_string());
                let glen = suite.gtk_len() + suite.igtk_len().unwrap_or(0);
                let mut prefix = Zeroizing::new(vec![0u8; glen]);
                gk_rng.fill_bytes(&mut prefix);
                bsss.push(Bss {
                    net: ni,
                    bssid,
                    seq: 0,
                    elements: BssElements {
                        ssid: ssid.clone(),
                        rsne: beacon_rsne.clone(),
                        mde: mdid.map(air::mde),
                    },
                    group_prefix: prefix,
                    gtk: None,
                    derivable_gtks: Vec::new(),
                    group_left: n.group_data.frames,
                    next_aid: 1,
                    mic_failures: Vec::new(),
                    countermeasures_until: None,
                    links: Vec::new(),
                });
            }
            nt.bssid = nt.bssids.first().cloned().unwrap_or_default();
            truth.networks.push(nt);
            nets.push(Net {
                ssid,
                suite,
                basis,
                beacon_rsne,
                mdid,
                r0kh_id,
                policy,
                auth_faults,
                auth_fault_names: f.active(),
                pmkid_kde: n.pmkid_kde_in_m1,
                tkip: pairwise.normalized() == Cipher::TKIP,
            });
        }
        let mut sim = Sim {
            sc,
            seed,
            nets,
            bsss,
            links: Vec::new(),
            queue: BinaryHeap::new(),
            seq: 0,
            active: 0,
            now: 0,
            end: sc.duration_ms.saturating_mul(1000),
            last_ts: 0,
            frames: 0,
            air_rng: rng::stream(seed, stream::AIR),
            sniff_rng: rng::stream(seed, stream::SNIFFER),
            filler: Vec::new(),
            buf: Vec::with_capacity(4096),
            enc: Vec::with_capacity(4096),
            cap: Vec::with_capacity(4096),
            truth,
            hs: HandshakeTruth::default(),
            wired: Vec::new(),
            aaa_rng: rng::stream(seed, stream::AAA),
            radius_ids: vec![0; sc.networks.len()],
        };
        let mut prng = rng::stream(seed, stream::PAYLOAD);
        sim.filler = vec![0u8; 2400];
        prng.fill_bytes(&mut sim.filler);
        // Clients, spread round-robin over their network's APs.
        let mut per_net = vec![0u64; sim.nets.len()];
        for (gi, c) in sc.clients.iter().enumerate() {
            for k in 0..c.count {
                let idx = sim.links.len();
                let aps: Vec<usize> = sim
                    .bsss
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.net == c.network)
                    .map(|(i, _)| i)
                    .collect();
                let slot = per_net.get(c.network).copied().unwrap_or(0);
                if let Some(p) = per_net.get_mut(c.network) {
                    *p += 1;
                }
                let Some(&bss) = aps.get((slot % aps.len().max(1) as u64) as usize) else {
                    return Err(cfg_err("network without APs"));
                };
                let link = sim.new_link(idx, gi, c, bss)?;
                sim.links.push(link);
                if let Some(b) = sim.bsss.get_mut(bss) {
                    b.links.push(idx);
                }
                let t = c.join_ms * 1000 + u64::from(k) * c.join_spacing_us;
                sim.push(t, Ev::Join(idx));
            }
        }
        for i in 0..sim.bsss.len() {
            // Beacons start at TBTT 0, APs 1 ms apart.
            sim.push_beacon(i as u64 * 1000, i);
            if sim.bsss.get(i).is_some_and(|b| b.group_left > 0) {
                let start = sc
                    .networks
                    .get(sim.bsss[i].net)
                    .map_or(0, |n| n.group_data.start_ms * 1000);
                sim.push(start, Ev::GroupData(i));
            }
        }
        Ok(sim)
    }

    pub(super) fn new_link<E>(
        &mut self,
        idx: usize,
        group: usize,
        c: &ClientSpec,
        bss: usize,
    ) -> Result<Link, SimError<E>> {
        let b = self.bsss.get(bss).ok_or_else(|| cfg_err("no AP"))?;
        let net = self.nets.get(b.net).ok_or_else(|| cfg_err("no network"))?;
        let sta = mac([0x02, 0x01], idx as u64);
        let what = format!("client {idx}");
        let wrong_key = c.passphrase.is_some() || c.pmk.is_some();
        let client_basis = if wrong_key {
            let pmk = pmk_from(c.passphrase.as_deref(), c.pmk.as_deref(), &net.ssid, &what)?;
            match &net.basis {
                Basis::Ft {
                    ssid,
                    mdid,
                    r0kh_id,
                    ..
                } => Basis::Ft {
                    xxkey: pmk,
                    ssid: ssid.clone(),
                    mdid: *mdid,
                    r0kh_id: r0kh_id.clone(),
                },
                Basis::Pmk(_) => Basis::Pmk(pmk),
            }
        } else {
            net.basis.clone()
        };
        let client_pmk = super::mgmt::pmk_source(&client_basis, b.bssid);
        // PMKIDs of the (Re)AssocReq.
        let mut pmkids = None;
        if c.offer_pmkid.is_some() {
            if let Basis::Pmk(p) = &client_basis {
                // The PMKID this client cached for another AP of the network (SKC), where
                // this AP derives the one for itself (OKC): IEEE 802.11-2020 12.6.10.3.
                let other = self
                    .bsss
                    .iter()
                    .find(|o| o.net == b.net && o.bssid != b.bssid)
                    .map_or(mac([0x02, 0x00], 0xffff_ff00), |o| o.bssid);
                if let Ok(id) = rsn_crypto::pmkid(net.suite.akm, p, &other, &sta) {
                    pmkids = Some(vec![id]);
                }
            }
        }
        let assoc_rsne = air::rsne(
            net.suite.akm,
            net.suite.pairwise,
            net.suite.group,
            net.suite.group_mgmt.is_some(),
            pmkids,
        );
        let f = &c.faults;
        let mut frng = rng::stream(self.seed, stream::LINK_BASE - 1 - idx as u64);
        let extra: Vec<[u8; 16]> = (0..f.extra_pmkids_in_ft_m2)
            .map(|_| {
                let mut p = [0u8; 16];
                frng.fill_bytes(&mut p);
                p
            })
            .collect();
        let sup_faults = SupplicantFaults {
            stale_ptk_on_rekey: f.stale_ptk_on_rekey,
            extra_pmkids_in_ft_m2: extra,
            ignore_m3: f.ignore_m3,
            ignore_g1: f.ignore_g1,
            reinstall_on_m3_retransmit: f.reinstall_on_m3_retransmit,
            install_ptk_delay: f.install_ptk_delay_ms.map(Duration::from_millis),
            zero_tk: f.zero_tk,
            wrong_replay_counter_in_m2: f.wrong_replay_counter_in_m2,
            snonce_per_retransmission: f.snonce_per_retransmission,
            unprotected_eapol: f.unprotected_eapol,
        };
        let obs = PairKeys::new(&net.basis, net.suite, b.bssid, sta);
        let sta_view = PairKeys::new(&client_basis, net.suite, b.bssid, sta);
        let mut sup_fault_names = f.active();
        if wrong_key {
            sup_fault_names.push("wrong_key");
        }
        if c.offer_pmkid.is_some() {
            sup_fault_names.push("offer_pmkid");
        }
        Ok(Link {
            idx,
            group,
            sta,
            bss,
            aid: 0,
            epoch: 0,
            up: false,
            joins: 0,
            auth: None,
            sup: None,
            ap_ptk: None,
            sta_ptk: None,
            sta_seq: 0,
            data_left: c.data.frames,
            data_n: 0,
            timers: [None, None],
            msg_tx: [0; 7],
            obs,
            sta_view,
            client_pmk,
            wrong_key,
            assoc_rsne,
            rekeying: false,
            open_4way: false,
            open_group: false,
            last_m3_frame: None,
            exchange: ExchangeLog::default(),
            michael_lag: None,
            sta_mic_failures: 0,
            tags: BTreeMap::new(),
            sup_faults,
            sup_fault_names,
            michael_lag_ms: f.michael_key_lag_ms,
            msks: Vec::new(),
            stale_pmk: false,
            aaa_pending: None,
        })
    }
}

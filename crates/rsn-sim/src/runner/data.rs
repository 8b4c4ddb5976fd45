//! The data plane: unicast data under the installed PTKs, broadcast data under the GTK,
//! with per-key packet numbers.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Sim<'_> {
    // ------------------------------------------------------------------ data

    /// An MSDU of `min..=max` octets into `self.enc`: LLC/SNAP, IPv4 (header checksum
    /// filled in), UDP (checksum 0: none), the frame counter, filler.
    pub(super) fn payload(&mut self, n: u64, min: u16, max: u16, host: u64, up: bool) {
        let span = u64::from(max.saturating_sub(min)) + 1;
        let len = u64::from(min.max(36)) + (n.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) % span;
        let ip_len = u16::try_from(len - 8).unwrap_or(28);
        // The client is 10.x.y.z (from its index), the far host 10.255.0.1.
        let h = host.to_be_bytes();
        let (client, far) = ([10, h[5], h[6], h[7]], [10, 255, 0, 1]);
        let (src, dst) = if up { (client, far) } else { (far, client) };
        let mut ip = [
            0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        ip[12..16].copy_from_slice(&src);
        ip[16..20].copy_from_slice(&dst);
        ip[2..4].copy_from_slice(&ip_len.to_be_bytes());
        ip[4..6].copy_from_slice(&(n as u16).to_be_bytes());
        let sum = ip
            .chunks_exact(2)
            .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
            .sum::<u32>();
        let sum = (sum & 0xffff) + (sum >> 16);
        let sum = !(((sum & 0xffff) + (sum >> 16)) as u16);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        let udp_len = ip_len - 20;
        self.enc.clear();
        self.enc.extend_from_slice(&air::llc(0x0800));
        self.enc.extend_from_slice(&ip);
        self.enc.extend_from_slice(&[0x13, 0x89, 0x13, 0x89]);
        self.enc.extend_from_slice(&udp_len.to_be_bytes());
        self.enc.extend_from_slice(&[0, 0]);
        self.enc.extend_from_slice(&n.to_be_bytes());
        let rest = usize::from(udp_len).saturating_sub(16);
        let off = (n as usize).wrapping_mul(31) % 64;
        self.enc
            .extend_from_slice(self.filler.get(off..off + rest).unwrap_or(&[]));
    }

    pub(super) fn data<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        epoch: u32,
    ) -> Result<(), SimError<S::Error>> {
        if !self.link_live(l, epoch) {
            return Ok(());
        }
        let Some(link) = self.links.get(l) else {
            return Ok(());
        };
        let Some(c) = self.sc.clients.get(link.group) else {
            return Ok(());
        };
        if link.data_left == 0 {
            return Ok(());
        }
        let (interval, min, max) = (c.data.interval_us, c.data.min_len, c.data.max_len);
        let dir = match c.data.direction.as_str() {
            "up" => Dir::Up,
            "down" => Dir::Down,
            _ if link.data_n % 2 == 0 => Dir::Up,
            _ => Dir::Down,
        };
        let has_key = match dir {
            Dir::Up => link.sta_ptk.is_some(),
            Dir::Down => link.ap_ptk.is_some(),
        };
        if !has_key {
            // The controlled port is closed: try again later.
            self.push(self.now + interval, Ev::Data { link: l, epoch });
            return Ok(());
        }
        let n = link.data_n;
        let (b, sta) = (link.bss, link.sta);
        let seq = match dir {
            Dir::Up => self.sta_seq(l),
            Dir::Down => self.ap_seq(b),
        };
        let Some(bssid) = self.bsss.get(b).map(|x| x.bssid) else {
            return Ok(());
        };
        self.payload(n, min, max, l as u64 + 2, dir == Dir::Up);
        let body = std::mem::take(&mut self.enc);
        self.buf.clear();
        air::data(
            &mut self.buf,
            dir,
            bssid,
            sta,
            mac([0x02, 0xfe], 1),
            seq,
            &body,
        );
        self.enc = body;
        let now = self.now;
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        link.data_n += 1;
        link.data_left -= 1;
        let lag = link.michael_lag.filter(|(until, _, _)| *until > now);
        let (tx, rx) = match dir {
            Dir::Up => (
                link.sta_ptk.as_mut(),
                link.ap_ptk.as_ref().map(|k| k.tk.clone()),
            ),
            Dir::Down => (
                link.ap_ptk.as_mut(),
                link.sta_ptk.as_ref().map(|k| k.tk.clone()),
            ),
        };
        let Some(k) = tx else { return Ok(()) };
        let (pn, reuse) = k.take_pn();
        let stale_michael = matches!(dir, Dir::Up) && lag.is_some();
        let r = match (stale_michael, lag) {
            (true, Some((_, _, tx_mic))) => {
                k.key
                    .encrypt_tkip_with_michael(&self.buf, &tx_mic, pn, k.key_id, &mut self.enc)
            }
            _ => k.key.encrypt(&self.buf, pn, k.key_id, &mut self.enc),
        };
        if r.is_err() {
            return Ok(());
        }
        if !k.derivable {
            k.derivable = link.obs.has_tk(&k.tk);
        }
        let zero = k.zero;
        let derivable = k.derivable && !stale_michael;
        // Does the receiver hold the key this frame is under?
        let mismatch = rx.as_ref().is_some_and(|r| r.as_slice() != k.tk.as_slice());
        let rx_zero = rx.as_ref().is_some_and(|r| r.iter().all(|x| *x == 0));
        // Around a rekey: the receiver holds a PTK, just not this one (failure catalog
        // B2/D4). Before the first install there is no PTK to switch from.
        let switch = mismatch && !zero && !rx_zero;
        let n_frame = self.capture_buf(sink, true, false)?;
        self.account_protected(n_frame, derivable);
        if zero {
            if let Some(n) = n_frame {
                self.truth.zero_tk_frames += 1;
                push_range(&mut self.truth.zero_tk, n);
            }
            self.tag(l, "zero-tk", n_frame);
        }
        if switch {
            self.tag(l, "rekey-key-switch", n_frame);
        }
        if reuse {
            self.tag(l, "pn-reuse", n_frame);
        }
        if stale_michael {
            if n_frame.is_some() {
                self.truth.michael_failure_frames += 1;
            }
            self.tag(l, "michael-mic-failure", n_frame);
        }
        let before = self.frames;
        let arrived = self.medium(sink, true, false)?;
        for rn in before + 1..=self.frames {
            self.account_protected(Some(rn), derivable);
            if stale_michael {
                self.truth.michael_failure_frames += 1;
            }
        }
        // The receiver's TKIP checks.
        if arrived && !mismatch && rx.is_some() {
            match dir {
                Dir::Up if stale_michael => {
                    let b = self.links.get(l).map_or(0, |x| x.bss);
                    self.michael_failure_at_ap(sink, b)?;
                }
                Dir::Down if lag.is_some() => self.michael_failure_at_sta(sink, l)?,
                _ => {}
            }
        }
        if self.links.get(l).is_some_and(|x| x.data_left > 0) {
            self.push(self.now + interval, Ev::Data { link: l, epoch });
        }
        Ok(())
    }

    pub(super) fn group_data<S: FrameSink>(
        &mut self,
        sink: &mut S,
        b: usize,
    ) -> Result<(), SimError<S::Error>> {
        let Some(bss) = self.bsss.get(b) else {
            return Ok(());
        };
        let Some(spec) = self.sc.networks.get(bss.net).map(|n| n.group_data.clone()) else {
            return Ok(());
        };
        if bss.group_left == 0 {
            return Ok(());
        }
        let any_client = bss.links.iter().any(|l| {
            self.links
                .get(*l)
                .is_some_and(|x| x.up && x.sta_ptk.is_some())
        });
        if bss.gtk.is_none() || !any_client {
            if self.active > 0 {
                self.push(self.now + spec.interval_us, Ev::GroupData(b));
            }
            return Ok(());
        }
        let bssid = bss.bssid;
        let n = spec.frames - bss.group_left;
        let seq = self.ap_seq(b);
        self.payload(n | 1 << 40, spec.min_len, spec.max_len, 0xff_ffff, false);
        let body = std::mem::take(&mut self.enc);
        self.buf.clear();
        air::data(
            &mut self.buf,
            Dir::Down,
            bssid,
            MacAddr::BROADCAST,
            mac([0x02, 0xfe], 1),
            seq,
            &body,
        );
        self.enc = body;
        let Some(bss) = self.bsss.get_mut(b) else {
            return Ok(());
        };
        bss.group_left -= 1;
        let Some(k) = bss.gtk.as_mut() else {
            return Ok(());
        };
        let (pn, _) = k.take_pn();
        if k.key
            .encrypt(&self.buf, pn, k.key_id, &mut self.enc)
            .is_err()
        {
            return Ok(());
        }
        if !k.derivable {
            let tk = k.tk.clone();
            k.derivable = bss
                .derivable_gtks
                .iter()
                .any(|g| g.as_slice() == tk.as_slice());
        }
        let derivable = k.derivable;
        let left = bss.group_left;
        // Group-addressed frames are not acknowledged: one transmission.
        let nf = self.capture_buf(sink, true, false)?;
        self.account_protected(nf, derivable);
        if left > 0 {
            self.push(self.now + spec.interval_us, Ev::GroupData(b));
        }
        Ok(())
    }
}

#!/usr/bin/env python3
"""Summarize fuzz/logs/*.log (written by fuzz/run.sh) as the Markdown table of FUZZING.md:
executions, duration, exec/s, final coverage (cov = edges, ft = features), corpus size,
peak RSS and the outcome of each target."""
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
order = ["wire_ieee80211", "wire_elements", "wire_rsne", "wire_eapol_key", "wire_kde",
         "capture_decap", "capture_reader", "enterprise", "analyzer_frames",
         "analyzer_capture", "handshake_machines"]
rows = []
for t in order:
    p = os.path.join(here, "logs", t + ".log")
    if not os.path.exists(p):
        continue
    text = open(p, errors="replace").read()
    execs = re.search(r"stat::number_of_executed_units: (\d+)", text)
    secs = re.search(r"Done (\d+) runs in (\d+) second", text)
    last = [l for l in text.splitlines() if re.match(r"#\d+\s", l)]
    m = re.search(r"cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", last[-1]) if last else None
    rss = re.search(r"stat::peak_rss_mb:\s+(\d+)", text)
    crashed = "deadly signal" in text or "panicked" in text or "ERROR: libFuzzer" in text
    e = int(execs.group(1)) if execs else 0
    s = int(secs.group(2)) if secs else 0
    rows.append((t, e, s, e // max(s, 1), m.group(1) if m else "?", m.group(2) if m else "?",
                 f"{m.group(3)} / {m.group(4)}" if m else "?", rss.group(1) if rss else "?",
                 "crash (see below)" if crashed else "no crash"))
print("| target | executions | seconds | exec/s | cov (edges) | ft (features) | corpus (inputs / size) | peak RSS MB | outcome |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |")
for r in rows:
    print("| `%s` | %s | %d | %s | %s | %s | %s | %s | %s |" % (r[0], f"{r[1]:,}", r[2], f"{r[3]:,}", *r[4:]))

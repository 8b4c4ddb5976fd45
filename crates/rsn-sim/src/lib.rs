//! `rsn-sim`: Scenario simulator driving the rsn-handshake machines over a lossy air model
#![forbid(unsafe_code)]

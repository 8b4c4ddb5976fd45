//! Reason codes (IEEE 802.11-2020 9.4.1.7, Table 9-49) and status codes
//! (IEEE 802.11-2020 9.4.1.9, Table 9-50).
//!
//! Both are open: any `u16` survives parse and emit; known values have a name
//! (numbers checked against hostapd `src/common/ieee802_11_defs.h`).

use crate::codec::open_code;

open_code! {
    /// Reason code of Deauthentication / Disassociation frames (IEEE 802.11-2020 9.4.1.7).
    ReasonCode(u16) {
        /// Unspecified reason.
        UNSPECIFIED = 1;
        /// Previous authentication no longer valid.
        PREV_AUTH_NOT_VALID = 2;
        /// Deauthenticated because sending STA is leaving (or has left) the BSS.
        DEAUTH_LEAVING = 3;
        /// Disassociated due to inactivity.
        DISASSOC_DUE_TO_INACTIVITY = 4;
        /// AP is unable to handle all currently associated STAs.
        DISASSOC_AP_BUSY = 5;
        /// Class 2 frame received from nonauthenticated STA.
        CLASS2_FRAME_FROM_NONAUTH_STA = 6;
        /// Class 3 frame received from nonassociated STA.
        CLASS3_FRAME_FROM_NONASSOC_STA = 7;
        /// Disassociated because sending STA is leaving the BSS.
        DISASSOC_STA_HAS_LEFT = 8;
        /// STA requesting (re)association is not authenticated.
        STA_REQ_ASSOC_WITHOUT_AUTH = 9;
        /// Power Capability element unacceptable.
        PWR_CAPABILITY_NOT_VALID = 10;
        /// Supported Channels element unacceptable.
        SUPPORTED_CHANNEL_NOT_VALID = 11;
        /// Disassociated due to BSS transition management.
        BSS_TRANSITION_DISASSOC = 12;
        /// Invalid element.
        INVALID_IE = 13;
        /// Message integrity code (MIC) failure (TKIP Michael).
        MICHAEL_MIC_FAILURE = 14;
        /// 4-way handshake timeout.
        FOURWAY_HANDSHAKE_TIMEOUT = 15;
        /// Group key handshake timeout.
        GROUP_KEY_UPDATE_TIMEOUT = 16;
        /// Element in 4-way handshake different from (Re)Association Request/Beacon/Probe Response.
        IE_IN_4WAY_DIFFERS = 17;
        /// Invalid group cipher.
        GROUP_CIPHER_NOT_VALID = 18;
        /// Invalid pairwise cipher.
        PAIRWISE_CIPHER_NOT_VALID = 19;
        /// Invalid AKMP.
        AKMP_NOT_VALID = 20;
        /// Unsupported RSNE version.
        UNSUPPORTED_RSN_IE_VERSION = 21;
        /// Invalid RSNE capabilities.
        INVALID_RSN_IE_CAPAB = 22;
        /// IEEE 802.1X authentication failed.
        IEEE_802_1X_AUTH_FAILED = 23;
        /// Cipher suite rejected because of the security policy.
        CIPHER_SUITE_REJECTED = 24;
        /// TDLS direct-link teardown: peer unreachable.
        TDLS_TEARDOWN_UNREACHABLE = 25;
        /// TDLS direct-link teardown: unspecified.
        TDLS_TEARDOWN_UNSPECIFIED = 26;
        /// Disassociated because session terminated by SSP request.
        SSP_REQUESTED_DISASSOC = 27;
        /// Disassociated because of lack of SSP roaming agreement.
        NO_SSP_ROAMING_AGREEMENT = 28;
        /// Requested service rejected because of SSP cipher suite or AKM requirement.
        BAD_CIPHER_OR_AKM = 29;
        /// Requested service not authorized in this location.
        NOT_AUTHORIZED_THIS_LOCATION = 30;
        /// TS deleted because QoS AP lacks sufficient bandwidth.
        SERVICE_CHANGE_PRECLUDES_TS = 31;
        /// Disassociated for unspecified QoS-related reason.
        UNSPECIFIED_QOS_REASON = 32;
        /// QoS AP lacks sufficient bandwidth for this QoS STA.
        NOT_ENOUGH_BANDWIDTH = 33;
        /// Excessive frames not acknowledged.
        DISASSOC_LOW_ACK = 34;
        /// STA transmitting outside the limits of its TXOPs.
        EXCEEDED_TXOP = 35;
        /// Requesting STA is leaving the BSS (or resetting).
        STA_LEAVING = 36;
        /// Requesting STA no longer using the stream or session.
        END_TS_BA_DLS = 37;
        /// Requesting STA received frames using a mechanism it has not set up.
        UNKNOWN_TS_BA = 38;
        /// Requested from peer STA due to timeout.
        TIMEOUT = 39;
        /// Peer STA does not support the requested cipher suite (PeerKey mismatch).
        PEERKEY_MISMATCH = 45;
        /// Authorized access limit reached.
        AUTHORIZED_ACCESS_LIMIT_REACHED = 46;
        /// External service requirements.
        EXTERNAL_SERVICE_REQUIREMENTS = 47;
        /// Invalid FT Action frame count.
        INVALID_FT_ACTION_FRAME_COUNT = 48;
        /// Invalid pairwise master key identifier (PMKID).
        INVALID_PMKID = 49;
        /// Invalid MDE.
        INVALID_MDE = 50;
        /// Invalid FTE.
        INVALID_FTE = 51;
        /// Mesh peering canceled.
        MESH_PEERING_CANCELLED = 52;
        /// Mesh maximum number of peers reached.
        MESH_MAX_PEERS = 53;
        /// Mesh configuration policy violation.
        MESH_CONFIG_POLICY_VIOLATION = 54;
        /// Mesh close received.
        MESH_CLOSE_RCVD = 55;
        /// Mesh maximum retries.
        MESH_MAX_RETRIES = 56;
        /// Mesh confirm timeout.
        MESH_CONFIRM_TIMEOUT = 57;
        /// Mesh invalid GTK.
        MESH_INVALID_GTK = 58;
        /// Mesh inconsistent parameters.
        MESH_INCONSISTENT_PARAMS = 59;
        /// Mesh invalid security capability.
        MESH_INVALID_SECURITY_CAP = 60;
        /// Mesh path error: no proxy information.
        MESH_PATH_ERROR_NO_PROXY_INFO = 61;
        /// Mesh path error: no forwarding information.
        MESH_PATH_ERROR_NO_FORWARDING_INFO = 62;
        /// Mesh path error: destination unreachable.
        MESH_PATH_ERROR_DEST_UNREACHABLE = 63;
        /// MAC address already exists in MBSS.
        MAC_ADDRESS_ALREADY_EXISTS_IN_MBSS = 64;
        /// Mesh channel switch due to regulatory requirements.
        MESH_CHANNEL_SWITCH_REGULATORY_REQ = 65;
        /// Mesh channel switch, unspecified.
        MESH_CHANNEL_SWITCH_UNSPECIFIED = 66;
    }
}

open_code! {
    /// Status code of (Re)Association Responses, Authentication and FT Action frames
    /// (IEEE 802.11-2020 9.4.1.9).
    StatusCode(u16) {
        /// Successful.
        SUCCESS = 0;
        /// Unspecified failure.
        UNSPECIFIED_FAILURE = 1;
        /// TDLS wakeup schedule rejected but alternative schedule provided.
        TDLS_WAKEUP_ALTERNATE = 2;
        /// TDLS wakeup schedule rejected.
        TDLS_WAKEUP_REJECT = 3;
        /// Security disabled.
        SECURITY_DISABLED = 5;
        /// Unacceptable lifetime.
        UNACCEPTABLE_LIFETIME = 6;
        /// Not in same BSS.
        NOT_IN_SAME_BSS = 7;
        /// Cannot support all requested capabilities.
        CAPS_UNSUPPORTED = 10;
        /// Reassociation denied: cannot confirm association exists.
        REASSOC_NO_ASSOC = 11;
        /// Association denied for a reason outside the scope of the standard.
        ASSOC_DENIED_UNSPEC = 12;
        /// Responding STA does not support the specified authentication algorithm.
        NOT_SUPPORTED_AUTH_ALG = 13;
        /// Authentication frame with transaction sequence number out of expected sequence.
        UNKNOWN_AUTH_TRANSACTION = 14;
        /// Authentication rejected because of challenge failure.
        CHALLENGE_FAIL = 15;
        /// Authentication rejected due to timeout waiting for next frame in sequence.
        AUTH_TIMEOUT = 16;
        /// AP is unable to handle additional associated STAs.
        AP_UNABLE_TO_HANDLE_NEW_STA = 17;
        /// Association denied: STA does not support all basic rates.
        ASSOC_DENIED_RATES = 18;
        /// Association denied: no short preamble support.
        ASSOC_DENIED_NOSHORT = 19;
        /// Spectrum management required.
        SPEC_MGMT_REQUIRED = 22;
        /// Power Capability element unacceptable.
        PWR_CAPABILITY_NOT_VALID = 23;
        /// Supported Channels element unacceptable.
        SUPPORTED_CHANNEL_NOT_VALID = 24;
        /// Association denied: no short slot time support.
        ASSOC_DENIED_NO_SHORT_SLOT_TIME = 25;
        /// Association denied: no HT support.
        ASSOC_DENIED_NO_HT = 27;
        /// R0KH unreachable.
        R0KH_UNREACHABLE = 28;
        /// Association denied: no PCO support.
        ASSOC_DENIED_NO_PCO = 29;
        /// Association request rejected temporarily; try again later (SA Query).
        ASSOC_REJECTED_TEMPORARILY = 30;
        /// Robust management frame policy violation.
        ROBUST_MGMT_FRAME_POLICY_VIOLATION = 31;
        /// Unspecified, QoS-related failure.
        UNSPECIFIED_QOS_FAILURE = 32;
        /// Insufficient bandwidth.
        DENIED_INSUFFICIENT_BANDWIDTH = 33;
        /// Poor channel conditions.
        DENIED_POOR_CHANNEL_CONDITIONS = 34;
        /// QoS not supported.
        DENIED_QOS_NOT_SUPPORTED = 35;
        /// The request has been declined.
        REQUEST_DECLINED = 37;
        /// The request has not been successful as one or more parameters have invalid values.
        INVALID_PARAMETERS = 38;
        /// Rejected with suggested changes.
        REJECTED_WITH_SUGGESTED_CHANGES = 39;
        /// Invalid element.
        INVALID_ELEMENT = 40;
        /// Invalid group cipher.
        INVALID_GROUP_CIPHER = 41;
        /// Invalid pairwise cipher.
        INVALID_PAIRWISE_CIPHER = 42;
        /// Invalid AKMP.
        INVALID_AKMP = 43;
        /// Unsupported RSNE version.
        UNSUPPORTED_RSNE_VERSION = 44;
        /// Invalid RSNE capabilities.
        INVALID_RSNE_CAPABILITIES = 45;
        /// Cipher suite rejected because of security policy.
        CIPHER_OUT_OF_POLICY = 46;
        /// TS not created.
        TS_NOT_CREATED = 47;
        /// Direct link not allowed in the BSS by policy.
        DIRECT_LINK_NOT_ALLOWED = 48;
        /// Destination STA not present within this BSS.
        DEST_STA_NOT_PRESENT = 49;
        /// Destination STA is not a QoS STA.
        DEST_STA_NOT_QOS_STA = 50;
        /// Association denied: listen interval too large.
        ASSOC_DENIED_LISTEN_INT_TOO_LARGE = 51;
        /// Invalid FT Action frame count.
        INVALID_FT_ACTION_FRAME_COUNT = 52;
        /// Invalid PMKID.
        INVALID_PMKID = 53;
        /// Invalid MDE.
        INVALID_MDE = 54;
        /// Invalid FTE.
        INVALID_FTE = 55;
        /// Requested TCLAS processing not supported.
        REQUESTED_TCLAS_NOT_SUPPORTED = 56;
        /// Insufficient TCLAS processing resources.
        INSUFFICIENT_TCLAS_PROCESSING_RESOURCES = 57;
        /// Try another BSS.
        TRY_ANOTHER_BSS = 58;
        /// Invalid contents of RSNE.
        INVALID_RSNE = 72;
        /// U-APSD coexistence not supported.
        U_APSD_COEX_NOT_SUPPORTED = 73;
        /// Requested U-APSD coexistence mode not supported.
        U_APSD_COEX_MODE_NOT_SUPPORTED = 74;
        /// Requested interval/duration value cannot be supported with U-APSD coexistence.
        BAD_INTERVAL_WITH_U_APSD_COEX = 75;
        /// SAE: anti-clogging token required.
        ANTI_CLOGGING_TOKEN_REQ = 76;
        /// SAE: finite cyclic group not supported.
        FINITE_CYCLIC_GROUP_NOT_SUPPORTED = 77;
        /// Transmission failure.
        TRANSMISSION_FAILURE = 79;
        /// Rejected with suggested BSS transition.
        REJECTED_WITH_SUGGESTED_BSS_TRANSITION = 82;
        /// Association denied: no VHT support.
        ASSOC_DENIED_NO_VHT = 104;
        /// FILS authentication failure.
        FILS_AUTHENTICATION_FAILURE = 112;
        /// Unknown authentication server.
        UNKNOWN_AUTHENTICATION_SERVER = 113;
        /// SAE: unknown password identifier.
        UNKNOWN_PASSWORD_IDENTIFIER = 123;
        /// Association denied: no HE support.
        DENIED_HE_NOT_SUPPORTED = 124;
        /// SAE hash-to-element (H2E) commit.
        SAE_HASH_TO_ELEMENT = 126;
        /// SAE-PK commit.
        SAE_PK = 127;
        /// OCI mismatch.
        OCI_MISMATCH = 138;
    }
}

impl StatusCode {
    /// `true` for `SUCCESS`.
    pub fn is_success(&self) -> bool {
        *self == StatusCode::SUCCESS
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn names() {
        assert_eq!(ReasonCode(15).name(), Some("FOURWAY_HANDSHAKE_TIMEOUT"));
        assert_eq!(ReasonCode(49), ReasonCode::INVALID_PMKID);
        assert_eq!(ReasonCode(23), ReasonCode::IEEE_802_1X_AUTH_FAILED);
        assert_eq!(StatusCode(53), StatusCode::INVALID_PMKID);
        assert_eq!(StatusCode(55), StatusCode::INVALID_FTE);
        assert_eq!(format!("{}", ReasonCode(2)), "2 (PREV_AUTH_NOT_VALID)");
        assert_eq!(format!("{}", ReasonCode(999)), "999");
        assert_eq!(format!("{:?}", StatusCode(999)), "StatusCode(999)");
        assert!(StatusCode(0).is_success());
    }
}

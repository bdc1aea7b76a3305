//! Issue 16 reproducers: header values that differ from the signed ones only by whitespace
//! beyond RFC 9110 / RFC 8941 OWS (SP, HTAB), or by a second port, are never accepted, and
//! the signer refuses control characters instead of trimming them away.

use std::sync::Arc;

use contrast_auth::signing::{
    Message, ReceivedRequest, SignError, SignatureHeaders, Signer, Verifier, VerifierOptions,
    VerifyError, keyid,
};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Snapshot};

const NOW: u64 = 1_767_225_600;
const BODY: &[u8] = br#"{"findings":[]}"#;

fn snapshot() -> Arc<Snapshot> {
    let creds = Credentials::new(
        "https://h.example/Contrast",
        "agent@Org",
        "SVC-secret-4Q7Z2M9X",
        "API-secret-d8f2a61c",
    )
    .unwrap();
    CredentialStore::new(creds, HeaderOptions::default()).snapshot()
}

fn message(url: &'static str, content_type: &'static str) -> Message<'static> {
    Message {
        method: "POST",
        url,
        content_type,
        body: BODY,
    }
}

fn sign(snap: &Snapshot, message: &Message<'_>) -> Result<SignatureHeaders, SignError> {
    Signer::default().sign(message, snap, None, NOW)
}

/// The fields of a received request that a case may change.
struct Received<'a> {
    authority: &'a str,
    content_type: &'a str,
    content_digest: &'a str,
    signature_input: &'a str,
}

fn verify(snap: &Snapshot, signed: &SignatureHeaders, r: Received<'_>) -> Result<(), VerifyError> {
    let v = Verifier::new(VerifierOptions::default()).unwrap();
    v.set_keys(vec![(keyid(snap), snap.signing_key().duplicate())]);
    v.verify(
        &ReceivedRequest {
            method: "POST",
            authority: r.authority,
            path: "/Contrast/api/ng/report",
            query: None,
            content_type: Some(r.content_type),
            content_digest: Some(r.content_digest),
            signature_input: Some(r.signature_input),
            signature: Some(&signed.signature),
            body: BODY,
        },
        NOW,
    )
    .map(|_| ())
}

#[test]
fn only_ows_differences_verify() {
    let snap = snapshot();
    let url = "https://h.example:8443/Contrast/api/ng/report";
    let signed = sign(&snap, &message(url, "application/json")).unwrap();
    let plain = || Received {
        authority: "h.example:8443",
        content_type: "application/json",
        content_digest: &signed.content_digest,
        signature_input: &signed.signature_input,
    };
    assert_eq!(verify(&snap, &signed, plain()), Ok(()));
    // SP and HTAB around values are OWS: still the same request.
    let digest_ows = format!(" \t{}\t ", signed.content_digest);
    let input_ows = format!("\t{} ", signed.signature_input);
    let host_ows = " h.example:8443\t";
    assert_eq!(
        verify(
            &snap,
            &signed,
            Received {
                authority: host_ows,
                content_type: " \tapplication/json\t ",
                content_digest: &digest_ows,
                signature_input: &input_ows,
            }
        ),
        Ok(())
    );

    let nbsp_digest = format!("\u{a0}{}\u{a0}", signed.content_digest);
    let nel_digest = format!("\u{85}{}\u{85}", signed.content_digest);
    let lf_input = format!("{}\n", signed.signature_input);
    let content_types = [
        "application/json\u{3000}",
        "\x0c\x0b\r\napplication/json\r\n",
    ];
    for content_type in content_types {
        let r = Received {
            content_type,
            ..plain()
        };
        assert!(verify(&snap, &signed, r).is_err(), "{content_type:?}");
    }
    for content_digest in [&nbsp_digest, &nel_digest] {
        let r = Received {
            content_digest,
            ..plain()
        };
        assert!(verify(&snap, &signed, r).is_err(), "{content_digest:?}");
    }
    for authority in ["h.example:8443\u{2028}", "h.example:8443\r\n"] {
        let r = Received {
            authority,
            ..plain()
        };
        assert!(verify(&snap, &signed, r).is_err(), "{authority:?}");
    }
    let r = Received {
        signature_input: &lf_input,
        ..plain()
    };
    assert!(matches!(
        verify(&snap, &signed, r),
        Err(VerifyError::Malformed {
            part: "Signature-Input",
            ..
        })
    ));
    // An authority has at most one port.
    let r = Received {
        authority: "h.example:8443:443",
        ..plain()
    };
    assert_eq!(
        verify(&snap, &signed, r),
        Err(VerifyError::Malformed {
            part: "Host",
            reason: "has more than one port"
        })
    );
}

#[test]
fn the_signer_refuses_control_characters_instead_of_trimming_them() {
    let snap = snapshot();
    let url = "https://h.example/Contrast/api/ng/report";
    for content_type in ["\r\r\r", "application/json\r\n", "\x0c\x0bapplication/json"] {
        assert!(
            matches!(
                sign(&snap, &message(url, content_type)),
                Err(SignError::InvalidComponent {
                    component: "content-type",
                    ..
                })
            ),
            "{content_type:?}"
        );
    }
    // Unicode spaces are not OWS: they stay in the signed value, so the plain value differs.
    let wide = sign(&snap, &message(url, "application/json\u{3000}")).unwrap();
    let r = Received {
        authority: "h.example",
        content_type: "application/json",
        content_digest: &wide.content_digest,
        signature_input: &wide.signature_input,
    };
    assert_eq!(verify(&snap, &wide, r), Err(VerifyError::SignatureMismatch));
    // SP and HTAB are trimmed on both sides.
    let tabbed = sign(&snap, &message(url, "\tapplication/json ")).unwrap();
    let r = Received {
        authority: "h.example",
        content_type: "application/json",
        content_digest: &tabbed.content_digest,
        signature_input: &tabbed.signature_input,
    };
    assert_eq!(verify(&snap, &tabbed, r), Ok(()));
}

//! `send` off the event loop: a Node-API async work item on libuv's thread pool. The promise
//! resolves with the outcome, or with `{ error, message, ... }` that `lib/auth.js` throws as a
//! typed error (so the fields of a rejection cross as plain values).

use std::sync::Arc;

use contrast_auth::transport::{SendError, SendResult};
use napi::bindgen_prelude::Object;
use napi::{Env, Task};

use crate::auth::{Bridge, Fingerprints};
use crate::error::{self, code};

/// One report to send.
pub struct SendTask {
    bridge: Arc<Bridge>,
    method: String,
    path: String,
    content_type: String,
    body: Vec<u8>,
}

impl SendTask {
    pub(crate) fn new(
        bridge: Arc<Bridge>,
        method: String,
        path: String,
        content_type: String,
        body: Vec<u8>,
    ) -> Self {
        SendTask {
            bridge,
            method,
            path,
            content_type,
            body,
        }
    }
}

/// What the pool thread hands back to the JavaScript thread.
pub enum Sent {
    /// Acknowledged.
    Done(SendResult),
    /// Not acknowledged, and why.
    Failed(SendError),
    /// The send panicked (caught).
    Panicked,
}

impl Task for SendTask {
    type Output = Sent;
    type JsValue = Object<'static>;

    fn compute(&mut self) -> napi::Result<Sent> {
        let sent = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.bridge
                .client
                .send(&self.method, &self.path, &self.content_type, &self.body)
        }));
        Ok(match sent {
            Ok(Ok(done)) => Sent::Done(done),
            Ok(Err(failed)) => Sent::Failed(failed),
            Err(payload) => {
                std::mem::forget(payload);
                Sent::Panicked
            }
        })
    }

    fn resolve(&mut self, env: Env, output: Sent) -> napi::Result<Object<'static>> {
        let mut out = Object::new(&env)?;
        match output {
            Sent::Done(sent) => {
                out.set("status", u32::from(sent.status))?;
                out.set("attempts", sent.attempts)?;
                #[allow(clippy::cast_precision_loss)]
                out.set("generation", sent.generation as f64)?;
                out.set("reloaded", sent.reloaded)?;
            }
            Sent::Failed(e) => {
                out.set("error", error::send_code(&e))?;
                out.set("message", format!("contrast-auth: {e}"))?;
                if let Some(status) = e.status() {
                    out.set("status", u32::from(status))?;
                }
                match &e {
                    SendError::CredentialsRejected {
                        attempts,
                        fingerprints,
                        ..
                    } => {
                        out.set("attempts", *attempts)?;
                        out.set("fingerprints", Fingerprints::from(*fingerprints))?;
                    }
                    SendError::Status { attempts, .. }
                    | SendError::Network { attempts, .. }
                    | SendError::Timeout { attempts, .. } => out.set("attempts", *attempts)?,
                    _ => {}
                }
                out.set("kind", e.kind())?;
            }
            Sent::Panicked => {
                out.set("error", code::PANIC)?;
                out.set(
                    "message",
                    "contrast-auth: internal error (a panic in the native addon was caught)",
                )?;
            }
        }
        Ok(out)
    }
}

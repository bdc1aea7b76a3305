//! Log records to a JavaScript function: `setLogSink(callback, maxLevel)`.
//!
//! The library produces records on whatever thread did the work (libuv's pool for `send`).
//! The sink hands each one to a thread-safe function without blocking (a full queue drops the
//! record and counts it); Node runs the callback on the JavaScript thread. The function is
//! weak (unref'd): a queue of log records never keeps the process alive. Records hold no
//! secret (the core's rule); `lib/log.js` routes them to the user's logger or to Node's
//! conventions.

use std::sync::atomic::{AtomicU64, Ordering};

use contrast_auth::events::{self, Record, Sink};
use napi::Status;
use napi::bindgen_prelude::FnArgs;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use crate::error::{Result, guard};

/// Records waiting for the JavaScript thread at most; more are dropped and counted.
const MAX_QUEUED: usize = 4096;

/// `(level 1..5, event, message)`, delivered on the JavaScript thread.
type Arguments = FnArgs<(u32, String, String)>;
type LogFunction = ThreadsafeFunction<Arguments, (), Arguments, Status, false, true, MAX_QUEUED>;

static DROPPED: AtomicU64 = AtomicU64::new(0);

struct JsSink {
    function: LogFunction,
}

impl Sink for JsSink {
    fn publish(&self, record: &Record<'_>) {
        let status = self.function.call(
            FnArgs::from((
                record.level as u32,
                record.event.to_string(),
                record.message.to_string(),
            )),
            ThreadsafeFunctionCallMode::NonBlocking,
        );
        if status != Status::Ok {
            DROPPED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Sends records up to `maxLevel` (1 = error .. 5 = trace) to `callback(level, event,
/// message)` from now on; `maxLevel` 0 or no callback turns records off. Replaces the previous
/// callback (one per process).
#[napi(js_name = "setLogSink")]
pub fn set_log_sink(callback: Option<LogFunction>, max_level: u32) -> Result<()> {
    guard(|| {
        match callback {
            Some(function) if max_level > 0 => {
                events::set_sink(Some(Box::new(JsSink { function })), max_level);
            }
            _ => events::set_sink(None, 0),
        }
        Ok(())
    })
}

/// Records that never reached JavaScript (queue full, environment closing, a sink that
/// produced records itself).
#[napi(js_name = "droppedLogRecords")]
pub fn dropped_log_records() -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let dropped = (DROPPED.load(Ordering::Relaxed) + events::dropped()) as f64;
    dropped
}

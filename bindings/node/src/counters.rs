//! `counters()`: every field of the transport's `ClientCounters`, as JavaScript numbers.

use contrast_auth::transport::ClientCounters;
use napi_derive::napi;

/// Declares [`Counters`] with one `f64` per listed field of `ClientCounters` (exact up to
/// 2^53) and its conversion. To expose a new counter, add its name to the list below (and to
/// `Counters` in `index.d.ts`).
macro_rules! counters {
    ($($field:ident),+ $(,)?) => {
        /// Running totals of one handle's reports (see `ClientCounters`).
        #[napi(object)]
        pub struct Counters {
            $(
                #[doc = concat!("`ClientCounters::", stringify!($field), "`.")]
                pub $field: f64,
            )+
        }

        impl From<ClientCounters> for Counters {
            #[allow(clippy::cast_precision_loss)]
            fn from(c: ClientCounters) -> Self {
                Counters { $($field: c.$field as f64),+ }
            }
        }
    };
}

counters!(
    acknowledged,
    failed,
    requests,
    retries,
    reloads,
    handshakes,
    rejections,
    reconnects,
);

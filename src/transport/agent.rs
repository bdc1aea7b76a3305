//! The ureq agent of the current process image: a forked child never uses its parent's.
//!
//! After `fork()` parent and child hold the same sockets and the same TLS keys and sequence
//! numbers; if both wrote, two processes would encrypt different records under one AES-GCM
//! key and nonce. So a client keeps its agent (connection pool and rustls configuration,
//! whose session cache holds resumption tickets) with the [`crate::fork::epoch`] that built
//! it. The first request in a forked child builds a new agent from the same configuration
//! (certificates already loaded, no file read) and drops the inherited one: its pooled
//! connections are closed, nothing is written on them (see [`super::connection`]); the parent
//! keeps its connections. Connections that other threads of the parent were using at the
//! moment of the fork belong to threads the child does not have: they are never touched (and
//! their descriptors stay open in the child until it exits).
//!
//! Windows has no `fork()`: there the epoch never changes and the first agent is used for
//! the process's life.

use std::sync::Arc;

use arc_swap::ArcSwap;

use super::connection::{ConnectionCounters, agent_with};
use crate::events::{Level, event, names};

/// An agent with the process image that built it.
struct EpochAgent {
    epoch: u64,
    agent: ureq::Agent,
}

/// The agent of this process image, rebuilt on first use after a fork.
pub(super) struct ProcessAgent {
    current: ArcSwap<EpochAgent>,
    counters: ConnectionCounters,
    /// Compare epochs (always, but in the benchmark that measures what the check costs).
    checked: bool,
}

impl ProcessAgent {
    /// Starts with `agent`, built in this process with `counters`.
    pub(super) fn new(agent: ureq::Agent, counters: ConnectionCounters) -> Self {
        ProcessAgent {
            current: ArcSwap::from_pointee(EpochAgent {
                epoch: crate::fork::epoch(),
                agent,
            }),
            counters,
            checked: true,
        }
    }

    /// An agent that is never rebuilt after a fork, for the benchmark that measures the
    /// check's cost only: NOT fork-safe.
    #[cfg(feature = "test-server")]
    pub(super) fn unchecked(agent: ureq::Agent, counters: ConnectionCounters) -> Self {
        ProcessAgent {
            checked: false,
            ..ProcessAgent::new(agent, counters)
        }
    }

    /// The agent to use in this process: one atomic load and a compare, unless this is the
    /// first use after a fork.
    pub(super) fn get(&self) -> CurrentAgent {
        let current = self.current.load();
        if !self.checked {
            return CurrentAgent(current);
        }
        let epoch = crate::fork::epoch();
        if current.epoch == epoch {
            return CurrentAgent(current);
        }
        let inherited = arc_swap::Guard::into_inner(current);
        let fresh = Arc::new(EpochAgent {
            epoch,
            agent: agent_with(inherited.agent.config().clone(), &self.counters),
        });
        // Another thread of this process may have replaced it meanwhile: then that one stays.
        let previous = self.current.compare_and_swap(&inherited, fresh);
        if Arc::ptr_eq(&*previous, &inherited) {
            event!(
                Level::Debug,
                names::TRANSPORT_CONNECTED,
                "first request since fork(): the parent's pooled connections are closed unused \
                 (no close_notify) and new ones will be opened"
            );
        }
        drop(previous);
        // The last reference to the inherited agent: its pool closes its sockets.
        drop(inherited);
        CurrentAgent(self.current.load())
    }
}

/// The agent of this process image, borrowed for one request.
pub(super) struct CurrentAgent(arc_swap::Guard<Arc<EpochAgent>>);

impl std::ops::Deref for CurrentAgent {
    type Target = ureq::Agent;

    fn deref(&self) -> &ureq::Agent {
        &self.0.agent
    }
}

//! The hook process's log: warnings and errors to stderr, one line each.
//!
//! A coding agent starts `attesta hook …` for every tool call, and setting up the full log
//! subscriber (a span registry and a filter parsed from text) is a measurable share of that
//! process, which almost never logs anything. This subscriber keeps what matters: events at
//! WARN and ERROR, written as `WARN target: message key=value`. With `ATTESTA_LOG` set the full
//! subscriber is used instead, as for every other command.

use std::fmt::{Debug, Write as _};
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Installs the subscriber for this process (a no-op when one is already installed).
pub fn install() {
    let _ = tracing::subscriber::set_global_default(StderrWarnings);
}

struct StderrWarnings;

impl Subscriber for StderrWarnings {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= Level::WARN
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::WARN)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        // Spans are never enabled (they carry no level above WARN here); any id will do.
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        let mut line = format!("{} {}:", metadata.level(), metadata.target());
        event.record(&mut Fields(&mut line));
        line.push('\n');
        let _ = std::io::stderr().write_all(line.as_bytes());
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Appends an event's fields: the message as it is, the others as `key=value`.
struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_written_and_lower_levels_are_not_enabled() {
        let subscriber = StderrWarnings;
        tracing::subscriber::with_default(subscriber, || {
            assert!(tracing::enabled!(Level::WARN));
            assert!(tracing::enabled!(Level::ERROR));
            assert!(!tracing::enabled!(Level::INFO));
            // Written to stderr; the formatting itself is checked below.
            tracing::warn!(agent = "claude-code", "could not update the trust store");
        });
    }

    #[test]
    fn fields_are_formatted_as_key_value() {
        struct Collect;
        impl Subscriber for Collect {
            fn enabled(&self, _: &Metadata<'_>) -> bool {
                true
            }
            fn new_span(&self, _: &Attributes<'_>) -> Id {
                Id::from_u64(1)
            }
            fn record(&self, _: &Id, _: &Record<'_>) {}
            fn record_follows_from(&self, _: &Id, _: &Id) {}
            fn event(&self, event: &Event<'_>) {
                let mut line = String::new();
                event.record(&mut Fields(&mut line));
                assert_eq!(line, " could not update the trust store agent=claude-code count=3");
            }
            fn enter(&self, _: &Id) {}
            fn exit(&self, _: &Id) {}
        }
        tracing::subscriber::with_default(Collect, || {
            tracing::warn!(agent = "claude-code", count = 3, "could not update the trust store");
        });
    }
}

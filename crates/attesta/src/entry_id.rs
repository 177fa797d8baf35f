//! The id of one evaluation's audit entry, also carried by the evaluation's events.

use std::sync::OnceLock;

/// A UUIDv7 drawn when it is first needed. An evaluation an audit log records draws it at once
/// (when the call is intercepted, so the id's time is the interception's); otherwise only an
/// event subscriber needs it, and a call nobody records or watches skips the draw and its
/// `getrandom` system call. Once drawn, every event of the evaluation carries the same id.
pub(crate) struct EntryId(OnceLock<String>);

fn draw() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl EntryId {
    pub(crate) fn new(recorded: bool) -> Self {
        let cell = OnceLock::new();
        if recorded {
            let _ = cell.set(draw());
        }
        EntryId(cell)
    }

    pub(crate) fn get(&self) -> &str {
        self.0.get_or_init(draw)
    }

    pub(crate) fn into_string(self) -> String {
        self.0.into_inner().unwrap_or_else(draw)
    }
}

#[cfg(test)]
mod tests {
    use super::EntryId;

    #[test]
    fn a_recorded_evaluation_draws_its_id_at_once() {
        let id = EntryId::new(true);
        assert!(id.0.get().is_some());
        let first = id.get().to_owned();
        assert_eq!(uuid::Uuid::parse_str(&first).unwrap().get_version_num(), 7);
        assert_eq!(id.into_string(), first);
    }

    #[test]
    fn an_unrecorded_one_draws_on_first_use_and_keeps_it() {
        let id = EntryId::new(false);
        assert!(id.0.get().is_none());
        let first = id.get().to_owned();
        assert_eq!(id.get(), first);
        assert_eq!(id.into_string(), first);
        assert_ne!(EntryId::new(false).into_string(), first);
    }
}

//! The extra answer at a MEDIUM confirmation: `a` allows the exact command for the rest of the
//! agent session, `a <prefix>` a whole-word prefix of it the human chooses. What may be allowed
//! is decided by [`attesta_core::session::AllowList`]; this only reads the answer and says what
//! it will cover.

use attesta_core::RiskLevel;
use attesta_core::session::{AllowList, simple_command_words};

use super::AllowOffer;

/// What a line typed at a confirmation with an allow offer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowAnswer {
    /// Not an allow answer (`y`, `n`, `?` …).
    NotAllow,
    /// Approve this call and allow `prefix` for the session; `covers` says what that means.
    Granted { prefix: String, covers: String },
    /// An allow answer that cannot be honoured, and why (the human is asked again).
    Refused(String),
}

/// Reads `a`, `allow`, `a <prefix>` or `allow <prefix>` (the keyword in any case).
pub fn allow_answer(line: &str, offer: &AllowOffer) -> AllowAnswer {
    let trimmed = line.trim();
    let (keyword, rest) = match trimmed.split_once(char::is_whitespace) {
        Some((k, r)) => (k, r.trim()),
        None => (trimmed, ""),
    };
    if !(keyword.eq_ignore_ascii_case("a") || keyword.eq_ignore_ascii_case("allow")) {
        return AllowAnswer::NotAllow;
    }
    let exact = simple_command_words(&offer.command).map(|w| w.join(" "));
    let prefix = if rest.is_empty() {
        match &exact {
            Some(words) => words.clone(),
            None => return AllowAnswer::Refused(not_simple()),
        }
    } else {
        rest.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    // The library's rules decide; a scratch list only validates.
    if let Err(why) = AllowList::default().allow(&offer.tool, &offer.command, &prefix, RiskLevel::Medium, "") {
        return AllowAnswer::Refused(format!("cannot allow `{prefix}`: {why}"));
    }
    let covers = if exact.as_deref() == Some(prefix.as_str()) {
        format!("exactly `{prefix}` ({})", offer.tool)
    } else {
        format!("`{prefix}` followed by any arguments ({})", offer.tool)
    };
    AllowAnswer::Granted {
        covers: format!(
            "Allowed for the rest of this agent session: {covers}. Only a single simple command \
             (no ; && | $( ` redirections or variables) that scores at most MEDIUM is auto-approved; \
             each use is audited."
        ),
        prefix,
    }
}

fn not_simple() -> String {
    "only a single simple command can be allowed for the session (no operators, pipes, \
     substitutions, redirections, quotes or variables)"
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(command: &str) -> AllowOffer {
        AllowOffer {
            tool: "Bash".into(),
            command: command.into(),
        }
    }

    #[test]
    fn reads_the_answer() {
        let o = offer("cargo build --release");
        assert_eq!(allow_answer("y", &o), AllowAnswer::NotAllow);
        assert_eq!(allow_answer("append", &o), AllowAnswer::NotAllow);
        match allow_answer(" A ", &o) {
            AllowAnswer::Granted { prefix, covers } => {
                assert_eq!(prefix, "cargo build --release");
                assert!(covers.contains("exactly `cargo build --release`"), "{covers}");
            }
            other => panic!("{other:?}"),
        }
        match allow_answer("allow cargo   build", &o) {
            AllowAnswer::Granted { prefix, covers } => {
                assert_eq!(prefix, "cargo build");
                assert!(covers.contains("followed by any arguments"), "{covers}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_what_the_list_refuses() {
        let o = offer("cargo build --release");
        for bad in ["a cargo test", "a car", "a cargo build; rm -rf ~", "a cargo $(x)"] {
            assert!(matches!(allow_answer(bad, &o), AllowAnswer::Refused(_)), "{bad}");
        }
        assert!(matches!(allow_answer("a python3", &offer("python3 x.py")), AllowAnswer::Refused(_)));
        assert!(matches!(allow_answer("a", &offer("make && rm -rf ~")), AllowAnswer::Refused(_)));
    }
}

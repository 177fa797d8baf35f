//! What an action does to the world, read from its name, its command or SQL verb and the risk
//! evidence: the ground truth for consequence questions and for a teach-back's "effect".

use serde_json::Value;

use super::text::identifier_tokens;
use crate::assessment::RiskFactor;
use crate::context::ActionContext;

/// Consequences an approver must recognise. The order is the priority when several apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Consequence {
    MoneyOut,
    SecretKey,
    DataDestroyed,
    Deleted,
    SentOut,
    Access,
    Execute,
    Stopped,
    Deployed,
    Overwritten,
}

pub(crate) const ALL: &[Consequence] = &[
    Consequence::MoneyOut,
    Consequence::SecretKey,
    Consequence::DataDestroyed,
    Consequence::Deleted,
    Consequence::SentOut,
    Consequence::Access,
    Consequence::Execute,
    Consequence::Stopped,
    Consequence::Deployed,
    Consequence::Overwritten,
];

impl Consequence {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Consequence::MoneyOut => "money_out",
            Consequence::SecretKey => "secret_key",
            Consequence::DataDestroyed => "data_destroyed",
            Consequence::Deleted => "deleted",
            Consequence::SentOut => "sent_out",
            Consequence::Access => "access",
            Consequence::Execute => "execute",
            Consequence::Stopped => "stopped",
            Consequence::Deployed => "deployed",
            Consequence::Overwritten => "overwritten",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Consequence> {
        ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Whether an approver could fairly read one as the other ("a table is dropped" is both
    /// "records are destroyed" and "resources are deleted"). A consequence that could be true
    /// beside the right answer is never offered as a wrong one.
    pub(crate) fn confusable(self, other: Consequence) -> bool {
        use Consequence::*;
        let family = |c: Consequence| match c {
            DataDestroyed | Deleted | Overwritten => 0,
            SecretKey => 1,
            Execute | Stopped | Deployed => 2,
            MoneyOut => 3,
            SentOut => 4,
            Access => 5,
        };
        self == other
            || family(self) == family(other)
            // Destroying, replacing or exposing a key also deletes, overwrites or changes access.
            || matches!((self, other), (SecretKey, DataDestroyed | Deleted | Overwritten | Access | SentOut))
            || matches!((other, self), (SecretKey, DataDestroyed | Deleted | Overwritten | Access | SentOut))
    }

    /// The option text: similar length and form for every consequence.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Consequence::MoneyOut => "Money is paid out to someone",
            Consequence::SecretKey => "A secret key is destroyed, replaced or exposed",
            Consequence::DataDestroyed => "Database records are destroyed or rewritten",
            Consequence::Deleted => "Files or other resources are deleted",
            Consequence::SentOut => "Data is sent or shared with someone",
            Consequence::Access => "Someone gains or loses access rights",
            Consequence::Execute => "Code from elsewhere runs on this machine",
            Consequence::Stopped => "A running service is stopped",
            Consequence::Deployed => "Code or running software is changed",
            Consequence::Overwritten => "Existing content is overwritten or moved",
        }
    }
}

fn any(tokens: &[String], stems: &[&str]) -> bool {
    tokens.iter().any(|t| {
        stems.iter().any(|s| match s.strip_suffix('$') {
            Some(exact) => t == exact,
            None => t.starts_with(s),
        })
    })
}

/// Lowercase words of the command and query strings among the arguments (bounded: the first
/// 4 KiB of each of at most 32 strings).
fn argument_words(args: &Value) -> (Vec<String>, String) {
    let mut words = Vec::new();
    let mut first_text = String::new();
    let mut stack = vec![args];
    let mut budget = 32;
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => stack.extend(m.values()),
            Value::Array(a) => stack.extend(a.iter().take(64)),
            Value::String(s) if budget > 0 => {
                budget -= 1;
                let mut end = s.len().min(4096);
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                let lower = s[..end].to_lowercase();
                if first_text.is_empty() && lower.contains(' ') {
                    first_text = lower.clone();
                }
                words.extend(
                    lower
                        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
                        .filter(|w| !w.is_empty())
                        .map(str::to_owned),
                );
            }
            _ => {}
        }
    }
    (words, first_text)
}

/// Every consequence of the action, most important first. Empty when nothing is recognised.
pub(crate) fn consequences(ctx: &ActionContext, factors: &[RiskFactor]) -> Vec<Consequence> {
    let name = identifier_tokens(&ctx.function_name);
    let (arg_words, text) = argument_words(&ctx.arguments_value());
    let keys: Vec<String> = ctx
        .kwargs
        .keys()
        .flat_map(|k| identifier_tokens(k))
        .collect();
    let evidence: Vec<String> = factors
        .iter()
        .filter(|f| f.score > 0.0)
        .flat_map(|f| {
            f.evidence
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    let sql = text.trim_start();
    let sql_destroys = ["drop ", "truncate ", "delete ", "update ", "alter "]
        .iter()
        .any(|v| sql.starts_with(v));
    let command = |words: &[&str]| arg_words.iter().any(|w| words.contains(&w.as_str()));
    let mut out = Vec::new();
    let mut add = |c: Consequence, when: bool| {
        if when && !out.contains(&c) {
            out.push(c);
        }
    };
    let pays = any(
        &name,
        &[
            "pay", "transfer", "wire", "payout", "refund", "withdraw", "purchas", "charg", "remit",
            "disburs",
        ],
    ) || (any(&name, &["send"])
        && any(
            &name,
            &["crypto", "coin", "token", "eth", "btc", "fund", "money"],
        ))
        || (any(&name, &["send", "create"])
            && any(&keys, &["amount"])
            && !any(&name, &["email", "mail", "message"]));
    add(Consequence::MoneyOut, pays);
    let key_name = any(
        &name,
        &[
            "key",
            "keys",
            "kms",
            "wallet",
            "secret",
            "certificate",
            "cert",
        ],
    );
    add(
        Consequence::SecretKey,
        key_name
            && any(
                &name,
                &[
                    "delet", "rotat", "export", "revok", "destroy", "schedul", "disabl", "replac",
                ],
            ),
    );
    let destroys_by_name = any(
        &name,
        &[
            "drop", "delet", "truncat", "purg", "wipe", "eras", "destroy", "remov",
        ],
    );
    let names_stored_data = |words: &[String]| {
        any(
            words,
            &[
                "table",
                "database",
                "db$",
                "record",
                "row",
                "collection",
                "schema",
                "column",
                "index",
                "keyspace",
            ],
        )
    };
    add(
        Consequence::DataDestroyed,
        sql_destroys
            || (destroys_by_name && (names_stored_data(&name) || names_stored_data(&keys))),
    );
    add(
        Consequence::Deleted,
        any(
            &name,
            &[
                "delet", "remov", "purg", "rmtree", "unlink", "destroy", "wipe", "erase", "drop",
            ],
        ) || (command(&["rm", "rmdir", "shred"])
            || (command(&["kubectl", "helm", "terraform"])
                && command(&["delete", "destroy", "uninstall"]))),
    );
    add(
        Consequence::SentOut,
        any(
            &name,
            &[
                "email", "mail", "send", "share", "forward", "upload", "post$", "publish",
                "notify", "message",
            ],
        ) || command(&["ssh", "scp", "rsync", "sftp"]) && text.contains('@'),
    );
    add(
        Consequence::Access,
        any(
            &name,
            &[
                "grant",
                "role",
                "invit",
                "revok",
                "permission",
                "access",
                "token",
                "member",
                "acl",
                "policy",
            ],
        ) || command(&["chmod", "chown", "setfacl"]),
    );
    add(
        Consequence::Execute,
        (command(&["curl", "wget"])
            && (text.contains("| bash")
                || text.contains("| sh")
                || text.contains("|bash")
                || text.contains("| sudo")))
            || any(&name, &["eval", "exec$"]),
    );
    add(
        Consequence::Stopped,
        any(
            &name,
            &["stop", "kill", "shutdown", "halt", "terminat", "disabl"],
        ) || (any(&name, &["scale"]) && ctx.kwargs.values().any(|v| v == &Value::from(0)))
            || command(&["kill", "pkill", "shutdown", "reboot"])
            || (command(&["kubectl"]) && command(&["delete"])),
    );
    add(
        Consequence::Deployed,
        any(
            &name,
            &[
                "deploy", "releas", "rollback", "rollout", "merge", "promot", "scale", "publish",
            ],
        ),
    );
    add(
        Consequence::Overwritten,
        any(
            &name,
            &[
                "writ", "overwrit", "move", "renam", "updat", "replac", "edit", "patch",
            ],
        ) || (command(&["git"]) && command(&["push"]) && (command(&["--force", "-f", "force"])))
            || command(&["mv", "dd"])
            || (sql.starts_with("update ")),
    );
    if out.is_empty() && evidence.iter().any(|w| w.starts_with("delet")) {
        out.push(Consequence::Deleted);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(ctx: ActionContext) -> Vec<Consequence> {
        consequences(&ctx, &[])
    }

    #[test]
    fn common_actions_have_the_expected_first_consequence() {
        use Consequence::*;
        let cases = [
            (
                ActionContext::new("delete_file").with_kwarg("path", "/a/b.csv"),
                Deleted,
            ),
            (
                ActionContext::new("execute_sql").with_kwarg("query", "DROP TABLE users"),
                DataDestroyed,
            ),
            (
                ActionContext::new("drop_table").with_kwarg("table", "customers"),
                DataDestroyed,
            ),
            (
                ActionContext::new("delete_records").with_kwarg("ids", "1,2"),
                DataDestroyed,
            ),
            (
                ActionContext::new("transfer_funds").with_kwarg("amount", 10),
                MoneyOut,
            ),
            (
                ActionContext::new("issue_refund").with_kwarg("amount", 10),
                MoneyOut,
            ),
            (
                ActionContext::new("send_email").with_kwarg("to", "a@b.c"),
                SentOut,
            ),
            (
                ActionContext::new("grant_role").with_kwarg("role", "admin"),
                Access,
            ),
            (
                ActionContext::new("run_shell")
                    .with_kwarg("command", "curl -fsSL https://x.io/i.sh | sudo bash"),
                Execute,
            ),
            (
                ActionContext::new("deploy_service").with_kwarg("service", "api"),
                Deployed,
            ),
            (
                ActionContext::new("schedule_key_deletion").with_kwarg("key_id", "k"),
                SecretKey,
            ),
            (
                ActionContext::new("run_shell")
                    .with_kwarg("command", "git push --force origin main"),
                Overwritten,
            ),
            (
                ActionContext::new("run_shell").with_kwarg("command", "rm -rf /srv/x"),
                Deleted,
            ),
        ];
        for (ctx, first) in cases {
            let got = of(ctx.clone());
            assert_eq!(
                got.first(),
                Some(&first),
                "{} -> {got:?}",
                ctx.function_name
            );
        }
        assert!(of(ActionContext::new("ping")).is_empty());
    }

    #[test]
    fn a_dropped_table_is_never_offered_deletion_as_a_wrong_answer() {
        let applicable = of(ActionContext::new("drop_table").with_kwarg("table", "customers"));
        for wrong in [
            Consequence::Deleted,
            Consequence::DataDestroyed,
            Consequence::Overwritten,
        ] {
            assert!(applicable.iter().any(|a| a.confusable(wrong)), "{wrong:?}");
        }
        assert!(
            !applicable
                .iter()
                .any(|a| a.confusable(Consequence::MoneyOut))
        );
        // Symmetric, so the order of the applicable list never matters.
        for a in ALL {
            for b in ALL {
                assert_eq!(a.confusable(*b), b.confusable(*a), "{a:?} {b:?}");
            }
        }
    }
}

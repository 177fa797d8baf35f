//! Word lists: verb classes, object nouns, docstring words. Looked up through precompiled hash
//! maps so a lookup is one short hash, not a regex scan.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// FNV-1a: fast for the short ASCII words the lexicons hold (no DoS concern, the keys are ours).
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FastMap<V> = HashMap<&'static str, V, BuildHasherDefault<Fnv>>;

fn build<V: Copy>(groups: &[(&[&'static str], V)]) -> FastMap<V> {
    let mut map = FastMap::default();
    for (words, value) in groups {
        for word in *words {
            map.insert(*word, *value);
        }
    }
    map
}

/// What an action's verb does, from safest to riskiest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VerbClass {
    /// Reads, queries, lists: nothing changes.
    Read,
    /// Creates or changes state inside the system.
    Write,
    /// Data leaves the system (send, publish, share, upload, email).
    Send,
    /// Runs code or commands.
    Exec,
    /// Changes what runs (deploy, restart, shutdown, scale).
    Deploy,
    /// Money moves.
    Money,
    /// Changes who may do what, or opens something physical (grant, unlock, disarm).
    Privilege,
    /// Destroys or revokes (delete, drop, wipe, terminate).
    Destroy,
}

impl VerbClass {
    /// The name factor's base score for this class.
    pub const fn score(self) -> f64 {
        match self {
            VerbClass::Read => 0.05,
            VerbClass::Write => 0.35,
            VerbClass::Send => 0.5,
            VerbClass::Exec => 0.6,
            VerbClass::Deploy => 0.65,
            VerbClass::Money => 0.75,
            VerbClass::Privilege => 0.75,
            VerbClass::Destroy => 0.85,
        }
    }

    /// The least risk this class implies on its own, whatever the other factors say: anything
    /// that changes state deserves at least a confirmation, and money, privilege and destruction
    /// at least a quiz.
    pub const fn floor(self) -> f64 {
        match self {
            VerbClass::Read => 0.0,
            VerbClass::Write | VerbClass::Send | VerbClass::Exec => 0.3,
            VerbClass::Deploy => 0.45,
            VerbClass::Money | VerbClass::Privilege | VerbClass::Destroy => 0.6,
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            VerbClass::Read => "read-only",
            VerbClass::Write => "changes state",
            VerbClass::Send => "data leaves the system",
            VerbClass::Exec => "executes code",
            VerbClass::Deploy => "changes what runs",
            VerbClass::Money => "moves money",
            VerbClass::Privilege => "changes access",
            VerbClass::Destroy => "destructive",
        }
    }
}

pub static VERBS: LazyLock<FastMap<VerbClass>> = LazyLock::new(|| {
    build(&[
        (
            &[
                "read",
                "get",
                "list",
                "ls",
                "search",
                "query",
                "find",
                "fetch",
                "show",
                "describe",
                "view",
                "lookup",
                "look",
                "count",
                "check",
                "inspect",
                "status",
                "diff",
                "cat",
                "head",
                "tail",
                "grep",
                "glob",
                "browse",
                "preview",
                "summarize",
                "summarise",
                "explain",
                "validate",
                "lint",
                "estimate",
                "watch",
                "ping",
                "whoami",
                "stat",
                "open",
                "load",
                "retrieve",
                "download",
                "scan",
                "poll",
                "peek",
                "analyze",
                "analyse",
                "compare",
                "verify",
                "test",
                "resolve",
                "lookup",
                "translate",
                "calculate",
                "compute",
                "render",
                "parse",
                "detect",
                "recall",
                "select",
                "print",
                "display",
                "echo",
                "dump",
                "export",
                "backup",
                "snapshot",
                "plan",
                "forecast",
                "monitor",
                "audit",
                "inspect",
            ],
            VerbClass::Read,
        ),
        (
            &[
                "create",
                "update",
                "write",
                "edit",
                "set",
                "put",
                "patch",
                "add",
                "insert",
                "append",
                "modify",
                "change",
                "rename",
                "move",
                "mv",
                "copy",
                "cp",
                "save",
                "store",
                "upsert",
                "replace",
                "mkdir",
                "touch",
                "commit",
                "merge",
                "label",
                "assign",
                "tag",
                "comment",
                "reply",
                "close",
                "reopen",
                "archive",
                "unarchive",
                "restore",
                "undelete",
                "recover",
                "schedule",
                "book",
                "reserve",
                "register",
                "enable",
                "configure",
                "adjust",
                "toggle",
                "turn",
                "start",
                "resume",
                "pause",
                "apply",
                "import",
                "sync",
                "upgrade",
                "install",
                "new",
                "make",
                "generate",
                "draft",
                "mark",
                "approve",
                "reject",
                "cancel",
                "lock",
                "sort",
                "format",
                "clone",
                "fork",
                "checkout",
                "stash",
                "rebase",
                "push",
                "pull",
                "submit",
                "complete",
                "log",
                "record",
                "track",
                "note",
                "remember",
                "memorize",
                "transition",
            ],
            VerbClass::Write,
        ),
        (
            &[
                "send",
                "publish",
                "share",
                "post",
                "upload",
                "email",
                "mail",
                "tweet",
                "broadcast",
                "notify",
                "forward",
                "invite",
                "message",
                "text",
                "sms",
                "call",
                "dm",
                "announce",
                "release",
                "expose",
                "webhook",
                "exfiltrate",
                "leak",
            ],
            VerbClass::Send,
        ),
        (
            &[
                "execute",
                "exec",
                "run",
                "shell",
                "bash",
                "sh",
                "zsh",
                "powershell",
                "cmd",
                "eval",
                "evaluate",
                "invoke",
                "spawn",
                "launch",
                "script",
                "terminal",
                "console",
                "repl",
                "command",
                "sql",
                "compile",
                "build",
                "interpret",
            ],
            VerbClass::Exec,
        ),
        (
            &[
                "deploy",
                "redeploy",
                "rollout",
                "rollback",
                "promote",
                "migrate",
                "restart",
                "reboot",
                "shutdown",
                "stop",
                "halt",
                "scale",
                "provision",
                "failover",
                "reset",
                "reload",
                "flush",
                "override",
            ],
            VerbClass::Deploy,
        ),
        (
            &[
                "pay",
                "transfer",
                "withdraw",
                "purchase",
                "refund",
                "charge",
                "buy",
                "sell",
                "trade",
                "invest",
                "bid",
                "wire",
                "remit",
                "payout",
                "disburse",
                "deposit",
                "swap",
                "stake",
                "mint",
                "bridge",
                "tip",
                "donate",
                "invoice",
                "bill",
                "checkout_payment",
                "capture",
                "order",
            ],
            VerbClass::Money,
        ),
        (
            &[
                "grant",
                "chmod",
                "chown",
                "elevate",
                "impersonate",
                "unlock",
                "disarm",
                "disable",
                "bypass",
                "escalate",
                "sudo",
                "authorize",
                "promote_admin",
                "whitelist",
                "allowlist",
                "unblock",
                "unmute",
                "unseal",
                "decrypt",
                "sign",
                "rotate",
                "reveal",
            ],
            VerbClass::Privilege,
        ),
        (
            &[
                "delete",
                "del",
                "remove",
                "rm",
                "rmdir",
                "drop",
                "destroy",
                "revoke",
                "wipe",
                "purge",
                "truncate",
                "terminate",
                "kill",
                "erase",
                "shred",
                "nuke",
                "obliterate",
                "uninstall",
                "deprovision",
                "decommission",
                "ban",
                "suspend",
                "deactivate",
                "unregister",
                "unsubscribe",
                "evict",
                "expunge",
                "clear",
                "clean",
                "prune",
                "overwrite",
                "discard",
                "unlink",
                "detach",
                "dismantle",
                "annihilate",
            ],
            VerbClass::Destroy,
        ),
    ])
});

/// Flags an object noun can carry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noun {
    /// Added to the name factor.
    pub bump: f64,
    /// Destroying one of these is catastrophic (a database, a repository, production, backups).
    pub high_value: bool,
    /// A physical-world object (doors, locks, valves): opening or disabling it is a privilege change.
    pub physical: bool,
    /// A storage device: `format` on it is destructive.
    pub storage: bool,
}

const fn noun(bump: f64, high_value: bool) -> Noun {
    Noun {
        bump,
        high_value,
        physical: false,
        storage: false,
    }
}

pub static NOUNS: LazyLock<FastMap<Noun>> = LazyLock::new(|| {
    build(&[
        (&["production", "prod", "prd", "live"], noun(0.15, true)),
        (
            &[
                "database",
                "databases",
                "db",
                "schema",
                "schemas",
                "table",
                "tables",
                "keyspace",
            ],
            noun(0.1, true),
        ),
        (
            &[
                "users",
                "accounts",
                "customers",
                "members",
                "employees",
                "patients",
                "records",
                "everything",
                "all",
            ],
            noun(0.15, true),
        ),
        (
            &[
                "user", "account", "customer", "member", "employee", "patient", "contact",
                "contacts",
            ],
            noun(0.05, false),
        ),
        (
            &[
                "secret",
                "secrets",
                "credential",
                "credentials",
                "password",
                "passwords",
                "token",
                "tokens",
                "apikey",
                "keypair",
                "ssh",
                "vault",
                "kms",
                "certificate",
                "cert",
                "certs",
                "private",
            ],
            noun(0.15, false),
        ),
        (
            &[
                "payment",
                "payments",
                "invoice",
                "invoices",
                "billing",
                "bank",
                "card",
                "cards",
                "wallet",
                "funds",
                "money",
                "payout",
                "payouts",
                "subscription",
                "balance",
                "ledger",
                "salary",
                "payroll",
            ],
            noun(0.1, false),
        ),
        (
            &[
                "permission",
                "permissions",
                "role",
                "roles",
                "policy",
                "policies",
                "iam",
                "acl",
                "admin",
                "admins",
                "root",
                "superuser",
                "privileges",
                "access",
                "firewall",
                "security",
                "mfa",
                "sso",
            ],
            noun(0.15, false),
        ),
        (
            &[
                "repository",
                "repo",
                "repos",
                "repositories",
                "bucket",
                "buckets",
                "cluster",
                "clusters",
                "namespace",
                "namespaces",
                "organization",
                "org",
                "tenant",
                "project",
                "projects",
                "backup",
                "backups",
                "snapshots",
                "audit",
                "logs",
                "index",
                "indices",
                "collection",
                "dns",
                "zone",
                "domain",
                "branch",
                "main",
                "master",
            ],
            noun(0.1, true),
        ),
        (
            &[
                "instance",
                "instances",
                "server",
                "servers",
                "vm",
                "vms",
                "node",
                "nodes",
                "container",
                "pod",
                "pods",
            ],
            noun(0.1, false),
        ),
        (
            &[
                "door", "doors", "lock", "locks", "garage", "gate", "alarm", "alarms", "camera",
                "cameras", "valve", "valves", "oven", "stove", "heater", "furnace", "vehicle",
                "car", "drone", "breaker",
            ],
            Noun {
                bump: 0.15,
                high_value: false,
                physical: true,
                storage: false,
            },
        ),
        (
            &[
                "disk",
                "disks",
                "drive",
                "drives",
                "partition",
                "partitions",
                "volume",
                "volumes",
                "filesystem",
            ],
            Noun {
                bump: 0.1,
                high_value: true,
                physical: false,
                storage: true,
            },
        ),
        (
            &[
                "bulk",
                "batch",
                "mass",
                "recursive",
                "force",
                "forced",
                "cascade",
            ],
            noun(0.15, true),
        ),
    ])
});

/// Docstring words and the risk they indicate.
pub static DOC_WORDS: LazyLock<FastMap<(f64, &'static str)>> = LazyLock::new(|| {
    build(&[
        (
            &[
                "irreversible",
                "irreversibly",
                "unrecoverable",
                "permanent",
                "permanently",
            ],
            (0.55, "irreversible"),
        ),
        (
            &[
                "destructive",
                "dangerous",
                "unsafe",
                "hazardous",
                "catastrophic",
            ],
            (0.55, "dangerous"),
        ),
        (
            &[
                "deletes",
                "delete",
                "deleting",
                "destroys",
                "destroy",
                "wipes",
                "wipe",
                "erases",
                "erase",
                "drops",
                "drop",
                "purges",
                "purge",
                "truncates",
                "terminates",
                "terminate",
                "removes",
                "overwrites",
            ],
            (0.45, "destroys data"),
        ),
        (&["production", "prod", "live"], (0.4, "production")),
        (
            &[
                "charges",
                "charge",
                "payment",
                "payments",
                "transfers",
                "transfer",
                "funds",
                "money",
                "refunds",
                "withdraws",
                "purchase",
                "purchases",
                "billing",
                "wire",
            ],
            (0.45, "moves money"),
        ),
        (
            &[
                "sends",
                "emails",
                "publishes",
                "publicly",
                "public",
                "external",
                "externally",
                "broadcasts",
                "posts",
            ],
            (0.3, "data leaves the system"),
        ),
        (
            &[
                "credentials",
                "credential",
                "secret",
                "secrets",
                "password",
                "passwords",
                "privileged",
                "root",
                "admin",
                "administrator",
                "sudo",
                "permissions",
            ],
            (0.45, "touches credentials or privileges"),
        ),
        (&["executes", "arbitrary", "shell"], (0.4, "runs code")),
        (
            &[
                "pii", "personal", "ssn", "medical", "health", "hipaa", "gdpr",
            ],
            (0.45, "personal data"),
        ),
        (
            &["all", "every", "entire", "bulk", "everything"],
            (0.3, "bulk scope"),
        ),
        (
            &[
                "unlock", "unlocks", "disarm", "disarms", "disables", "disable",
            ],
            (0.45, "opens or disables protection"),
        ),
    ])
});

/// Multi-word docstring phrases checked as substrings of the lowercased text.
pub const DOC_PHRASES: &[(&str, f64, &str)] = &[
    ("cannot be undone", 0.6, "cannot be undone"),
    ("can't be undone", 0.6, "cannot be undone"),
    ("no way to recover", 0.6, "cannot be undone"),
    ("not reversible", 0.6, "cannot be undone"),
    ("all data", 0.5, "bulk scope"),
];

//! Action names: Unicode normalisation, verb class, object nouns, harmful intents and sensitive
//! data classes, read from every word of the name.
//!
//! A name is normalised before anything else: NFKC, default-ignorable characters (zero-width,
//! bidi controls) removed, and non-ASCII letters replaced by their ASCII prototype from the
//! Unicode TR39 confusables table (`dеlete` with a Cyrillic `е` reads as `delete`). A name that
//! needed any of that, or mixes scripts, is itself suspicious and gets its own factor.

use std::borrow::Cow;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_security::MixedScript;
use unicode_security::confusable_detection::skeleton;

use super::lexicon::{FastMap, NOUNS, VERBS, VerbClass};
use super::text::{for_each_identifier_token, with_lower};

/// Severity of a name that needed normalising (look-alike letters, invisible characters): at
/// least MEDIUM, and it corroborates whatever the normalised name means.
pub const NORMALISED_NAME: f64 = 0.5;
/// Severity of a name whose letters come from more than one script.
pub const MIXED_SCRIPT_NAME: f64 = 0.55;
/// A name with no recognised intent is not assumed safe: at least MEDIUM.
pub const UNKNOWN_NAME_FLOOR: f64 = 0.3;
/// Reading a sensitive data class (health, genetic, criminal records…) is at least MEDIUM.
pub const SENSITIVE_READ: f64 = 0.35;
/// Sending, sharing or exporting a sensitive data class is HIGH.
pub const SENSITIVE_SEND: f64 = 0.7;

/// A name after normalisation, and what normalisation had to do.
pub(crate) struct NormalizedName<'a> {
    pub text: Cow<'a, str>,
    /// Severity and evidence when normalisation changed the name or the name mixes scripts.
    pub finding: Option<(f64, String)>,
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Normalises an action name (see the module docs). ASCII names are returned unchanged without
/// allocating.
pub(crate) fn normalize(name: &str) -> NormalizedName<'_> {
    if name.is_ascii() {
        return NormalizedName {
            text: Cow::Borrowed(name),
            finding: None,
        };
    }
    let mut invisible = 0usize;
    let visible: String = name
        .chars()
        .filter(|c| {
            let hide = is_invisible(*c);
            invisible += usize::from(hide);
            !hide
        })
        .collect();
    let nfkc: String = visible.nfkc().collect();
    let mut out = String::with_capacity(nfkc.len());
    let mut confusables = 0usize;
    for c in nfkc.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let mut buf = [0u8; 4];
        let proto: String = skeleton(c.encode_utf8(&mut buf)).collect();
        if !proto.is_empty() && proto.is_ascii() && proto.chars().all(|p| p.is_ascii_alphanumeric())
        {
            out.push_str(&proto.to_ascii_lowercase());
            confusables += 1;
        } else {
            out.push(c);
        }
    }
    // Scripts are compared on letters only (digits and punctuation are common to all).
    let letters: String = visible.chars().filter(|c| c.is_alphabetic()).collect();
    let mixed = !letters.is_empty() && !letters.as_str().is_single_script();
    let changed = out != name;
    let finding = if mixed {
        Some((
            MIXED_SCRIPT_NAME,
            format!(
                "name mixes scripts (look-alike letters); read as `{}`",
                super::text::snippet(&out, 60)
            ),
        ))
    } else if changed {
        let mut what = Vec::new();
        if invisible > 0 {
            what.push(format!("{invisible} invisible character(s) removed"));
        }
        if confusables > 0 {
            what.push(format!("{confusables} look-alike letter(s) mapped"));
        }
        if what.is_empty() {
            what.push("compatibility forms folded (NFKC)".to_owned());
        }
        Some((
            NORMALISED_NAME,
            format!(
                "name needed Unicode normalisation ({}); read as `{}`",
                what.join(", "),
                super::text::snippet(&out, 60)
            ),
        ))
    } else {
        None
    };
    NormalizedName {
        text: Cow::Owned(out),
        finding,
    }
}

/// A harmful intent a word of the name expresses, whatever its position.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Intent {
    pub severity: f64,
    pub label: &'static str,
}

const fn intent(severity: f64, label: &'static str) -> Intent {
    Intent { severity, label }
}

static INTENTS: LazyLock<FastMap<Intent>> = LazyLock::new(|| {
    let groups: &[(&[&'static str], Intent)] = &[
        (
            &[
                "exfiltrate",
                "exfiltration",
                "exfil",
                "exfiltrating",
                "smuggle",
            ],
            intent(0.85, "data exfiltration"),
        ),
        (
            &["harvest", "harvesting", "harvester", "siphon"],
            intent(0.7, "harvesting data or credentials"),
        ),
        (
            &["steal", "stealing", "theft", "hijack", "hijacking"],
            intent(0.85, "theft"),
        ),
        (
            &[
                "wipe",
                "wiping",
                "wiper",
                "nuke",
                "obliterate",
                "annihilate",
                "zap",
                "rimraf",
            ],
            intent(0.75, "wiping data"),
        ),
        (
            &[
                "tamper",
                "tampering",
                "sabotage",
                "sabotaging",
                "corrupting",
            ],
            intent(0.8, "tampering"),
        ),
        (
            &[
                "bribe",
                "bribery",
                "kickback",
                "launder",
                "laundering",
                "embezzle",
                "fraud",
                "fraudulent",
                "forgery",
                "counterfeit",
                "extort",
                "extortion",
                "blackmail",
            ],
            intent(0.85, "fraud or corruption"),
        ),
        (
            &[
                "bypass",
                "circumvent",
                "evade",
                "evasion",
                "jailbreak",
                "unrestricted",
            ],
            intent(0.7, "bypassing a control"),
        ),
        (
            &[
                "stealth",
                "stealthy",
                "covert",
                "covertly",
                "secretly",
                "undetected",
                "rootkit",
                "backdoor",
            ],
            intent(0.75, "stealth or persistence"),
        ),
        (
            &[
                "ransom",
                "ransomware",
                "malware",
                "keylogger",
                "keylog",
                "trojan",
                "botnet",
                "cryptojack",
                "cryptominer",
            ],
            intent(0.9, "malware"),
        ),
        (
            &[
                "surveil",
                "surveillance",
                "spy",
                "spying",
                "stalk",
                "stalking",
                "eavesdrop",
                "wiretap",
                "dox",
                "doxx",
                "doxxing",
            ],
            intent(0.75, "surveillance of people"),
        ),
        (
            &["escalate", "escalation", "privesc", "elevate"],
            intent(0.7, "privilege escalation"),
        ),
        (
            &[
                "phish",
                "phishing",
                "spoof",
                "spoofing",
                "impersonate",
                "impersonation",
            ],
            intent(0.8, "deception or impersonation"),
        ),
        (
            &[
                "exploit",
                "bruteforce",
                "brute",
                "crack",
                "cracking",
                "ddos",
            ],
            intent(0.75, "attack"),
        ),
        (
            &[
                "flushdb",
                "flushall",
                "reimage",
                "deprovision",
                "decommission",
                "shred",
            ],
            intent(0.7, "destroys data or machines"),
        ),
    ];
    let mut map = FastMap::default();
    for (words, value) in groups {
        for w in *words {
            map.insert(*w, *value);
        }
    }
    map
});

/// Classes of data whose reading is itself sensitive.
static SENSITIVE: LazyLock<FastMap<&'static str>> = LazyLock::new(|| {
    let groups: &[(&[&'static str], &'static str)] = &[
        (
            &[
                "health",
                "medical",
                "patient",
                "patients",
                "diagnosis",
                "diagnoses",
                "phi",
                "prescription",
                "prescriptions",
                "clinical",
                "ehr",
                "emr",
                "mrn",
                "treatment",
                "psychiatric",
                "therapy",
                "hiv",
            ],
            "health data",
        ),
        (
            &["genetic", "genome", "genomic", "dna", "genotype"],
            "genetic data",
        ),
        (
            &[
                "biometric",
                "biometrics",
                "fingerprint",
                "fingerprints",
                "faceprint",
                "retina",
                "iris",
                "voiceprint",
            ],
            "biometric data",
        ),
        (
            &[
                "criminal",
                "conviction",
                "convictions",
                "arrest",
                "arrests",
                "offender",
                "offenders",
                "parole",
                "probation",
            ],
            "criminal records",
        ),
        (
            &[
                "ssn",
                "ssns",
                "passport",
                "passports",
                "tax",
                "taxes",
                "salary",
                "salaries",
                "payroll",
                "creditscore",
            ],
            "financial or identity data",
        ),
        (
            &[
                "password",
                "passwords",
                "credential",
                "credentials",
                "secret",
                "secrets",
                "apikey",
                "apikeys",
                "keychain",
                "keystore",
                "vault",
                "privatekey",
                "mnemonic",
                "cookies",
                "cookie",
            ],
            "credentials",
        ),
        (
            &["dm", "dms", "inbox", "sms", "voicemail", "browsing"],
            "private messages or activity",
        ),
    ];
    let mut map = FastMap::default();
    for (words, value) in groups {
        for w in *words {
            map.insert(*w, *value);
        }
    }
    map
});

/// Nouns that make `grant` a change of access (`grant_role`), rather than a grant of money or
/// an application (`GrantApplicationAssistance`).
fn is_access_noun(w: &str) -> bool {
    matches!(
        w,
        "access"
            | "role"
            | "roles"
            | "permission"
            | "permissions"
            | "privilege"
            | "privileges"
            | "admin"
            | "administrator"
            | "owner"
            | "scope"
            | "scopes"
            | "rights"
            | "sudo"
            | "root"
            | "iam"
            | "acl"
            | "policy"
            | "membership"
            | "key"
            | "keys"
            | "token"
            | "superuser"
    )
}

/// Floor for changing DNS records: redirecting a domain's traffic or mail is HIGH.
const TRAFFIC_CHANGE: f64 = 0.6;

/// Floor for changing where money is paid: redirecting payments is HIGH.
const PAYEE_CHANGE: f64 = 0.6;

/// What the function name says.
pub(crate) struct NameAnalysis {
    pub class: Option<VerbClass>,
    pub verb: &'static str,
    pub bump: f64,
    pub nouns: Vec<&'static str>,
    pub high_value: bool,
    pub exec_wrapper: bool,
    pub sql_action: bool,
    /// The strongest harmful intent among the name's words, and the word.
    pub intent: Option<(Intent, &'static str)>,
    /// A sensitive data class the name mentions, and the word.
    pub sensitive: Option<(&'static str, &'static str)>,
    /// A state change to DNS (where a domain's traffic goes).
    pub traffic: bool,
    /// A change to where money is paid (bank details, payout accounts, beneficiaries).
    pub payee: bool,
}

/// Words that mark an action as a generic runner whose real verb is the command it runs.
fn is_wrapper_word(w: &str) -> bool {
    matches!(
        w,
        "bash"
            | "shell"
            | "sh"
            | "zsh"
            | "terminal"
            | "command"
            | "cmd"
            | "exec"
            | "execute"
            | "run"
            | "console"
            | "script"
            | "powershell"
            | "sql"
            | "query"
            | "repl"
            | "interpreter"
            | "code"
            | "python"
    )
}

/// Coding agents' own bookkeeping tools: plans, to-do lists, sub-agent tasks. They change
/// nothing outside the agent (a sub-agent's own calls are gated one by one).
fn is_agent_bookkeeping(name: &str) -> bool {
    const TOOLS: &[&str] = &[
        "todowrite",
        "todoread",
        "todo_write",
        "todo_read",
        "exitplanmode",
        "exit_plan_mode",
        "update_plan",
        "task",
        "think",
        "agent",
        "notebookread",
        "save_memory",
        "listmcpresourcestool",
        "readmcpresourcetool",
    ];
    name.len() <= 24 && TOOLS.iter().any(|t| name.eq_ignore_ascii_case(t))
}

pub(crate) fn analyze_name(full_name: &str) -> NameAnalysis {
    if is_agent_bookkeeping(full_name) {
        return NameAnalysis {
            class: Some(VerbClass::Read),
            verb: "plan",
            bump: 0.0,
            nouns: Vec::new(),
            high_value: false,
            exec_wrapper: false,
            sql_action: false,
            intent: None,
            sensitive: None,
            traffic: false,
            payee: false,
        };
    }
    // `mcp__<server>__<tool>`: the server name is a namespace, not part of what the tool does.
    let name = full_name
        .strip_prefix("mcp__")
        .and_then(|rest| rest.split_once("__").map(|(_, tool)| tool))
        .filter(|tool| !tool.is_empty())
        .unwrap_or(full_name);
    let mut primary: Option<(VerbClass, &'static str)> = None;
    let mut strongest_later: Option<(VerbClass, &'static str)> = None;
    let mut bump = 0.0;
    let mut nouns: Vec<&'static str> = Vec::new();
    let mut high_value = false;
    let mut physical = false;
    let mut storage = false;
    let mut exec_wrapper = false;
    let mut sql_action = false;
    let mut has_open = false;
    let mut has_off = false;
    let mut has_factory = false;
    let mut has_access_noun = false;
    let mut other_words_after_grant = false;
    let mut grant_seen = false;
    let mut reinstall_target = false;
    let mut empty_target = false;
    let mut has_reinstall = false;
    let mut dns = false;
    let mut payee_words = false;
    let mut infrastructure = false;
    let mut intent: Option<(Intent, &'static str)> = None;
    let mut sensitive: Option<(&'static str, &'static str)> = None;
    let mut seen_tokens = 0usize;
    for_each_identifier_token(name, |s, e| {
        seen_tokens += 1;
        if seen_tokens > 24 {
            return;
        }
        let token = &name[s..e];
        let first_token = seen_tokens == 1;
        with_lower(token, |w| {
            // `log` is a verb only in front (`log_event`); after a noun it is the object
            // (`git_log`, `audit_log`, `get_change_log`).
            let verb = if !first_token && w == "log" {
                Some((&"log", &VerbClass::Read))
            } else {
                VERBS.get_key_value(w)
            };
            if let Some((&key, class)) = verb {
                match primary {
                    None => primary = Some((*class, key)),
                    Some(_) => {
                        if strongest_later.is_none_or(|(c, _)| *class > c) {
                            strongest_later = Some((*class, key));
                        }
                    }
                }
            }
            if let Some((&key, i)) = INTENTS.get_key_value(w)
                && intent.is_none_or(|(best, _)| i.severity > best.severity)
            {
                intent = Some((*i, key));
            }
            if sensitive.is_none()
                && let Some((&key, &label)) = SENSITIVE.get_key_value(w)
            {
                sensitive = Some((label, key));
            }
            if let Some((&key, n)) = NOUNS.get_key_value(w) {
                if !nouns.contains(&key) {
                    nouns.push(key);
                    bump += n.bump;
                }
                high_value |= n.high_value;
                physical |= n.physical;
                storage |= n.storage;
            }
            if w == "grant" {
                grant_seen = true;
            } else if grant_seen {
                if is_access_noun(w) {
                    has_access_noun = true;
                } else if verb.is_none() {
                    other_words_after_grant = true;
                }
            }
            reinstall_target |= matches!(
                w,
                "os" | "system" | "host" | "machine" | "server" | "node" | "windows" | "linux"
            );
            empty_target |= matches!(
                w,
                "trash" | "bin" | "recycle" | "bucket" | "queue" | "cache" | "mailbox" | "folder"
            );
            exec_wrapper |= is_wrapper_word(w);
            sql_action |= matches!(
                w,
                "sql"
                    | "query"
                    | "database"
                    | "db"
                    | "postgres"
                    | "mysql"
                    | "sqlite"
                    | "bigquery"
                    | "snowflake"
                    | "table"
                    | "tables"
            );
            has_open |= w == "open";
            has_off |= w == "off";
            has_factory |= w == "factory";
            payee_words |= matches!(
                w,
                "bank"
                    | "iban"
                    | "payout"
                    | "payouts"
                    | "beneficiary"
                    | "beneficiaries"
                    | "payee"
                    | "remittance"
            );
            dns |= matches!(
                w,
                "dns" | "nameserver" | "nameservers" | "cname" | "mx" | "route53"
            );
            infrastructure |= matches!(
                w,
                "terraform"
                    | "tofu"
                    | "pulumi"
                    | "cloudformation"
                    | "infrastructure"
                    | "infra"
                    | "stack"
                    | "stacks"
            );
            has_reinstall |= matches!(w, "reinstall" | "reimage" | "reformat" | "repave");
        });
    });
    // `grant` changes access only with an access noun (`grant_role`, `grant_access`); a grant
    // application or a research grant is paperwork.
    let grant_is_paperwork = grant_seen && !has_access_noun && other_words_after_grant;
    let demote = |p: Option<(VerbClass, &'static str)>| match p {
        Some((VerbClass::Privilege, "grant")) if grant_is_paperwork => {
            Some((VerbClass::Write, "grant"))
        }
        other => other,
    };
    let primary = demote(primary);
    let strongest_later = demote(strongest_later);
    // The first verb names the action; a later riskier verb is usually its object
    // (`get_transfer`, `list_deployments`) — unless the first verb already changes state, in
    // which case the riskier one wins (`create_and_delete`).
    let (mut class, mut verb) = match (primary, strongest_later) {
        (Some((p, _)), Some((l, lv))) if p != VerbClass::Read && l > p => (Some(l), lv),
        (Some((p, pv)), later) => {
            if p == VerbClass::Read && later.is_some_and(|(l, _)| l > p) {
                bump += 0.05;
            }
            (Some(p), pv)
        }
        (None, _) => (None, ""),
    };
    if physical && (has_open || has_off || class == Some(VerbClass::Privilege)) {
        class = Some(VerbClass::Privilege);
        verb = if has_open {
            "open"
        } else if has_off {
            "turn off"
        } else {
            verb
        };
    } else if physical
        && class.is_none_or(|c| c < VerbClass::Write)
        && !matches!(
            verb,
            "get"
                | "read"
                | "list"
                | "check"
                | "status"
                | "view"
                | "show"
                | "describe"
                | "monitor"
                | "watch"
        )
    {
        class = Some(VerbClass::Write);
    }
    // `format` destroys only storage; `factory_reset` wipes a device; reinstalling an operating
    // system or emptying the trash destroys what was there.
    if (verb == "format" && storage)
        || (verb == "reset" && has_factory)
        || (has_reinstall && reinstall_target && class != Some(VerbClass::Read))
        || (matches!(verb, "empty" | "")
            && empty_target
            && name.to_ascii_lowercase().contains("empty"))
    {
        class = Some(VerbClass::Destroy);
        if verb.is_empty() {
            verb = if has_reinstall { "reinstall" } else { "empty" };
        }
    }
    // Applying infrastructure code (`terraform_apply`, `update_stack`) changes what runs: a
    // deploy, not an edit.
    if infrastructure && class == Some(VerbClass::Write) {
        class = Some(VerbClass::Deploy);
    }
    // Changing a DNS record moves a domain's traffic (and mail) somewhere else.
    let traffic = dns && class.is_some_and(|c| c > VerbClass::Read);
    // Changing bank details or a payout account redirects future payments (invoice fraud).
    let payee = payee_words && class == Some(VerbClass::Write);
    // `run`/`execute` make the action a wrapper only when the verb is an exec verb.
    exec_wrapper &=
        class.is_none_or(|c| c == VerbClass::Exec) || class == Some(VerbClass::Read) && sql_action;
    NameAnalysis {
        class,
        verb,
        bump: bump.min(0.3),
        nouns,
        high_value,
        exec_wrapper,
        sql_action,
        intent,
        sensitive,
        traffic,
        payee,
    }
}

pub(crate) fn name_factor(
    name: &NameAnalysis,
    delegated: Option<super::shell::CommandClass>,
) -> super::default::FactorOut {
    use super::shell::CommandClass;
    let mut class = name.class;
    let mut note = "";
    let mut workspace = false;
    if name.exec_wrapper
        && let Some(cmd) = delegated
    {
        // An exec wrapper takes the class of what it runs, if we understood all of it.
        match cmd {
            CommandClass::ReadOnly => {
                class = Some(VerbClass::Read);
                note = " running only read-only commands";
            }
            CommandClass::Workspace => {
                // Builds, tests, linters, formatters and edits inside the workspace are routine:
                // LOW unless a flag or target makes them dangerous (those raise the arguments
                // factor on their own: `npm publish`, `git push`, writes to system paths).
                class = Some(VerbClass::Read);
                workspace = true;
                note = " running workspace commands (build, test, lint, format, local edits)";
            }
            CommandClass::Other => {}
        }
    }
    let recognised = class.is_some() || name.intent.is_some();
    let (base, floor, label) = match class {
        Some(c) => (c.score(), c.floor(), c.label()),
        // Unknown verbs are not assumed safe: a confirmation at least.
        None => (
            0.4,
            UNKNOWN_NAME_FLOOR,
            "unrecognised verb, not assumed safe",
        ),
    };
    let mut floor = if recognised || class.is_some() {
        floor
    } else {
        UNKNOWN_NAME_FLOOR
    };
    if class == Some(VerbClass::Destroy) && name.high_value {
        floor = 0.8;
    }
    let base = if workspace { 0.2 } else { base };
    let mut score = (base + name.bump).min(1.0);
    let mut evidence = if name.verb.is_empty() {
        label.to_owned()
    } else {
        format!("verb '{}' ({label}){note}", name.verb)
    };
    if !name.nouns.is_empty() {
        evidence.push_str("; objects: ");
        evidence.push_str(&name.nouns.join(", "));
    }
    if floor >= 0.8 {
        evidence.push_str("; destroys a high-value object");
    }
    if name.traffic && floor < TRAFFIC_CHANGE {
        floor = TRAFFIC_CHANGE;
        evidence.push_str("; changes where a domain's traffic goes (DNS)");
    }
    if name.payee && floor < PAYEE_CHANGE {
        floor = PAYEE_CHANGE;
        evidence.push_str("; changes where money is paid (bank details, payout account)");
    }
    if let Some((intent, word)) = name.intent {
        floor = floor.max(intent.severity);
        score = score.max(intent.severity);
        evidence.push_str(&format!("; '{word}' names {}", intent.label));
    }
    if let Some((label, word)) = name.sensitive {
        let sev = match class {
            Some(VerbClass::Send) => SENSITIVE_SEND,
            _ => SENSITIVE_READ,
        };
        if sev > floor {
            floor = sev;
        }
        score = (score + 0.1).min(1.0);
        evidence.push_str(&format!("; '{word}' is {label}"));
    }
    super::default::FactorOut {
        score,
        severity: floor,
        evidence,
        production: false,
    }
}

/// Keys whose value names what a generic dispatcher does (`call_service {"service": "unlock"}`,
/// `admin_action {"action": "impersonate"}`, `http_request {"method": "DELETE"}`).
/// A browser agent's `element`/`selector` says what a click does (`"Delete account"`).
const ACTION_KEYS: &[&str] = &[
    "service",
    "action",
    "operation",
    "op",
    "verb",
    "method",
    "element",
    "selector",
];
/// Keys naming what the dispatched action acts on (`"entity_id": "lock.front_door"`).
const TARGET_KEYS: &[&str] = &[
    "domain",
    "entity_id",
    "entity",
    "device",
    "target",
    "resource",
];
/// Longest value read as part of a dispatched action's name.
const MAX_DISPATCH_WORD: usize = 64;

/// For a tool whose own name says little (an unrecognised verb, or a generic `call`, `invoke`,
/// `perform`, `trigger`, `handle`), the action its arguments name, read like a function name:
/// `(key, "unlock lock.front_door")`. `None` when no argument names one.
pub(crate) fn dispatched_action(
    name: &NameAnalysis,
    kwargs: &serde_json::Map<String, serde_json::Value>,
) -> Option<(&'static str, String)> {
    let generic = name.class.is_none()
        || matches!(
            name.verb,
            "call"
                | "invoke"
                | "dispatch"
                | "perform"
                | "trigger"
                | "do"
                | "handle"
                | "process"
                | "submit"
        );
    if !generic || name.exec_wrapper || kwargs.is_empty() {
        return None;
    }
    let short = |key: &str| {
        kwargs
            .get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= MAX_DISPATCH_WORD)
    };
    let (key, action) = ACTION_KEYS.iter().find_map(|k| short(k).map(|v| (*k, v)))?;
    let mut text = action.to_owned();
    for target in TARGET_KEYS.iter().filter_map(|k| short(k)) {
        text.push(' ');
        text.push_str(target);
    }
    Some((key, text))
}

/// FHIR resource types holding a person's clinical data.
const CLINICAL_RESOURCES: &[&str] = &[
    "Patient",
    "Condition",
    "Observation",
    "MedicationRequest",
    "MedicationStatement",
    "MedicationAdministration",
    "DiagnosticReport",
    "AllergyIntolerance",
    "Encounter",
    "Procedure",
    "Immunization",
    "CarePlan",
    "FamilyMemberHistory",
    "MolecularSequence",
];

/// A generic health-record tool (`fhir_search`, `read_resource`) names the data class it
/// touches in its arguments: `{"resourceType": "Condition"}` is health data, like
/// `get_patient_conditions` would be. Returns the sensitive class and the resource type.
pub(crate) fn resource_sensitivity(
    kwargs: &serde_json::Map<String, serde_json::Value>,
) -> Option<(&'static str, &'static str)> {
    ["resourceType", "resource_type", "resource"]
        .iter()
        .find_map(|key| {
            let value = kwargs.get(*key)?.as_str()?.trim();
            CLINICAL_RESOURCES
                .iter()
                .find(|r| r.eq_ignore_ascii_case(value))
                .map(|r| ("health data", *r))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_normalise_to_ascii() {
        let n = normalize("d\u{0435}lete_file");
        assert_eq!(n.text, "delete_file");
        assert!(n.finding.is_some_and(|(s, _)| s >= NORMALISED_NAME));
        assert_eq!(normalize("\u{ff44}\u{ff45}\u{ff4c}ete").text, "delete");
        assert_eq!(normalize("del\u{200b}ete").text, "delete");
        assert!(normalize("delete_file").finding.is_none());
    }

    #[test]
    fn compound_words_count() {
        assert!(analyze_name("ExfiltrateCustomerData").intent.is_some());
        assert!(analyze_name("BackupTampering").intent.is_some());
        assert!(analyze_name("CredentialHarvesting").intent.is_some());
        assert_eq!(
            analyze_name("GrantApplicationAssistance").class,
            Some(VerbClass::Write)
        );
        assert_eq!(analyze_name("grant_role").class, Some(VerbClass::Privilege));
        assert_eq!(analyze_name("reinstall_os").class, Some(VerbClass::Destroy));
        assert_eq!(analyze_name("empty_trash").class, Some(VerbClass::Destroy));
        assert!(analyze_name("get_patient_records").sensitive.is_some());
    }
}

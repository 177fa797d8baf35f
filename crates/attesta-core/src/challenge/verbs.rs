//! The action's own verb: common verbs of risky operations, what else says the same, and
//! what says the opposite ("refund" against "charge", "enable" against "disable").

use super::explain::EffectSpec;

/// A restart comes back: saying it stays off describes a shutdown.
pub(super) const STAYS_OFF: &[&str] = &[
    "powered off",
    "stays off",
    "stay off",
    "leaves them off",
    "left off",
    "stays down",
    "stay down",
];

/// Common action verbs (as name-token prefixes), what else says the same, and what says the
/// opposite. Used with the action's own first verb, whatever its consequence.
/// A verb (as a name-token prefix), what else says the same, and what says the opposite.
pub(super) type VerbEntry = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

const VERBS: &[VerbEntry] = &[
    (
        "delet",
        &[
            "remov", "eras", "wipe", "destroy", "purg", "gone", "throw", "discard", "nuk", "kill",
        ],
        &["creates", "restores", "recreat"],
    ),
    (
        "remov",
        &[
            "delet",
            "eras",
            "wipe",
            "drop",
            "take",
            "takes",
            "kick",
            "no longer",
        ],
        &["adds", "add$", "creates"],
    ),
    (
        "drop",
        &["delet", "remov", "destroy", "gone"],
        // Emptying or truncating a table keeps it: another statement than DROP.
        &["creates", "create$", "empties", "truncat"],
    ),
    (
        "disabl",
        &[
            "turn off",
            "turns off",
            "switch off",
            "switches off",
            "deactivat",
            "stop",
            "off$",
            "remov",
            "bypass",
            "mute",
            "silenc",
            "suppress",
            "inhibit",
            "strip",
            "disarm",
        ],
        &[
            "turns on",
            "turn on",
            "enabl",
            "activat",
            "switches on",
            "enrolls",
            "enrols",
            "enroll$",
            "enrol$",
            "enforces",
            "enforce$",
        ],
    ),
    (
        "enabl",
        &["turn on", "turns on", "switch on", "activat", "on$"],
        &["turns off", "turn off", "disabl", "deactivat"],
    ),
    (
        "updat",
        &[
            "chang", "set", "point", "modif", "replac", "edit", "overwrit", "repoint", "redirect",
            "retarget", "switch", "mov", "disabl", "enabl", "turn", "increas", "decreas", "rais",
            "lower", "promot", "demot", "makes", "make$", "adjust",
        ],
        &[],
    ),
    (
        "move",
        &["relocat", "transfer", "shift", "mov", "put", "puts"],
        &["copies", "copy$"],
    ),
    (
        "upgrad",
        &[
            "updat", "install", "replac", "new", "version", "roll", "push", "flash",
            // `helm upgrade x`: what an upgrade of a release does is deploy it.
            "deploy",
        ],
        &[
            "downgrad",
            "roll*back",
            "rolls back",
            "back to the previous",
            "back from",
        ],
    ),
    (
        "post",
        &[
            "publish",
            "shar",
            "send",
            "sent",
            "announc",
            "tweet",
            "broadcast",
            "tell",
            "told",
            "inform",
        ],
        &[],
    ),
    (
        "rotat",
        &[
            "replac",
            "new",
            "invalidat",
            "regenerat",
            "renew",
            "swap",
            "chang",
        ],
        &[],
    ),
    (
        "publish",
        &["post", "shar", "releas", "public"],
        &["unpublish"],
    ),
    (
        "reset",
        &["throw", "discard", "revert", "wipe", "lost", "lose"],
        &["stash", "saves all"],
    ),
    (
        "send",
        &[
            "sent",
            "transfer",
            "pay",
            "wire",
            "mail",
            "post",
            "publish",
            "announc",
            "tweet",
            "messag",
            "notif",
            // Saying something to someone is sending them a message: tells, replies, DMs,
            // texts, informs, pings, reminds.
            "tell",
            "told",
            "reply$",
            "replies$",
            "replied$",
            "replying$",
            "dm$",
            "dms$",
            "dmed$",
            "inform",
            "ping$",
            "pings$",
            "remind",
            "text$",
            "texts$",
            "texted$",
            "blast",
            "broadcast",
        ],
        &[
            "we receive",
            "we'll receive",
            "we will receive",
            "we get",
            "incoming",
            "requests",
            "request$",
        ],
    ),
    (
        "transfer",
        &["send", "sent", "pay", "wire", "move"],
        &["receiv", "incoming", "requests", "request$"],
    ),
    // "the user receives the owner role": what is added, seen from who gets it.
    (
        "grant",
        &["give", "gives", "add", "receiv"],
        &["revok", "takes away"],
    ),
    (
        "revok",
        &[
            "remov",
            "take",
            "takes",
            "cancel",
            "kill",
            "invalidat",
            "disabl",
            "deactivat",
            "withdr",
            "pull",
        ],
        &["grant", "gives"],
    ),
    (
        "add",
        &["grant", "give", "gives", "creat", "insert", "receiv"],
        &["remov", "delet"],
    ),
    (
        "start",
        &["launch", "run", "begin", "boot"],
        &["stops", "stop$", "shuts"],
    ),
    (
        "stop",
        &["halt", "shut", "kill", "end", "terminat"],
        &["starts", "launch"],
    ),
    ("lock", &["block", "freez", "suspend"], &["unlock"]),
    (
        "mut",
        &["silenc", "snooz", "suppress", "paus", "quiet", "off$"],
        &["unmut", "resum"],
    ),
    (
        "deactivat",
        &[
            "disabl", "suspend", "block", "lock", "remov", "offboard", "turn off",
        ],
        &["reactivat", "activates", "enabl", "restores"],
    ),
    ("unlock", &["open", "unfreez", "reactivat"], &["locks"]),
    (
        "suspend",
        &["block", "lock", "pause", "freez"],
        &["reactivat", "unsuspend"],
    ),
    (
        "refund",
        &["return", "back", "pay", "paid"],
        &["charged", "charges", "captur", "bills"],
    ),
    ("charg", &["bill", "collect", "take"], &["refund"]),
    (
        "cancel",
        &["stop", "end", "terminat", "abort", "revok"],
        &[
            "renew",
            "reactivat",
            "resum",
            "extend",
            "reschedul",
            "postpon",
            "fulfil",
            "ships",
        ],
    ),
    (
        "attach",
        &["add", "give", "gives", "grant", "link"],
        &["detach", "remov"],
    ),
    (
        "detach",
        &["remov", "unlink", "take"],
        &["attaches", "adds", "deletes", "destroys"],
    ),
    (
        "uninstall",
        &["remov", "delet", "gone", "tear"],
        &["installs", "install$"],
    ),
    (
        "install",
        &["set up", "sets up", "add", "deploy"],
        &["uninstall", "removes"],
    ),
    (
        "approv",
        &[
            "allow", "authoriz", "let", "lets", "permit", "give", "gives", "grant",
        ],
        &["revok", "reject", "denies", "deny$"],
    ),
    (
        "authoriz",
        &["allow", "open", "permit", "grant", "let", "lets"],
        &["revok", "closes", "close$", "blocks", "denies"],
    ),
    (
        "open",
        &["expos", "allow", "reachabl", "public"],
        &["closes", "close$", "blocks"],
    ),
    ("clos", &["shut", "block"], &["opens", "reopen"]),
    (
        "push",
        &[
            "upload", "send", "overwrit", "roll", "flash", "install", "updat", "upgrad",
        ],
        &["pulls", "pull$", "roll*back", "rolls back"],
    ),
    (
        "creat",
        &[
            "add",
            "new",
            "set up",
            "sets up",
            "setting up",
            "make",
            "makes",
            "issu",
            "generat",
            "open",
            "puts",
            "put$",
            "book",
            "schedul",
        ],
        &["deletes", "removes", "drops"],
    ),
    (
        "shar",
        &[
            "send",
            "sent",
            "give",
            "gives",
            "expos",
            "disclos",
            "readable",
            "viewable",
            "accessible",
            "public",
            "open",
        ],
        &[
            "stops sharing",
            "stop sharing",
            "unshar",
            "revok",
            "restrict",
        ],
    ),
    (
        "forward",
        &["send", "sent", "redirect", "copy", "copies"],
        &["stops forward", "no longer forward"],
    ),
    (
        "invit",
        &["add", "give", "gives", "grant", "join"],
        &["removes", "kicks", "revok"],
    ),
    (
        "purg",
        &["delet", "remov", "empt", "clear", "wipe", "gone", "drop"],
        &["restores", "replays", "backs up"],
    ),
    (
        "flush",
        &["remov", "delet", "clear", "empt", "wipe", "drop"],
        &["adds", "add$"],
    ),
    ("prun", &["remov", "delet", "clean", "clear", "wipe"], &[]),
    (
        "merg",
        &["combin", "fold", "join", "consolidat", "discard"],
        &["splits", "split$"],
    ),
    (
        "export",
        &[
            "send", "sent", "copy", "copies", "writ", "dump", "upload", "shar",
        ],
        &["imports"],
    ),
    (
        "import",
        &["load", "read", "add", "insert", "upload"],
        &["exports"],
    ),
    (
        "archiv",
        &["move", "moves", "stor", "keep", "compress"],
        &["restores", "unarchiv"],
    ),
    (
        "wip",
        &[
            "eras", "delet", "destroy", "clear", "empt", "zero", "format", "overwrit", "gone",
            "lost",
        ],
        &["backs up", "restores", "copies"],
    ),
    (
        "eras",
        &["wipe", "delet", "remov", "clear", "gone"],
        &["restores", "recover"],
    ),
    (
        "destroy",
        &[
            "delet", "remov", "tear", "torn", "tore", "wipe", "gone", "lost", "terminat",
        ],
        &["creates", "provision", "builds"],
    ),
    (
        "terminat",
        &[
            "stop", "kill", "end", "destroy", "shut", "delet", "fire", "fires", "let go",
            "lets go", "dismiss",
        ],
        &["launch", "starts", "provision", "hire", "creates"],
    ),
    (
        "kill",
        &["stop", "terminat", "end", "shut", "abort"],
        &["starts", "launch", "resum"],
    ),
    (
        "drain",
        &["remov", "empt", "evacuat", "cordon", "takes", "take"],
        &["adds", "add$", "back into", "uncordon", "undrain"],
    ),
    (
        "truncat",
        &["empt", "wipe", "clear", "delet", "remov", "eras"],
        &["backs up", "inserts"],
    ),
    (
        "empt",
        &["clear", "delet", "remov", "purg", "wipe"],
        &["fills", "restores"],
    ),
    (
        "clear",
        &["remov", "delet", "wipe", "empt", "reset", "flush"],
        &["restores"],
    ),
    (
        "captur",
        &["charg", "collect", "take", "bill"],
        &["refund", "releases the", "void"],
    ),
];

/// The spec for the action's own verb: the first name token when it is a known verb, else the
/// first known verb among the name's other tokens and then the command's first words
/// (`run_shell` → `systemctl stop x` → `stop`).
pub(crate) fn verb_spec(action_tokens: &[String], command_tokens: &[String]) -> Option<EffectSpec> {
    // A form of the verb (`updates`, `stopped`, `deletion`), not a longer word that starts
    // like it (`postgres`, `address`, `sendgrid`).
    const ENDINGS: &[&str] = &[
        "", "e", "s", "es", "ed", "d", "ing", "ion", "ions", "er", "ers", "ped", "ping", "ted",
        "ting", "ment", "ments", "al", "ation", "y", "ies", "ied", "tion", "tions",
    ];
    let known = |t: &String| {
        VERBS
            .iter()
            .chain(super::verb_table::MORE_VERBS)
            .find(|(verb, _, _)| {
                t.len() >= 3
                    && t.strip_prefix(verb)
                        .is_some_and(|rest| ENDINGS.contains(&rest))
            })
    };
    // A light verb (`create_refund`, `add_…`, `update_…`) yields to a specific one after it.
    const LIGHT: &[&str] = &["creat", "add", "updat", "issu", "appl", "writ", "set"];
    // A first token ending in -ing names a platform or a field (`booking__cancel_…`,
    // `billing_…`), not what the action does.
    let first = action_tokens
        .iter()
        .find(|t| t.len() >= 3)
        .filter(|t| !t.ends_with("ing"))
        .and_then(known)
        .or_else(|| action_tokens.iter().chain(command_tokens).find_map(known));
    let specific = first
        .filter(|(verb, _, _)| LIGHT.contains(verb))
        .and_then(|(light, _, _)| {
            action_tokens
                .iter()
                // `update_scheduled_transaction`: a participle describes, it is no verb.
                .filter(|t| !t.ends_with("ed") && !t.ends_with("ing"))
                .filter_map(known)
                .find(|(verb, _, _)| verb != light && !LIGHT.contains(verb))
        });
    // A runner (`run_shell_command`, `execute_sql`) does what its command's verb says
    // (`kubectl drain`, `aws ec2 terminate-instances`).
    let specific = specific.or_else(|| {
        first
            .filter(|(verb, _, _)| ["run", "execut", "exec"].contains(verb))
            .and_then(|(runner, _, _)| {
                command_tokens
                    .iter()
                    .filter_map(known)
                    .find(|(verb, _, _)| verb != runner && !LIGHT.contains(verb))
            })
    });
    specific.or(first).map(|(verb, same, opposite)| {
        let mut stems: Vec<&'static str> = vec![verb];
        stems.extend_from_slice(same);
        EffectSpec {
            stems,
            opposites: opposite.to_vec(),
        }
    })
}

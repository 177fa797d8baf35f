//! The action's own verb: common verbs of risky operations, what else says the same, and
//! what says the opposite ("refund" against "charge", "enable" against "disable").

use super::explain::EffectSpec;

/// Common action verbs (as name-token prefixes), what else says the same, and what says the
/// opposite. Used with the action's own first verb, whatever its consequence.
const VERBS: &[(&str, &[&str], &[&str])] = &[
    (
        "delet",
        &[
            "remov", "eras", "wipe", "destroy", "purg", "gone", "throw", "discard",
        ],
        &["creates", "restores", "recreat"],
    ),
    (
        "remov",
        &["delet", "eras", "wipe", "drop", "take", "takes"],
        &["adds", "add$", "creates"],
    ),
    (
        "drop",
        &["delet", "remov", "destroy", "gone"],
        &["creates", "create$"],
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
            "sent", "transfer", "pay", "wire", "mail", "post", "publish", "announc", "tweet",
            "messag", "notif",
        ],
        &[
            "we receive",
            "we'll receive",
            "we will receive",
            "we get",
            "incoming",
        ],
    ),
    (
        "transfer",
        &["send", "sent", "pay", "wire", "move"],
        &["receiv", "incoming"],
    ),
    ("grant", &["give", "gives", "add"], &["revok", "takes away"]),
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
        &["grant", "give", "gives", "creat", "insert"],
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
        &["renew", "reactivat", "resum", "extend"],
    ),
    (
        "attach",
        &["add", "give", "gives", "grant", "link"],
        &["detach", "remov"],
    ),
    (
        "detach",
        &["remov", "unlink", "take"],
        &["attaches", "adds"],
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
            "add", "new", "set up", "make", "makes", "issu", "generat", "open",
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
    ("reboot", &["restart", "power cycl", "stop", "down$"], &[]),
    ("restart", &["reboot", "stop", "start", "bounce"], &[]),
];

/// The spec for the action's own verb: the first name token when it is a known verb, else the
/// first known verb among the name's other tokens and then the command's first words
/// (`run_shell` → `systemctl stop x` → `stop`).
pub(crate) fn verb_spec(action_tokens: &[String], command_tokens: &[String]) -> Option<EffectSpec> {
    // A form of the verb (`updates`, `stopped`, `deletion`), not a longer word that starts
    // like it (`postgres`, `address`, `sendgrid`).
    const ENDINGS: &[&str] = &[
        "", "e", "s", "es", "ed", "d", "ing", "ion", "ions", "er", "ers", "ped", "ping", "ted",
        "ting", "ment", "ments", "al", "ation",
    ];
    let known = |t: &String| {
        VERBS.iter().find(|(verb, _, _)| {
            t.len() >= 3
                && t.strip_prefix(verb)
                    .is_some_and(|rest| ENDINGS.contains(&rest))
        })
    };
    action_tokens
        .iter()
        .find(|t| t.len() >= 3)
        .and_then(known)
        .or_else(|| action_tokens.iter().chain(command_tokens).find_map(known))
        .map(|(verb, same, opposite)| {
            let mut stems: Vec<&'static str> = vec![verb];
            stems.extend_from_slice(same);
            EffectSpec {
                stems,
                opposites: opposite.to_vec(),
            }
        })
}

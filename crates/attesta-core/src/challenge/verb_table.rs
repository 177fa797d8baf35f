//! The second half of the verb table (money, capacity, access, subscriptions, shopping,
//! connections, restores, health records, files, deploys and messages), read after
//! `verbs::VERBS`, in order.

use super::verbs::{STAYS_OFF, VerbEntry};

/// Common action verbs, continued.
pub(super) const MORE_VERBS: &[VerbEntry] = &[
    (
        "void",
        &[
            "cancel",
            "invalidat",
            "annul",
            "revers",
            "zero",
            "write off",
            "writes off",
        ],
        &["issues", "reissu"],
    ),
    (
        "pay",
        &[
            "send", "sent", "transfer", "wire", "paid", "remit", "payout",
        ],
        &[
            "we receive",
            "refund",
            "charges",
            "we get",
            "requests",
            "request$",
        ],
    ),
    (
        "payout",
        &["pay", "send", "transfer", "withdr", "paid"],
        &["deposit"],
    ),
    (
        "withdr",
        &["take out", "takes out", "send", "transfer", "move"],
        &["deposit"],
    ),
    ("deposit", &["add", "put", "pay in", "pays in"], &["withdr"]),
    (
        "scal",
        &[
            "resiz", "set", "chang", "increas", "decreas", "reduc", "replica",
        ],
        &[],
    ),
    (
        "resiz",
        &["scal", "chang", "grow", "shrink", "increas", "decreas"],
        &[],
    ),
    (
        "assign",
        &["give", "gives", "grant", "add", "set", "make", "makes"],
        &["unassign", "revok", "removes", "remove$", "takes away"],
    ),
    ("unassign", &["remov", "revok", "take"], &["assigns"]),
    (
        "promot",
        &[
            "rais", "elevat", "make", "makes", "grant", "give", "gives", "upgrad",
        ],
        &["demot"],
    ),
    (
        "demot",
        &["lower", "remov", "downgrad", "revok"],
        &["promot"],
    ),
    (
        "block",
        &[
            "ban",
            "deny",
            "stop",
            "lock",
            "prevent",
            "blacklist",
            "blocklist",
        ],
        &["unblock", "allows"],
    ),
    (
        "unblock",
        &["allow", "lift", "lifts", "reenabl", "re-enabl", "restor"],
        &["blocks"],
    ),
    ("ban", &["block", "suspend", "remov", "kick"], &["unban"]),
    (
        "subscrib",
        &["sign up", "signs up", "add", "enrol", "join"],
        &["unsubscrib"],
    ),
    (
        "unsubscrib",
        &["remov", "opt out", "opts out", "stop"],
        &["subscribes"],
    ),
    (
        "enrol",
        &["add", "register", "sign up", "signs up"],
        &["unenrol", "remov"],
    ),
    ("decrypt", &["unlock", "reveal", "plain"], &["encrypts"]),
    ("encrypt", &["lock", "protect", "seal"], &["decrypt"]),
    (
        "download",
        &["fetch", "pull", "get", "copy", "copies", "save"],
        &["upload"],
    ),
    (
        "upload",
        &["send", "push", "copy", "copies", "put", "sent"],
        &["download"],
    ),
    (
        "schedul",
        &["plan", "queue", "set up", "sets up", "book"],
        &["unschedul", "cancels"],
    ),
    (
        "book",
        &["reserv", "schedul", "buy", "purchas", "pay"],
        &["cancels"],
    ),
    ("reserv", &["book", "hold"], &["cancels"]),
    (
        "purchas",
        &["buy", "bought", "pay", "paid", "order", "spend"],
        &["sell", "sold", "refund"],
    ),
    (
        "buy",
        &["purchas", "pay", "paid", "order", "bought"],
        &["sell", "sold"],
    ),
    (
        "sell",
        &["sold", "liquidat", "dump", "trade"],
        &["buy", "bought", "purchas"],
    ),
    (
        "increas",
        &["rais", "grow", "bump", "up$", "higher", "more", "boost"],
        &["decreas", "lower", "reduc", "cuts"],
    ),
    (
        "decreas",
        &["lower", "reduc", "cut", "drop", "less"],
        &["increas", "rais"],
    ),
    (
        "rais",
        &["increas", "bump", "higher", "boost"],
        &["lower", "decreas", "reduc"],
    ),
    (
        "lower",
        &["decreas", "reduc", "cut", "drop", "less"],
        &["rais", "increas"],
    ),
    ("connect", &["link", "join", "attach"], &["disconnect"]),
    (
        "disconnect",
        &["unlink", "detach", "cut", "remov"],
        &["connects"],
    ),
    ("mount", &["attach", "connect"], &["unmount"]),
    ("unmount", &["detach", "disconnect"], &["mounts"]),
    (
        "restor",
        &[
            "recover",
            "bring back",
            "brings back",
            "revert",
            "roll back",
            "rolls back",
            "undelet",
        ],
        &["delet", "wipe"],
    ),
    (
        "revert",
        &[
            "roll back",
            "rolls back",
            "undo",
            "undoes",
            "restor",
            "reset",
        ],
        &[],
    ),
    (
        "rollback",
        &[
            "roll back",
            "rolls back",
            "revert",
            "undo",
            "previous",
            "older",
            "downgrad",
        ],
        &["upgrad", "rolls out", "roll out"],
    ),
    ("renam", &["chang", "mov", "call"], &[]),
    (
        "copy",
        &[
            "copies", "duplicat", "clone", "replicat", "back up", "backs up",
            // `COPY … TO 'file'`: copying data out to a file exports it, writes it there.
            "export", "dump", "writ", "save",
        ],
        &["moves", "delet"],
    ),
    ("clon", &["copy", "copies", "duplicat", "replicat"], &[]),
    (
        "discharg",
        &["releas", "send home", "sends home", "end"],
        &["admit"],
    ),
    (
        "admit",
        &["check in", "checks in", "register"],
        &["discharg"],
    ),
    (
        "prescrib",
        &["order", "give", "gives", "start"],
        &["discontinu", "stops"],
    ),
    (
        "discontinu",
        &["stop", "cancel", "end", "halt", "take off", "takes off"],
        &["prescrib", "starts", "continu"],
    ),
    (
        "paus",
        &["suspend", "stop", "halt", "freez"],
        &["resum", "unpaus"],
    ),
    (
        "resum",
        &["restart", "continu", "unpaus", "start"],
        &["paus", "suspend"],
    ),
    (
        "reject",
        &["deny", "denies", "declin", "refus"],
        &["approv", "accept"],
    ),
    ("accept", &["approv", "agree"], &["reject", "declin"]),
    (
        "declin",
        &["reject", "deny", "denies", "refus"],
        &["accept", "approv"],
    ),
    (
        "deny",
        &["reject", "block", "refus"],
        &["allows", "approv", "grant"],
    ),
    (
        "allow",
        &["permit", "let", "lets", "open", "grant"],
        &["deny", "denies", "blocks"],
    ),
    ("format", &["wipe", "eras", "reformat"], &[]),
    (
        "overwrit",
        &["replac", "wipe", "writ", "clobber"],
        &["backs up", "appends"],
    ),
    (
        "writ",
        &[
            "save", "overwrit", "put", "creat", "replac", "chang", "wrote", "append", "add", "new$",
        ],
        &["only reads", "reads it"],
    ),
    (
        "append",
        &["add", "writ"],
        &["overwrit", "replac", "truncat", "remov", "delet"],
    ),
    // A cloud VM deallocated is stopped and its compute released.
    (
        "deallocat",
        &["stop", "shut", "power", "turn off", "turns off", "releas"],
        &["starts", "start$", "boots", "power on", "powers on"],
    ),
    (
        "chmod",
        &[
            "permission",
            "mode",
            "chang",
            "make",
            "makes",
            "writable",
            "readable",
            "executable",
        ],
        &[],
    ),
    (
        "chown",
        &["owner", "own", "chang", "hand", "hands", "give", "gives"],
        &[],
    ),
    (
        "expir",
        &["end", "invalidat", "revok"],
        &["renew", "extend"],
    ),
    ("renew", &["extend", "reactivat"], &["cancel", "expir"]),
    (
        "extend",
        &["renew", "prolong", "increas", "longer"],
        &["shorten"],
    ),
    (
        "reactivat",
        &["restor", "enabl", "unsuspend", "turn on", "turns on"],
        &["deactivat", "suspend", "disabl"],
    ),
    (
        "deploy",
        &[
            "releas",
            "ship",
            "roll out",
            "rolls out",
            "push",
            "updat",
            "upgrad",
            "live$",
            "promot",
        ],
        &[
            "roll*back",
            "rolls back",
            "rollback",
            "revert",
            "undeploy",
            "downgrad",
        ],
    ),
    (
        "notif",
        &["alert", "messag", "email", "send", "sent", "tell", "tells"],
        &[],
    ),
    ("email", &["send", "sent", "mail"], &[]),
    ("messag", &["send", "sent", "post", "text", "dm"], &[]),
    ("tweet", &["post", "publish", "shar"], &[]),
    (
        "disarm",
        &[
            "disabl",
            "turn off",
            "turns off",
            "deactivat",
            "switch off",
            "switches off",
        ],
        &["arms", "arm$", "armed"],
    ),
    (
        "arm",
        &["enabl", "activat", "turn on", "turns on", "set"],
        &["disarm"],
    ),
    ("snooz", &["mute", "paus", "silenc", "delay"], &["unmut"]),
    (
        "confirm",
        &["approv", "accept", "verif"],
        &["cancel", "reject"],
    ),
    ("regenerat", &["rotat", "new", "replac", "reissu"], &[]),
    (
        "issu",
        &["creat", "generat", "grant", "give", "gives", "mint"],
        &["revok"],
    ),
    ("mint", &["creat", "issu", "generat"], &["burn"]),
    ("burn", &["destroy", "delet", "remov"], &["mint"]),
    (
        "stak",
        &["lock", "deposit", "delegat"],
        &["unstak", "withdr"],
    ),
    ("swap", &["exchang", "trade", "convert"], &[]),
    ("convert", &["exchang", "chang", "swap"], &[]),
    ("toggl", &["switch", "turn", "flip", "enabl", "disabl"], &[]),
    (
        "freez",
        &["lock", "block", "suspend", "halt", "froze"],
        &["unfreez", "thaw"],
    ),
    (
        "unfreez",
        &["unlock", "unblock", "reactivat", "thaw"],
        &["freez"],
    ),
    (
        "reboot",
        &["restart", "power cycl", "stop", "down$"],
        STAYS_OFF,
    ),
    ("restart", &["reboot", "stop", "start", "bounce"], STAYS_OFF),
];

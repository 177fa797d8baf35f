//! The working vocabulary of risky operations: words an approver explaining a file, database,
//! shell, payment, message, access, deploy, health-record or device action plausibly uses. A
//! teach-back must be mostly about its action; a word of this lexicon (in any common inflection)
//! counts as on topic even when the action's own text does not contain it, while everyday filler
//! ("pancakes", "opera", "sunny") does not.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Verbs of what an operation does to things (base forms).
#[rustfmt::skip]
const EFFECT_VERBS: &[&str] = &[
    "affect", "allow", "alter", "double", "halve", "triple", "buy", "purchase", "spend",
    "order", "book", "reserve", "append", "apply", "become", "archive", "assign", "attach", "back", "backfill",
    "block", "bounce", "break", "bump", "bypass", "cancel", "cascade", "change", "charge",
    "clean", "cleanup", "clear", "clone", "close", "collect", "combine", "commit", "compress",
    "configure", "consolidate", "copy", "corrupt", "create", "cut", "deactivate", "decommission",
    "decrease", "decrypt", "delete", "deny", "deploy", "deprecate", "destroy", "detach",
    "disable", "discard", "disclose", "disconnect", "dispatch", "dispense", "distribute", "drain",
    "drop", "dump", "duplicate", "edit", "eject", "email", "empty", "enable", "encrypt", "end",
    "enforce", "erase", "escalate", "evict", "execute", "expire", "export", "expose", "extend",
    "fail", "fetch", "fire", "flip", "flush", "fold", "force", "format", "forward", "free",
    "freeze", "give", "grant", "halt", "hand", "hide", "import", "increase", "ingest", "insert",
    "install", "invalidate", "invite", "issue", "kick", "kill", "launch", "leak", "leave",
    "limit", "link", "list", "load", "lock", "lower", "mail", "make", "mark", "merge", "message",
    "migrate", "mirror", "modify", "mount", "move", "mute", "notify", "nuke", "obliterate",
    "open", "overwrite", "override", "patch", "pause", "pay", "post", "power", "promote",
    "provision", "prune", "publish", "pull", "purge", "push", "quarantine", "raise", "read",
    "reassign", "reboot", "rebuild", "recreate", "redeploy", "redirect", "reduce", "refund",
    "reimage", "reinstall", "reissue", "release", "reload", "remove", "rename", "renew",
    "reopen", "replace", "replicate", "reply", "republish", "request", "reroute", "rerun",
    "reset", "resize", "restart", "restore", "restrict", "resume", "retire", "revert", "revoke",
    "rewrite", "roll", "rollback", "rotate", "route", "run", "save", "scale", "schedule",
    "scrap", "scrub", "seal", "send", "set", "share", "ship", "shred", "shrink", "shut",
    "shutdown", "sign", "skip", "snapshot", "spin", "split", "stage", "start", "stop", "store",
    "strip", "submit", "suspend", "swap", "switch", "sync", "take", "tear", "terminate", "throw",
    "toggle", "trash", "trigger", "truncate", "turn", "unblock", "uninstall", "unlink", "unlock",
    "unmount", "unpublish", "unseal", "unshare", "unsubscribe", "update", "upgrade", "upload",
    "upsert", "vacuum", "void", "wipe", "withdraw", "write", "zap", "zero",
];

/// Base forms (singular nouns, bare verbs, plain adjectives), grouped by field.
#[rustfmt::skip]
const BASE: &[&str] = &[
    // Consequences and how final they are.
    "accidental", "affected", "available", "broken", "catastrophic", "consequence", "critical",
    "damage", "danger", "dangerous", "destructive", "disaster", "downtime", "error", "exposure",
    "failure", "final", "forever", "gone", "harm", "impact", "incident", "irrecoverable",
    "irreversible", "irreversibly", "loss", "lost", "missing", "outage", "permanent",
    "permanently", "recover", "recoverable", "recovery", "reversible", "risk", "risky",
    "rollbackable", "safe", "unavailable", "undo", "undoable", "unrecoverable", "unreadable",
    "unreachable", "unusable", "visible", "invisible", "accessible", "inaccessible",
    "reachable", "retrievable", "irretrievable", "unrestorable", "restorable", "wrong",
    // Scope and quantity.
    "all", "batch", "bulk", "entire", "every", "everything", "whole", "full", "partial",
    "single", "multiple", "many", "most", "several", "total", "complete", "completely",
    "entirely", "fully", "only", "each", "remaining", "rest", "majority", "amount", "count",
    "number", "quantity", "size", "scope", "range", "limit", "maximum", "minimum", "max", "min",
    "threshold", "percent", "percentage", "half", "double", "twice", "thousand", "hundred",
    "million", "billion", "dozen", "none", "zero", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "twelve", "twenty", "fifty", "first", "second", "last",
    "older", "newer", "old", "new", "latest", "earliest", "previous", "next", "current",
    "existing", "recent", "stale", "expired", "outdated", "legacy", "obsolete",
    // Time.
    "time", "date", "day", "daily", "hour", "hourly", "minute", "second", "week", "weekly",
    "month", "monthly", "quarter", "quarterly", "year", "yearly", "annual", "night", "nightly",
    "today", "tonight", "tomorrow", "yesterday", "immediately", "instantly", "now", "later",
    "soon", "afterwards", "before", "since", "until", "window", "deadline", "schedule",
    "timestamp", "timezone", "period", "retention", "expiry", "ttl", "cutoff", "ago", "delay",
    "grace", "pending", "overnight", "weekend", "cron",
    // Files and storage.
    "file", "folder", "directory", "path", "subfolder", "subdirectory", "tree", "disk", "drive",
    "volume", "partition", "filesystem", "mount", "storage", "bucket", "object", "blob", "share",
    "nas", "tape", "backup", "snapshot", "image", "archive", "tarball", "zip", "csv", "json",
    "yaml", "xml", "pdf", "parquet", "spreadsheet", "document", "doc", "sheet", "attachment",
    "photo", "video", "audio", "recording", "log", "logfile", "dump", "export", "extract",
    "copy", "version", "revision", "trash", "bin", "recycle", "home", "project", "workspace",
    "repo", "repository", "source", "code", "codebase", "script", "binary", "executable",
    "permission", "owner", "mode", "symlink", "inode", "block", "byte", "kilobyte", "megabyte",
    "gigabyte", "terabyte", "kb", "mb", "gb", "tb", "temp", "tmp", "cache", "content",
    "hidden", "dotfile", "config", "configuration", "setting", "environment", "variable",
    "secret", "key", "certificate", "cert", "keystore", "vault", "gpg", "ssh", "pem",
    // Databases.
    "database", "db", "table", "row", "column", "field", "record", "entry", "schema", "index",
    "view", "query", "statement", "transaction", "constraint", "foreign", "primary", "trigger",
    "procedure", "sequence", "collection", "document", "cluster", "replica", "shard", "primary",
    "standby", "migration", "seed", "sql", "nosql", "postgres", "postgresql", "mysql", "sqlite",
    "mongo", "mongodb", "redis", "elasticsearch", "dynamo", "dynamodb", "bigquery", "snowflake",
    "warehouse", "lake", "where", "clause", "filter", "condition", "match", "join", "select",
    "cascade", "keyspace", "namespace", "tenant", "instance",
    // Shell, systems, infrastructure.
    "command", "shell", "terminal", "bash", "sudo", "root", "superuser", "process", "pid",
    "daemon", "service", "unit", "systemd", "systemctl", "kernel", "os", "operating", "system",
    "machine", "host", "server", "node", "vm", "container", "docker", "image", "pod",
    "deployment", "replica", "replicaset", "statefulset", "daemonset", "kubernetes", "k8s",
    "kubectl", "helm", "chart", "terraform", "state", "plan", "infrastructure", "infra", "stack",
    "resource", "region", "zone", "availability", "cloud", "aws", "gcp", "azure", "ec2", "s3",
    "rds", "lambda", "function", "queue", "topic", "stream", "kafka", "rabbitmq", "sqs", "sns",
    "worker", "job", "cronjob", "task", "pipeline", "ci", "cd", "build", "artifact", "package",
    "dependency", "library", "module", "npm", "pip", "cargo", "registry", "release", "tag",
    "branch", "commit", "history", "git", "github", "gitlab", "merge", "main", "master",
    "upstream", "origin", "remote", "local", "fork", "rebase", "force", "hash", "lockfile",
    "firewall", "iptables", "rule", "chain", "port", "network", "subnet", "vpc", "vpn", "proxy",
    "gateway", "load", "balancer", "dns", "record", "domain", "subdomain", "zone", "nameserver",
    "ip", "address", "ipv4", "ipv6", "cidr", "tls", "ssl", "https", "http", "endpoint", "api",
    "url", "webhook", "traffic", "request", "response", "latency", "bandwidth", "uptime",
    "monitoring", "alerting", "alert", "metric", "dashboard", "logging", "audit", "trace",
    "cpu", "memory", "ram", "swap", "capacity", "autoscaler", "scaling", "replica", "instance",
    "fleet", "canary", "rollout", "feature", "flag", "toggle", "percentage", "cohort",
    "production", "prod", "staging", "development", "dev", "test", "qa", "sandbox", "live",
    "preview", "demo", "environment", "cluster", "datacenter", "site", "website", "app",
    "application", "frontend", "backend", "microservice", "binary", "daemon", "agent", "bot",
    "tool", "model", "prompt", "llm", "ai", "assistant", "plugin", "extension", "integration",
    "curl", "wget", "pipe", "download", "internet", "online", "offline", "downstream",
    "upstream", "consumer", "producer", "subscriber", "listener", "socket", "connection",
    "session", "token", "cookie", "header", "payload", "body", "parameter", "argument", "flag",
    "option", "input", "output", "stdin", "stdout", "result", "error", "exit", "status",
    // Security and access.
    "access", "permission", "privilege", "right", "role", "policy", "group", "member", "user",
    "account", "admin", "administrator", "owner", "editor", "viewer", "reader", "writer",
    "guest", "contractor", "vendor", "partner", "third", "party", "external", "internal",
    "outsider", "stranger", "anyone", "anybody", "everyone", "everybody", "public", "publicly",
    "private", "privately", "restricted", "org", "organisation", "organization", "company",
    "tenant", "identity", "iam", "sso", "saml", "oauth", "mfa", "2fa", "otp", "password",
    "passphrase", "credential", "login", "logon", "signin", "authentication", "authorization",
    "auth", "apikey", "secret", "token", "key", "keypair", "kms", "hsm", "encryption",
    "cipher", "certificate", "revocation", "compromise", "compromised", "breach", "attacker",
    "malicious", "malware", "exploit", "vulnerability", "patch", "exposure", "leak",
    "exfiltration", "firewall", "allowlist", "blocklist", "whitelist", "blacklist", "ban",
    "lockout", "inheritance", "escalation", "impersonation", "audit", "compliance", "gdpr",
    "hipaa", "pci", "sox", "consent", "privacy", "sensitive", "confidential", "classified",
    "personal", "pii", "phi", "link", "invite", "invitation", "sharing", "shared", "visibility",
    // Money and finance.
    "money", "fund", "payment", "payout", "transfer", "wire", "transaction", "deposit",
    "withdrawal", "balance", "ledger", "account", "iban", "bic", "swift", "sort", "routing",
    "bank", "banking", "beneficiary", "recipient", "payee", "payer", "sender", "receiver",
    "invoice", "bill", "billing", "receipt", "refund", "chargeback", "dispute", "charge", "fee",
    "price", "pricing", "cost", "discount", "coupon", "credit", "debit", "card", "loan",
    "interest", "rate", "tax", "vat", "payroll", "salary", "wage", "bonus", "commission",
    "expense", "budget", "revenue", "profit", "cash", "currency", "exchange", "fx", "euro",
    "eur", "dollar", "usd", "pound", "gbp", "yen", "jpy", "franc", "chf", "sek", "nok", "dkk",
    "pln", "inr", "aud", "cad", "cent", "crypto", "cryptocurrency", "bitcoin", "btc", "ether",
    "eth", "usdt", "usdc", "stablecoin", "token", "coin", "wallet", "address", "chain",
    "blockchain", "onchain", "contract", "smart", "allowance", "approval", "spender", "gas",
    "stake", "staking", "swap", "liquidity", "pool", "bridge", "mint", "burn", "treasury",
    "reserve", "settlement", "clearing", "merchant", "customer", "client", "subscription",
    "plan", "tier", "order", "purchase", "sale", "checkout", "cart", "stripe", "paypal",
    "finance", "financial", "accounting", "statement", "reconciliation", "reimbursement",
    "vendor", "supplier", "reference", "memo", "irrevocable", "outgoing", "incoming", "inbound",
    "outbound", "abroad", "overseas", "domestic", "international", "sepa", "ach",
    // Messages and documents.
    "email", "mail", "message", "inbox", "mailbox", "subject", "body", "cc", "bcc", "reply",
    "thread", "draft", "newsletter", "campaign", "announcement", "notification", "sms", "text",
    "chat", "channel", "slack", "teams", "discord", "post", "tweet", "comment", "mention",
    "broadcast", "audience", "subscriber", "list", "mailing", "distribution", "press",
    "journalist", "media", "board", "investor", "shareholder", "embargo", "embargoed",
    "announcement", "report", "figure", "numbers", "results", "earnings", "forecast",
    "contract", "agreement", "nda", "proposal", "memo", "minutes", "notes", "wiki", "page",
    "notion", "confluence", "jira", "ticket", "issue", "project", "board", "sprint", "epic",
    "workspace", "calendar", "meeting", "invite", "event", "form", "survey", "file", "drive",
    "folder", "presentation", "slide", "deck",
    // People and organisations.
    "people", "person", "user", "employee", "staff", "team", "colleague", "manager", "ceo",
    "cfo", "cto", "engineer", "developer", "operator", "support", "customer", "client",
    "patient", "member", "visitor", "guest", "family", "household", "human", "individual",
    "name", "surname", "birth", "birthday", "age", "gender", "nationality", "passport", "ssn",
    "phone", "contact", "profile", "identity", "department", "hr", "legal", "finance",
    "marketing", "sales", "engineering", "operations", "ops", "security", "it", "executive",
    "director", "lawyer", "auditor", "regulator", "authority", "government", "police",
    // Health care.
    "patient", "doctor", "physician", "nurse", "clinician", "medical", "medicine", "health",
    "healthcare", "clinical", "clinic", "hospital", "ward", "lab", "laboratory", "test",
    "result", "diagnosis", "diagnose", "condition", "allergy", "prescription", "prescribe",
    "dose", "dosage", "mg", "ml", "drug", "medication", "pharmacy", "pharmacist", "refill",
    "treatment", "therapy", "procedure", "surgery", "appointment", "admission", "discharge",
    "chart", "ehr", "emr", "fhir", "mrn", "encounter", "observation", "vital", "blood",
    "pressure", "insulin", "dosing", "tablet", "pill", "daily", "twice", "genetic", "genome",
    "dna", "biometric", "mental", "psychiatric", "insurance", "insurer", "claim", "coverage",
    "research", "study", "trial", "cohort", "deidentified", "anonymised", "anonymized",
    // Devices, buildings, vehicles, IoT.
    "device", "sensor", "actuator", "thermostat", "temperature", "degree", "celsius",
    "fahrenheit", "humidity", "heating", "cooling", "hvac", "freezer", "fridge", "refrigerator",
    "alarm", "siren", "smoke", "fire", "detector", "camera", "cctv", "recording", "footage",
    "door", "lock", "gate", "garage", "window", "badge", "keycard", "entrance", "room",
    "building", "floor", "office", "warehouse", "factory", "plant", "site", "facility",
    "light", "lighting", "power", "electricity", "grid", "battery", "charger", "meter", "valve",
    "pump", "motor", "robot", "drone", "vehicle", "car", "truck", "fleet", "firmware", "ota",
    "controller", "plc", "scada", "industrial", "machine", "line", "conveyor", "speed",
    "pressure", "level", "setpoint", "threshold", "reading", "telemetry", "gateway", "hub",
    "zigbee", "bluetooth", "wifi", "router", "modem", "home", "house", "apartment", "tenant",
    "physical", "physically", "unlocked", "locked", "armed", "disarmed", "monitoring",
    "hot", "hotter", "cold", "colder", "warm", "warmer", "cool", "cooler", "heat", "overheat",
    // Calendar and clock.
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "midnight", "noon", "utc", "gmt", "cet", "est", "pst", "am", "pm",
    "through", "between", "starting", "ending",
    // Names of tools and vendors that explanations mention.
    "google", "microsoft", "amazon", "okta", "auth0", "salesforce", "hubspot", "zendesk",
    "atlassian", "dropbox", "box", "onedrive", "sharepoint", "outlook", "gmail", "office",
    "twilio", "sendgrid", "mailchimp", "shopify", "datadog", "pagerduty", "cloudflare",
    "vercel", "netlify", "heroku", "ansible", "jenkins", "circleci", "sentry", "grafana",
    "prometheus", "letsencrypt", "encrypt", "wildcard", "discord", "whatsapp", "telegram",
    "twitter", "x", "linkedin", "facebook", "instagram", "youtube", "tiktok", "epic",
    "ehr", "cerner", "hl7", "homeassistant", "nest", "ecobee", "hue",
    // Words for kinds of leftovers and copies.
    "orphaned", "dangling", "untagged", "duplicate", "leftover", "unused", "idle", "dormant",
    "inactive", "abandoned", "deprecated",
    // Qualities that explanations name.
    "careful", "important", "sensitive", "secret", "personal", "private", "public", "live",
    "real", "actual", "active", "inactive", "enabled", "disabled", "online", "offline",
    "remote", "local", "global", "worldwide", "organisation-wide", "company-wide", "everywhere",
    "directly", "automatically", "manually", "recursively", "recursive", "silently", "quietly",
    "without", "confirmation", "warning", "prompt", "question", "review", "approval", "approve",
    "signoff", "check", "verification", "validation", "safeguard", "protection", "protected",
    "unprotected", "guard", "encrypted", "unencrypted", "plain", "plaintext", "readable",
    "writable", "world-readable", "world-writable", "executable", "open", "closed",
];

/// Words about the approver's attitude rather than the action ("looks fine", "routine", "the
/// agent said it is needed"): a reason to approve is not an explanation, so they never count as
/// on topic unless the action itself uses them.
#[rustfmt::skip]
const ATTITUDE: &[&str] = &[
    "approve", "approves", "approved", "approving", "approval", "fine", "okay", "ok", "alright",
    "routine", "routinely", "normal", "normally", "standard", "usual", "usually", "unusual",
    "special", "trust", "trusted", "needed", "need", "needs", "requested", "asked", "said",
    "says", "worry", "worried", "problem", "problems", "harmless", "quickly", "please",
    "waiting", "ahead", "sure", "guess", "think", "probably", "reviewed", "know", "knows",
    "happens", "happen", "lol", "totally", "everyday", "typical", "typically", "common",
    "legit", "correct", "correctly", "expected", "thing", "things", "stuff", "safe",
];

/// Everyday things no risky operation is about (weather, food, animals, music, leisure): filler
/// around key terms ("purple elephants … singing opera about turnips") is made of them.
#[rustfmt::skip]
const EVERYDAY: &[&str] = &[
    "weather", "rain", "rained", "raining", "sunny", "sunshine", "snow", "snowing", "storm",
    "windy", "spring", "summer", "autumn", "winter", "garden", "gardens", "flower", "flowers",
    "forest", "ocean", "beach", "mountain", "mountains", "hills", "hill", "river", "lake",
    "moon", "sky", "sunset", "sunrise", "pancake", "pancakes", "banana", "bananas", "turnip",
    "turnips", "soup", "pizza", "cake", "cakes", "cookie", "cookies", "cheese", "marmalade",
    "chocolate", "breakfast", "lunch", "dinner", "dinners", "picnic", "wheat", "dogs",
    "elephant", "elephants", "horse", "horses", "bird", "birds", "penguin", "penguins",
    "rabbit", "rabbits", "cow", "cows", "unicorn", "unicorns", "dragon", "dragons", "purple",
    "pink", "music", "song", "songs", "sing", "sings", "singing", "sang", "opera", "dance",
    "dances", "dancing", "danced", "guitar", "piano", "poem", "poems", "poetry", "painting",
    "neighbour", "neighbor", "grandma", "grandmother", "uncle", "aunt", "birthday",
    "vacation", "weekend", "hobby", "softly", "gently", "happily", "sleepy", "dreams",
    "dreaming", "magic", "magical", "tonight",
];

/// Whimsical words no operation is about and no honest explanation reaches for: one of them the
/// action does not mention marks filler around key terms ("sends 0.8 BTC … purple elephants").
/// Words that also name software or trades (python, pandas, canary, cherry-pick, rabbitmq,
/// snowflake, black friday, blue-green) are left out.
#[rustfmt::skip]
const ABSURD: &[&str] = &[
    // animals
    "elephant", "giraffe", "zebra", "monkey", "kitten", "puppy", "puppies", "goat", "frog",
    "hamster", "hedgehog", "penguin", "flamingo", "hippo", "rhino", "koala", "kangaroo",
    "squirrel", "dolphin", "turtle", "walrus", "otter", "unicorn", "dinosaur", "pony", "ponies",
    "bunny", "bunnies", "llamas", "alpaca", "butterfly", "butterflies", "ladybug", "caterpillar",
    "jellyfish", "octopi", "seahorse", "peacock", "parrot", "gorilla", "sloth", "narwhal",
    // food
    "banana", "turnip", "pancake", "waffle", "muffin", "cupcake", "spaghetti", "noodle",
    "sushi", "burrito", "taco", "broccoli", "lettuce", "potato", "potatoes", "tomato",
    "tomatoes", "carrot", "strawberry", "strawberries", "watermelon", "pineapple", "marmalade",
    "marshmallow", "popcorn", "lollipop", "jellybean", "pudding", "custard", "porridge",
    "cheese", "chocolate", "pizza", "cake", "syrup", "spinach", "cucumber", "avocado",
    "dumpling", "croissant", "donut", "doughnut", "bagel", "lasagna", "pickles",
    // colours no status or product is named by
    "purple", "pink", "violet", "lilac", "turquoise", "magenta", "lavender", "maroon", "beige",
    // fairy tales, music and daydreams
    "fairy", "fairies", "wizard", "mermaid", "goblin", "elves", "dragon", "troll", "princess",
    "opera", "violin", "trumpet", "tuba", "flute", "choir", "lullaby", "lullabies", "ballet",
    "tango", "waltz", "disco", "karaoke", "serenade", "singing", "sings", "sang", "dancing",
    "rainbow", "sunshine", "moonlight", "starlight", "meadow", "blossom", "blossoms",
    "blossoming", "petal", "tulip", "daisy", "daisies", "glitter", "sparkly", "fluffy",
    "wobbly", "giggle", "giggling", "tickle", "cuddle", "sideways", "merrily", "jolly",
    "synergy", "banana-shaped", "gibberish", "lorem", "ipsum", "blah",
];

/// Whether `word` (or its singular) is a whimsical word no operation is about.
pub(crate) fn absurd(word: &str) -> bool {
    let singular = word
        .strip_suffix("es")
        .filter(|s| ABSURD.contains(s))
        .or_else(|| word.strip_suffix('s'));
    ABSURD.contains(&word) || singular.is_some_and(|s| ABSURD.contains(&s))
}

/// Whether `word` names an everyday thing no operation is about.
pub(crate) fn everyday(word: &str) -> bool {
    EVERYDAY.contains(&word)
}

/// Whether `word` speaks of the approver's attitude, not of the action.
pub(crate) fn attitude(word: &str) -> bool {
    ATTITUDE.contains(&word)
}

/// Suffixes stripped to find a base form, longest first.
const SUFFIXES: &[&str] = &[
    "ations", "ation", "ments", "ment", "ingly", "ings", "able", "ing", "edly", "ers", "ied",
    "ies", "ed", "es", "er", "ly", "s", "d",
];

/// Platforms, products and vendors actions run on: naming one ("the EBS volume", "the
/// WooCommerce products") says where the action happens, it names no other target.
#[rustfmt::skip]
const PLATFORMS: &[&str] = &[
    "aws", "ec2", "ebs", "s3", "rds", "iam", "lambda", "azure", "gcp", "gcloud", "google",
    "microsoft", "windows", "linux", "macos", "ubuntu", "debian", "powershell", "woocommerce",
    "wordpress", "shopify", "stripe", "adyen", "paypal", "venmo", "wise", "revolut", "square",
    "coinbase", "ethereum", "bitcoin", "slack", "discord", "teams", "zoom", "whatsapp",
    "telegram", "twilio", "sendgrid", "mailchimp", "hubspot", "salesforce", "zendesk", "jira",
    "confluence", "notion", "asana", "github", "gitlab", "bitbucket", "okta", "entra", "auth0",
    "datadog", "pagerduty", "grafana", "kubernetes", "docker", "helm", "terraform", "ansible",
    "postgres", "postgresql", "mysql", "mongodb", "mongo", "redis", "elasticsearch", "kafka",
    "cloudflare", "vercel", "heroku", "netlify", "outlook", "gmail", "office", "sharepoint",
    "onedrive", "dropbox", "icloud", "xero", "quickbooks", "sap", "workday", "bamboohr",
    "epic", "fhir", "hl7", "homeassistant", "alexa", "nest",
];

/// Shops, travel and calendars, and what people see of an action's result.
#[rustfmt::skip]
const SHOPS_AND_CALENDARS: &[&str] = &[
    "stock", "item", "inventory", "sku", "seat", "flight", "booking", "ticket", "hotel",
    "rental", "reservation", "trip", "passenger", "fare", "checkout", "cart", "msg", "appt",
    "appointment", "reminder", "remind", "participant", "attendee", "guest", "invitee",
    "detail", "event", "meeting", "calendar", "invite", "invitation", "add", "book", "see",
    "show", "visible", "display",
];

fn base_set() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        BASE.iter()
            .chain(EFFECT_VERBS)
            .chain(PLATFORMS)
            .chain(SHOPS_AND_CALENDARS)
            .copied()
            .collect()
    })
}

fn verb_set() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| EFFECT_VERBS.iter().copied().collect())
}

/// Whether `word` (lower case) is a form of a lexicon word: `wipes`, `wiped`, `wiping`,
/// `deletion`, `patients'`, `emptied`, `stopped`.
pub(crate) fn on_topic(word: &str) -> bool {
    in_set(word, base_set())
}

/// Whether `word` is a form of a verb saying what an operation does (`flushes`, `rewrote`
/// is not: irregular forms are not derived).
pub(crate) fn effect_verb(word: &str) -> bool {
    in_set(word, verb_set())
}

/// Whether `word` is a lexicon word with one typo (`acount`, `firmwre`, `aftre`), for words
/// of at least six letters.
pub(crate) fn on_topic_typo(word: &str) -> bool {
    let n = word.chars().count();
    // "atached" is "attached" and "disabels" "disables": the typo may sit before an ending.
    let stems: Vec<&str> = std::iter::once(word)
        .chain(
            ["s", "es", "ed", "d", "ing"]
                .iter()
                .filter_map(|s| word.strip_suffix(s)),
        )
        .filter(|s| s.chars().count() >= 5)
        .collect();
    n >= 5
        && BASE
            .iter()
            .chain(EFFECT_VERBS)
            .chain(SHOPS_AND_CALENDARS)
            .chain(super::vocab::EXPLAIN_WORDS)
            // "anyting", "aftre": everyday words mistyped are no filler either.
            .chain(super::vocab::STOPWORDS.iter().filter(|w| w.len() >= 5))
            .any(|b| {
                // The word itself (six letters or more) with any one edit, as before; a shorter
                // word or a stem only with a letter left out, doubled or swapped ("rained" is
                // no typo of "raise").
                (n >= 6
                    && b.len().abs_diff(word.len()) <= 1
                    && b.chars().next() == word.chars().next()
                    && super::explain::edit_distance_le1(b, word))
                    || stems.iter().any(|s| {
                        b.chars().next() == s.chars().next()
                            && super::explain::edit_distance_le1(b, s)
                            && (b.len() != s.len() || {
                                let (mut x, mut y): (Vec<char>, Vec<char>) =
                                    (b.chars().collect(), s.chars().collect());
                                x.sort_unstable();
                                y.sort_unstable();
                                x == y
                            })
                    })
            })
}

fn in_set(word: &str, set: &HashSet<&'static str>) -> bool {
    let word = word.trim_end_matches(['\'', '’']);
    let word = word.strip_suffix("'s").unwrap_or(word);
    if set.contains(word) {
        return true;
    }
    for suffix in SUFFIXES {
        let Some(stem) = word.strip_suffix(suffix) else {
            continue;
        };
        if stem.len() < 2 {
            continue;
        }
        let mut candidates: Vec<String> = vec![stem.to_owned(), format!("{stem}e")];
        if matches!(*suffix, "ied" | "ies") {
            candidates.push(format!("{stem}y"));
        }
        if matches!(*suffix, "ation" | "ations") {
            candidates.push(format!("{stem}ate"));
            candidates.push(format!("{stem}e"));
        }
        // `stopped` → `stop`, `shipping` → `ship`.
        let mut tail = stem.chars().rev();
        if let (Some(last), Some(before)) = (tail.next(), tail.next())
            && last == before
            && last.is_ascii_alphabetic()
            && stem.len() >= 3
        {
            candidates.push(stem[..stem.len() - 1].to_owned());
        }
        if candidates.iter().any(|c| set.contains(c.as_str())) {
            return true;
        }
    }
    // `deletion` → `delete`, `revocation` → `revoke`.
    for (tail, base) in [
        ("ion", "e"),
        ("ions", "e"),
        ("ocation", "oke"),
        ("ocations", "oke"),
    ] {
        if let Some(stem) = word.strip_suffix(tail)
            && stem.len() >= 3
            && set.contains(format!("{stem}{base}").as_str())
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::on_topic;

    #[test]
    fn inflections_of_the_working_vocabulary_are_on_topic() {
        for w in [
            "wipes",
            "wiped",
            "wiping",
            "deletion",
            "revocation",
            "patients'",
            "emptied",
            "stopped",
            "shipping",
            "diagnoses",
            "degrees",
            "sensors",
            "merged",
            "folded",
            "discarded",
            "combined",
            "flushes",
            "rewrites",
            "firewall",
            "disables",
            "bucket's",
        ] {
            assert!(on_topic(w), "{w}");
        }
    }

    #[test]
    fn everyday_filler_is_not() {
        for w in [
            "purple",
            "elephants",
            "singing",
            "opera",
            "turnips",
            "pancakes",
            "syrup",
            "sunny",
            "weather",
            "moonlight",
            "bananas",
            "giraffes",
            "cheese",
            "meadow",
            "farmers",
            "spaghetti",
            "unicorn",
            "skateboard",
            "chocolate",
            "rainbow",
            "kite",
            "violin",
            "cats",
            "kittens",
            "love",
            "music",
            "ocean",
            "marmalade",
            "wheat",
            "poems",
        ] {
            assert!(!on_topic(w), "{w}");
        }
    }
}

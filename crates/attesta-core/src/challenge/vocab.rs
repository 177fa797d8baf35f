//! Vocabularies for peer distractors ([`super::peers`]): realistic words of each kind.

/// Words that occur in real file, table, service, host and branch names.
#[rustfmt::skip]
pub(super) const WORDS: &[&str] = &[
    "ab", "ai", "bi", "ci", "db", "eu", "hr", "io", "ml", "ops", "qa", "ui", "us", "api", "app",
    "aws", "bin", "cdn", "cli", "crm", "dev", "dns", "erp", "etl", "gcp", "git", "iam", "jvm",
    "kms", "lab", "log", "map", "mfa", "olap", "ocr", "pdf", "pos", "sdk", "sso", "tax", "tmp",
    "vat", "vpn", "web", "acct", "audit", "auth", "bank", "bill", "blob", "cart", "case", "chat",
    "core", "cost", "data", "deal", "docs", "edge", "feed", "file", "fund", "gate", "grid",
    "hook", "host", "item", "jobs", "keys", "lead", "loan", "mail", "menu", "meta", "node",
    "note", "open", "page", "plan", "pool", "post", "rate", "risk", "role", "rule", "sale",
    "scan", "seat", "shop", "sign", "site", "sku", "spend", "stock", "task", "team", "test",
    "text", "tier", "tool", "user", "vault", "wage", "wiki", "zone", "asset", "batch", "block",
    "brand", "build", "cache", "claim", "class", "cloud", "codes", "debit", "draft", "entry",
    "event", "fleet", "forms", "graph", "guest", "index", "input", "issue", "label", "ledger",
    "level", "links", "media", "model", "money", "notes", "offer", "order", "owner", "panel",
    "parts", "party", "phone", "photo", "place", "point", "price", "print", "queue", "quote",
    "rates", "reply", "route", "sales", "score", "setup", "share", "shift", "slots", "space",
    "staff", "state", "store", "study", "style", "teams", "terms", "token", "topic", "trade",
    "trial", "units", "usage", "users", "visit", "votes", "agent", "alert", "admin", "assets",
    "backup", "billing", "budget", "bundle", "buyers", "claims", "client", "config", "credit",
    "cycles", "device", "domain", "events", "export", "faults", "filing", "finance", "friend",
    "growth", "import", "income", "intake", "member", "metric", "mobile", "orders", "output",
    "packet", "people", "period", "policy", "portal", "profit", "rebate", "record", "region",
    "rental", "report", "result", "review", "routes", "salary", "sample", "search", "secret",
    "series", "server", "signal", "source", "status", "stream", "supply", "survey", "switch",
    "system", "target", "ticket", "tokens", "trades", "upload", "vendor", "wallet", "widget",
    "account", "archive", "balance", "banking", "billing", "booking", "breach", "capital",
    "catalog", "channel", "charges", "clients", "compute", "consent", "content", "control",
    "coupons", "courier", "credits", "dispute", "dossier", "emails", "employee", "expense",
    "factory", "gateway", "history", "holding", "invoice", "journal", "leasing", "license",
    "listing", "payment", "payouts", "pricing", "product", "project", "refunds", "release",
    "returns", "revenue", "routing", "savings", "service", "session", "storage", "summary",
    "support", "tickets", "traffic", "vouchers", "analytics", "campaign", "checkout", "contract",
    "customer", "delivery", "discount", "document", "exchange", "forecast", "frontend",
    "identity", "incident", "insights", "inventory", "merchant", "metadata", "movement",
    "networks", "payments", "pipeline", "platform", "position", "postings", "premium", "products",
    "profiles", "purchase", "receipts", "register", "reminder", "reporting", "requests",
    "reserves", "schedule", "security", "shipping", "snapshot", "statement", "supplier",
    "transfer", "treasury", "warranty", "workflow", "accounting", "collection", "compliance",
    "onboarding", "operations", "procurement", "remittance", "settlement", "statements",
    "submission", "warehouse", "attachment", "fulfilment", "governance", "households",
    "investment", "invoicing", "marketplace", "partnership", "reconciliation", "subscription",
    "transactions",
];

/// Given names and surnames for the local part of an address.
#[rustfmt::skip]
pub(super) const NAMES: &[&str] = &[
    "ada", "al", "bo", "jo", "li", "max", "ned", "ola", "sam", "tim", "una", "ali", "ben", "eva",
    "ian", "kai", "lea", "mia", "noa", "raj", "zoe", "anna", "carl", "dana", "emma", "finn",
    "hugo", "iris", "jack", "kira", "lars", "lena", "luca", "mila", "nina", "omar", "paul",
    "rosa", "ruth", "sara", "theo", "vera", "yara", "aaron", "bruno", "clara", "david", "elena",
    "felix", "grace", "henry", "isaac", "julia", "karen", "laura", "marta", "nadia", "oscar",
    "peter", "quinn", "rahul", "sofia", "tomas", "ulrik", "victor", "walter", "xavier", "yvonne",
    "zainab", "agnes", "andrea", "carmen", "daniel", "fiona", "george", "hannah", "ingrid",
    "joseph", "leonie", "miguel", "nathan", "olivia", "pierre", "robert", "simone", "thomas",
    "valerie", "william", "adams", "baker", "berg", "clark", "cruz", "evans", "fox", "green",
    "hall", "hill", "ivanov", "khan", "lee", "lopez", "meyer", "moore", "nagy", "nilsen", "park",
    "reyes", "ross", "sato", "shaw", "smith", "stone", "walsh", "wang", "weber", "white", "young",
    "zhang", "bauer", "fischer", "hoffman", "larsen", "martin", "muller", "nguyen", "olsen",
    "perez", "richter", "santos", "schulz", "suzuki", "torres", "vargas", "wagner", "wilson",
    "yamada", "andersen", "bergman", "castillo", "fernandez", "gonzalez", "hartmann", "johansson",
    "kowalczyk", "lindberg", "martinez", "nielsen", "rodriguez", "schneider", "takahashi",
    "thompson", "williams",
];

#[rustfmt::skip]
pub(super) const ROLES: &[&str] = &[
    "admin", "owner", "editor", "viewer", "member", "billing", "auditor", "operator", "developer",
    "maintainer", "reader", "writer", "manager", "support", "finance", "security", "superuser",
    "guest", "reviewer", "approver", "deployer", "analyst",
];

#[rustfmt::skip]
pub(super) const ENVIRONMENTS: &[&str] = &[
    "production", "staging", "development", "test", "qa", "sandbox", "preview", "canary", "live",
    "demo", "perf", "uat", "integration", "prod", "dev", "stage",
];

#[rustfmt::skip]
pub(super) const PROGRAMS: &[&str] = &[
    "rm", "mv", "cp", "rmdir", "chmod", "chown", "curl", "wget", "git", "kubectl", "terraform",
    "docker", "dd", "psql", "mysql", "ssh", "rsync", "find", "tar", "python", "bash", "npm",
    "make", "systemctl", "kill", "scp", "aws", "gcloud", "helm", "shred", "truncate", "mkfs",
];

/// Verbs of risky operations: a peer of `delete_file` is another risky-sounding operation, so
/// "the dangerous-looking one" is no tell.
#[rustfmt::skip]
pub(super) const VERBS: &[&str] = &[
    "add", "pay", "put", "run", "set", "cut", "bulk", "copy", "drop", "edit", "kill", "lock",
    "move", "post", "push", "send", "sync", "wipe", "apply", "close", "erase", "grant", "merge",
    "patch", "purge", "reset", "scale", "share", "start", "write", "cancel", "charge", "create",
    "delete", "deploy", "detach", "enable", "export", "import", "invite", "modify", "publish",
    "refund", "remove", "rename", "replace", "restore", "revoke", "rotate", "submit", "update",
    "upload", "approve", "destroy", "disable", "execute", "migrate", "release", "rollback",
    "schedule", "transfer", "truncate", "withdraw", "overwrite", "terminate",
];

/// Words of everyday explanations of risky actions: a real explanation is mostly these plus the
/// action's own words.
#[rustfmt::skip]
pub(super) const EXPLAIN_WORDS: &[&str] = &[
    "action", "agent", "wants", "will", "would", "permanently", "permanent", "forever", "good",
    "gone", "lost", "lose", "data", "file", "files", "folder", "folders", "directory",
    "subfolder", "subfolders", "subdirectories", "table", "tables", "row", "rows", "record",
    "records", "database", "account", "money", "company", "customer", "customers", "user",
    "users", "server", "machine", "service", "services", "system", "everything", "every", "whole",
    "entire", "inside", "including", "contents", "recursive", "recursively", "afterwards",
    "later", "back", "undo", "undone", "restore", "restored", "recover", "recovered", "reversed",
    "reversible", "irreversible", "possible", "impossible", "way", "right", "away", "once",
    "approved", "approve", "change", "changes", "new", "old", "older", "version", "release",
    "live", "traffic", "people", "person", "access", "rights", "permissions", "team", "outside",
    "external", "message", "attachment", "attached", "copy", "history", "commits", "work",
    "remote", "local", "root", "script", "install", "code", "result", "affected", "affect",
    "date", "cutoff", "clause", "column", "status", "value", "values", "amount", "transfer",
    "payment", "funds", "bank", "iban", "reference", "invoice", "charge", "balance", "instance",
    "instances", "replicas", "offline", "environment", "production", "cluster", "namespace",
    "workload", "workloads", "secret", "secrets", "volume", "claim", "claims", "archive",
    "stream", "full", "extra", "until", "someone", "anyone", "holding", "organisation",
    "organization", "scopes", "token", "name", "named", "called", "key", "keys", "signing",
    "make", "makes", "exists", "existing", "content", "current", "running", "new", "build",
    "previous", "recipient", "address", "mail", "hands", "recalled", "single", "once", "straight",
    "directly", "immediately", "simply", "right", "euros", "euro", "dollars", "pounds", "francs",
    "eur", "usd", "gbp", "chf", "thousand", "hundred", "million", "precisely", "exactly", "total",
    "sum", "transfer", "transaction", "executed", "return", "returned", "pulled", "request",
    "pull", "branch", "origin", "overwriting", "whatever", "there", "now", "people's", "others",
    "other", "open", "opens", "readable", "writable", "executable", "machine", "full", "archive",
    "packs", "copy", "leaves", "disappear", "nobody", "anymore", "possible", "get", "gets",
    "afterward", "wrong", "goes", "something", "problem", "problems", "lost", "able", "use",
    "longer", "stays", "itself", "empty", "one", "single", "go", "out", "hands", "safe", "place",
    "take", "takes", "taking", "down", "stops", "stop", "hit", "served", "serve", "right",
    "encrypted", "encryption", "decrypt", "unreadable", "anything", "becomes", "become",
    "control", "dependencies", "repo", "repository", "commit", "pushed", "mailbox", "private",
    "domain", "spreadsheet", "document", "stored", "storage", "information", "personal",
    "sensitive", "confidential", "customers", "clients", "money", "cost", "costs", "fail",
    "failing", "broken", "break", "breaks", "outage", "downtime", "available", "unavailable",
    "forever", "permanently", "entirely", "completely", "fully", "partially", "immediately",
    "days", "hours", "minutes", "today", "tomorrow", "week", "scheduled", "pending", "window",
    "full", "owner", "admin", "role", "roles", "cluster", "namespace", "rights", "privileges",
    "password", "credential", "credentials", "login", "contractor", "vendor", "supplier",
    "employee", "employees", "salary", "salaries", "payroll", "invoice", "invoices", "tax",
    "taxes", "report", "reports", "backup", "backups", "log", "logs", "history", "git",
    // Networks and exposure.
    "internet", "online", "network", "networks", "connect", "connects", "connection",
    "connections", "reach", "reachable", "inbound", "outbound", "incoming", "outgoing", "port",
    "ports", "firewall", "ssh", "http", "https", "tls", "public", "publicly", "world",
    "everyone", "everybody", "anybody", "visitors", "internal", "vpn", "ip", "servers", "hosts",
    "load", "balancer", "endpoint", "endpoints", "api", "website", "site", "sites", "app", "apps",
    "application", "applications", "login", "log-in", "sign", "signed", "logged", "link", "links",
    "download", "downloads", "browser",
    // Devices, buildings, IoT.
    "device", "devices", "sensor", "sensors", "door", "doors", "lock", "locked", "room", "rooms",
    "building", "badge", "camera", "cameras", "recorded", "recording", "video", "alarm",
    "thermostat", "thermostats", "fleet", "firmware", "homes", "home", "walk", "enter", "inside",
    "physical",
    // Health records.
    "patient", "patients", "doctor", "doctors", "nurse", "nurses", "medical", "health", "clinical",
    "lab", "results", "prescription", "dose", "pharmacy", "drug", "medication", "hospital",
    "research",
    // Storage, time, quantity.
    "disk", "disks", "snapshot", "snapshots", "point", "month", "months", "year", "years",
    "weeks", "seconds", "ago", "newer", "latest", "older", "oldest", "more", "less", "half",
    "twice", "double", "times", "percent", "several", "many", "few", "count", "number",
    // Money and crypto.
    "wallet", "coins", "coin", "contract", "contracts", "allowance", "spend", "spender",
    "unlimited", "blockchain", "chain", "final", "irreversibly", "irreversible", "card", "cards",
    "stripe", "commission", "fee", "fees", "price", "prices", "cheaper", "expensive",
    // Messages, queues, prompts, commands.
    "queue", "queues", "messages", "replay", "replayed", "inbox", "question", "asked", "asking",
    "confirmation", "confirm", "prompt", "auto", "automatically", "command", "commands", "shell",
    "terminal", "tool", "root", "sudo", "superuser", "process", "processes", "job", "jobs",
    "turn", "turns", "turned", "switch", "switched", "setting", "settings", "config",
    "configuration", "policy", "policies", "rule", "rules", "members", "member", "group",
    "groups", "workspace", "organisation's", "org", "everything", "whole", "tree", "data",
];

#[rustfmt::skip]
pub(super) const STOPWORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "into", "onto", "over", "under", "this", "that", "these", "those", "it", "its",
    "it's", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does",
    "did", "so", "as", "if", "then", "than", "there", "their", "them", "they", "we", "our", "us",
    "you", "your", "i", "me", "my", "he", "she", "his", "her", "which", "who", "what", "when",
    "where", "why", "how", "can", "could", "should", "may", "might", "must", "shall", "also",
    "just", "only", "very", "too", "any", "some", "all", "each", "both", "after", "before",
    "about", "up", "off", "again", "here", "not", "no", "will", "would", "s", "t", "ok", "yes",
    "per", "via", "let", "lets", "after", "while", "because",
];

#[rustfmt::skip]
pub(super) const NEGATIONS: &[&str] = &[
    "not", "no", "never", "nothing", "none", "without", "cannot", "cant", "can't", "won't",
    "wont", "doesn't", "doesnt", "isn't", "isnt", "don't", "dont", "didn't", "neither", "nor",
    "nobody", "instead",
];

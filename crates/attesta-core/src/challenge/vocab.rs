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

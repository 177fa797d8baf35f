//! What a key name says its value is (a command, SQL, a secret, an amount…).

use super::*;

/// Roles a key name can give its value.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct KeyRole {
    pub(super) command: bool,
    pub(super) sql: bool,
    pub(super) maybe_sql: bool,
    pub(super) secret: bool,
    pub(super) amount: bool,
    pub(super) cents: bool,
    pub(super) count: bool,
    pub(super) bulk_flag: bool,
    pub(super) host: bool,
    pub(super) card: bool,
    pub(super) account: bool,
    pub(super) phone: bool,
    pub(super) env: bool,
    pub(super) recipients: bool,
    pub(super) currency: bool,
    pub(super) visibility: bool,
    pub(super) filter: bool,
    pub(super) private: bool,
    pub(super) grant: bool,
    pub(super) safeguard: bool,
    /// `true` skips the human confirmation step (`auto_approve`, `skip_confirmation`, `yes`).
    pub(super) unattended: bool,
    /// Where mail is forwarded to (`forward`, `forwarding_address`, `forward_to`).
    pub(super) forward: bool,
    pub(super) audience: bool,
    /// Prose about the call (`description`, `reason`): not the command an exec wrapper runs.
    pub(super) descriptive: bool,
}

pub(super) fn key_role(key: &str) -> KeyRole {
    let mut role = KeyRole::default();
    let mut prev: Option<&str> = None;
    for_each_identifier_token(key, |s, e| {
        let word = &key[s..e];
        with_lower(word, |w| {
            match w {
                "command" | "cmd" | "commands" | "code" | "script" | "shell" | "bash"
                | "cmdline" | "argv" | "exec" | "sh" => role.command = true,
                "sql" | "statement" | "statements" | "stmt" | "ddl" | "dml" => role.sql = true,
                "query" | "q" => role.maybe_sql = true,
                "password" | "passwd" | "pwd" | "passphrase" | "secret" | "token"
                | "credential" | "credentials" | "apikey" | "authorization" | "bearer"
                | "cookie" | "privatekey" | "pat" => role.secret = true,
                "key"
                    if matches!(
                        prev,
                        Some(
                            "api"
                                | "access"
                                | "secret"
                                | "private"
                                | "signing"
                                | "encryption"
                                | "master"
                                | "license"
                        )
                    ) =>
                {
                    role.secret = true
                }
                "amount" | "price" | "total" | "cost" | "fee" | "subtotal" | "payout"
                | "salary" | "budget" => role.amount = true,
                "cents" => role.cents = true,
                "limit" | "count" | "max" | "size" | "quantity" | "records" | "rows" | "num"
                | "top" | "take" | "first" | "batch" | "results" | "n" => role.count = true,
                "recursive" | "force" | "cascade" | "purge" | "permanent" | "permanently"
                | "hard" | "everything" | "bypass" | "skip" | "unsafe" | "all" | "wipe" => {
                    role.bulk_flag = true
                }
                "host" | "hostname" | "server" | "endpoint" | "url" | "uri" | "webhook"
                | "domain" | "callback" => role.host = true,
                "card" | "pan" | "cc" if prev != Some("bcc") => role.card = true,
                "account" | "acct" | "iban" | "routing" | "bsb" | "sortcode" | "aba" => {
                    role.account = true
                }
                "phone" | "mobile" | "tel" | "telephone" | "cell" | "sms" | "whatsapp" => {
                    role.phone = true
                }
                "environment" | "env" | "stage" | "cluster" | "namespace" | "context" | "tier" => {
                    role.env = true
                }
                "to" | "recipient" | "recipients" | "bcc" | "emails" | "attendees" => {
                    role.recipients = true
                }
                "currency" => role.currency = true,
                "visibility" | "public" | "acl" | "access" | "audience" | "type" | "sharing"
                | "share" => role.visibility = true,
                "private" => role.private = true,
                "role" | "roles" | "permission" | "permissions" | "policy" | "privilege"
                | "privileges" | "scope" | "scopes" | "group" | "groups" | "level" => {
                    role.grant = true
                }
                "enforce" | "require" | "required" | "protect" | "protection" | "verify"
                | "verification" | "mfa" | "encryption" | "encrypted" | "ssl" | "tls"
                | "authentication" | "logging" | "audit" | "reviews" | "checks" | "signing" => {
                    role.safeguard = true
                }
                "autoapprove" | "noconfirm" | "noninteractive" | "yes" | "assumeyes" => {
                    role.unattended = true
                }
                "approve" | "approval" if prev == Some("auto") => role.unattended = true,
                "confirm" | "confirmation" | "prompt" | "prompts" | "review" | "approval"
                    if matches!(prev, Some("skip" | "no" | "without" | "bypass")) =>
                {
                    role.unattended = true
                }
                "forward" | "forwarding" | "autoforward" => role.forward = true,
                "list" | "segment" | "channel" => role.audience = true,
                "description" | "desc" | "title" | "summary" | "reason" | "explanation"
                | "justification" | "purpose" | "comment" | "rationale" => role.descriptive = true,
                "filter" | "where" | "selector" | "criteria" | "match" | "conditions" => {
                    role.filter = true
                }
                _ => {}
            }
            prev = Some(match w {
                "api" => "api",
                "access" => "access",
                "secret" => "secret",
                "private" => "private",
                "signing" => "signing",
                "encryption" => "encryption",
                "master" => "master",
                "license" => "license",
                "auto" => "auto",
                "skip" => "skip",
                "no" => "no",
                "without" => "without",
                "bypass" => "bypass",
                _ => "",
            });
        });
    });
    role
}

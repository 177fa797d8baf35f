//! The request list behind the inbox: filters, search, sorting, a total and keyset paging.
//!
//! Paging uses an opaque cursor holding the last row's sort key, not an offset, so requests that
//! are decided (and leave the pending list) while an approver pages never make another request
//! skip a page.

use serde::Deserialize;

use crate::db::Val;

/// Longest page.
pub const MAX_LIMIT: i64 = 200;
/// Page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 50;

/// Query parameters of `GET /v1/requests`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `pending` (default), `decided`, or a verdict (`approved`, `denied`, `timed_out`, `escalated`).
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// `age` (pending: oldest first; decided: newest first) or `risk` (highest first).
    pub sort: Option<String>,
    /// Comma-separated risk levels.
    pub risk: Option<String>,
    /// Agent name.
    pub agent: Option<String>,
    /// Action (function) name.
    pub action: Option<String>,
    /// Text searched in the action name and what approvers see of it (redacted arguments,
    /// description, evidence).
    pub q: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadQuery(pub String);

/// A query turned into SQL: `WHERE` text with its parameters, the order and the page size.
pub struct Plan {
    pub filter: String,
    pub params: Vec<Val>,
    pub page_filter: Option<(String, Vec<Val>)>,
    pub order: &'static str,
    pub limit: i64,
    pub by_risk: bool,
    pub pending: bool,
}

const LEVELS: [&str; 4] = ["low", "medium", "high", "critical"];
const VERDICTS: [&str; 5] = ["approved", "denied", "timed_out", "escalated", "modified"];

/// Builds the plan. `agent_id` resolves an agent name to its identity id (unknown: no rows).
pub fn plan(q: &ListQuery, now_ms: i64, agent_id: impl Fn(&str) -> Option<String>) -> Result<Plan, BadQuery> {
    let mut clauses: Vec<String> = Vec::new();
    let mut params: Vec<Val> = Vec::new();
    let bind = |params: &mut Vec<Val>, v: Val| {
        params.push(v);
        format!("${}", params.len())
    };
    let status = q.status.as_deref().unwrap_or("pending");
    let pending = status == "pending";
    match status {
        "pending" => {
            let p = bind(&mut params, "pending".into());
            let n = bind(&mut params, Val::Int(now_ms));
            clauses.push(format!("status = {p} AND expires_at > {n}"));
        }
        "decided" => {
            let a = bind(&mut params, "pending".into());
            let b = bind(&mut params, "deciding".into());
            clauses.push(format!("status <> {a} AND status <> {b}"));
        }
        v if VERDICTS.contains(&v) => {
            let p = bind(&mut params, v.into());
            clauses.push(format!("status = {p}"));
        }
        other => {
            return Err(BadQuery(format!(
                "status is pending, decided or a verdict ({}); got `{other}`",
                VERDICTS.join(", ")
            )));
        }
    }
    if let Some(risk) = q.risk.as_deref().filter(|r| !r.trim().is_empty()) {
        let mut marks = Vec::new();
        for level in risk.split(',').map(str::trim).filter(|l| !l.is_empty()) {
            let level = level.to_ascii_lowercase();
            if !LEVELS.contains(&level.as_str()) {
                return Err(BadQuery(format!("risk levels are {}; got `{level}`", LEVELS.join(", "))));
            }
            marks.push(bind(&mut params, level.into()));
        }
        clauses.push(format!("risk_level IN ({})", marks.join(", ")));
    }
    if let Some(agent) = q.agent.as_deref().filter(|a| !a.trim().is_empty()) {
        let id = agent_id(agent.trim()).unwrap_or_default();
        let p = bind(&mut params, id.into());
        clauses.push(format!("agent_identity = {p}"));
    }
    if let Some(action) = q.action.as_deref().filter(|a| !a.trim().is_empty()) {
        let p = bind(&mut params, action.trim().into());
        clauses.push(format!("function_name = {p}"));
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        if text.chars().count() > 200 {
            return Err(BadQuery("search text is at most 200 characters".into()));
        }
        // LIKE with the wildcard characters escaped; lower() on both sides (ASCII folding in
        // SQLite, full folding in PostgreSQL: case-insensitive either way for ASCII text).
        let escaped = text
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let p = bind(&mut params, format!("%{escaped}%").into());
        clauses.push(format!(
            "(lower(function_name) LIKE {p} ESCAPE '\\' OR lower(public_json) LIKE {p} ESCAPE '\\')"
        ));
    }
    let by_risk = match q.sort.as_deref().unwrap_or("age") {
        "age" => false,
        "risk" => true,
        other => return Err(BadQuery(format!("sort is `age` or `risk`; got `{other}`"))),
    };
    let order = match (by_risk, pending) {
        (true, _) => "risk_score DESC, created_at ASC, id ASC",
        (false, true) => "created_at ASC, id ASC",
        (false, false) => "created_at DESC, id DESC",
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(BadQuery(format!("limit is 1 to {MAX_LIMIT}; got {limit}")));
    }
    let filter = clauses.join(" AND ");
    let page_filter = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(cursor) => Some(after(cursor, by_risk, pending, params.len())?),
    };
    Ok(Plan { filter, params, page_filter, order, limit, by_risk, pending })
}

/// The cursor for the row after which the next page starts.
pub fn cursor(by_risk: bool, score: f64, created_at: i64, id: &str) -> String {
    let text = if by_risk {
        format!("r|{}|{created_at}|{id}", score.to_bits())
    } else {
        format!("a|{created_at}|{id}")
    };
    hex::encode(text)
}

/// `WHERE` text selecting rows after the cursor's row in the chosen order.
fn after(cursor: &str, by_risk: bool, pending: bool, bound: usize) -> Result<(String, Vec<Val>), BadQuery> {
    let bad = || BadQuery("the cursor is not one this server gave out; start from the first page".into());
    let text = hex::decode(cursor).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(bad)?;
    let parts: Vec<&str> = text.split('|').collect();
    let n = |i: usize| format!("${}", bound + i);
    match (by_risk, parts.as_slice()) {
        (true, ["r", bits, created, id]) => {
            let score = f64::from_bits(bits.parse().map_err(|_| bad())?);
            let created: i64 = created.parse().map_err(|_| bad())?;
            Ok((
                format!(
                    "(risk_score < {s} OR (risk_score = {s} AND (created_at > {c} OR (created_at = {c} AND id > {i}))))",
                    s = n(1),
                    c = n(2),
                    i = n(3)
                ),
                vec![Val::Real(score), Val::Int(created), (*id).into()],
            ))
        }
        (false, ["a", created, id]) => {
            let created: i64 = created.parse().map_err(|_| bad())?;
            let cmp = if pending { ">" } else { "<" };
            Ok((
                format!(
                    "(created_at {cmp} {c} OR (created_at = {c} AND id {cmp} {i}))",
                    c = n(1),
                    i = n(2)
                ),
                vec![Val::Int(created), (*id).into()],
            ))
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> ListQuery {
        let mut q = ListQuery::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "status" => q.status = v,
                "sort" => q.sort = v,
                "risk" => q.risk = v,
                "q" => q.q = v,
                "cursor" => q.cursor = v,
                _ => unreachable!(),
            }
        }
        q
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        for bad in [
            q(&[("status", "maybe")]),
            q(&[("sort", "random")]),
            q(&[("risk", "high,extreme")]),
            q(&[("cursor", "zz")]),
            q(&[("cursor", &hex::encode("a|x|y"))]),
            ListQuery { limit: Some(0), ..ListQuery::default() },
            ListQuery { limit: Some(10_000), ..ListQuery::default() },
        ] {
            assert!(plan(&bad, 0, |_| None).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cursors_round_trip() {
        let c = cursor(true, 0.6400000000000001, 17, "0193-abc");
        let p = plan(&q(&[("sort", "risk"), ("cursor", &c)]), 0, |_| None).unwrap();
        let (_, params) = p.page_filter.unwrap();
        assert_eq!(params[0], Val::Real(0.6400000000000001));
        assert_eq!(params[2], Val::Text("0193-abc".into()));
    }

    #[test]
    fn search_wildcards_are_literal() {
        let p = plan(&q(&[("q", "100%_off")]), 0, |_| None).unwrap();
        assert!(p.params.contains(&Val::Text("%100\\%\\_off%".into())));
    }
}

//! The web inbox, embedded in the binary (no external assets, so the strict CSP holds).
//!
//! Pages are static HTML shells; `app.js` fills them from the JSON API with the session cookie
//! and sends the CSRF token on every state change. `charts.js` draws the audit page's charts as
//! SVG. No inline scripts or styles anywhere, so `script-src 'self'; style-src 'self'` suffices.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::http::html;

const INBOX_HTML: &str = include_str!("web/inbox.html");
const REQUEST_HTML: &str = include_str!("web/request.html");
const HISTORY_HTML: &str = include_str!("web/history.html");
const AUDIT_HTML: &str = include_str!("web/audit.html");
const APP_JS: &str = include_str!("web/app.js");
const CHARTS_JS: &str = include_str!("web/charts.js");
const PRESENT_JS: &str = include_str!("web/present.js");
const APP_CSS: &str = include_str!("web/app.css");

pub async fn inbox() -> Response {
    html(INBOX_HTML)
}

/// One request (the link notifications carry); the id is read by the script from the path.
pub async fn request_page() -> Response {
    html(REQUEST_HTML)
}

pub async fn history() -> Response {
    html(HISTORY_HTML)
}

pub async fn audit() -> Response {
    html(AUDIT_HTML)
}

pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "charts.js" => (CHARTS_JS, "text/javascript; charset=utf-8"),
        "present.js" => (PRESENT_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response
}

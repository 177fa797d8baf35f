//! The web inbox, embedded in the binary (no external assets, so the strict CSP holds).

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::http::html;

const LOGIN_HTML: &str = include_str!("web/login.html");
const INBOX_HTML: &str = include_str!("web/inbox.html");
const APP_JS: &str = include_str!("web/app.js");
const APP_CSS: &str = include_str!("web/app.css");

pub async fn login() -> Response {
    html(LOGIN_HTML)
}

pub async fn inbox() -> Response {
    html(INBOX_HTML)
}

pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response
}

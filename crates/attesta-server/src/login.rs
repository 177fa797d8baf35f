//! Signing in and out: the JSON session API, the sign-in page and its script-free form POST.
//!
//! Both ways of signing in go through [`sign_in`]: the throttle is consulted before any hash is
//! computed, the hash runs only with a slot from the global bound, and the outcome feeds the
//! throttle back.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::abuse::{Refusal, safe_next};
use crate::http::{ApiError, ApiResult, AppState, ClientKey, SESSION_COOKIE, authenticate, cookie};
use crate::identity::Identity;

const SESSION_TTL_MS: i64 = 12 * 3600 * 1000;
const LOGIN_HTML: &str = include_str!("web/login.html");

fn refusal(r: Refusal) -> ApiError {
    match r {
        Refusal::Locked(wait) => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            format!(
                "too many failed sign-ins for this name or from this address; try again in {} s",
                wait.as_secs_f64().ceil()
            ),
        )
        .retry_after(wait.as_secs_f64().ceil().max(1.0)),
        Refusal::Busy => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "too many sign-ins at once; try again in a moment",
        )
        .retry_after(1.0),
    }
}

/// Throttle, bounded hash, feedback. `Ok(None)`: wrong name or password.
async fn sign_in(
    state: &AppState,
    client: &str,
    name: &str,
    password: &str,
) -> ApiResult<Option<Identity>> {
    let guard = &state.login_guard;
    guard.check(name, client).map_err(refusal)?;
    let identity = {
        let _slot = guard.hash_slot().await.map_err(refusal)?;
        state
            .service
            .identities
            .verify_password(name, password)
            .await?
    };
    match &identity {
        Some(_) => guard.succeeded(name, client),
        None => {
            guard.failed(name, client);
        }
    }
    Ok(identity)
}

async fn session_cookie(state: &AppState, identity: &Identity) -> ApiResult<(String, String)> {
    let (secret, csrf) = state
        .service
        .identities
        .create_session(identity, SESSION_TTL_MS)
        .await?;
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        SESSION_TTL_MS / 1000
    );
    Ok((cookie, csrf))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    name: String,
    password: String,
}

/// `POST /v1/session` (JSON).
pub async fn login(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<ClientKey>,
    Json(body): Json<LoginBody>,
) -> ApiResult<Response> {
    let Some(identity) = sign_in(&state, &client.0, &body.name, &body.password).await? else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "wrong name or password",
        ));
    };
    let (cookie, csrf) = session_cookie(&state, &identity).await?;
    let mut response =
        Json(json!({ "name": identity.name, "role": identity.role, "csrf_token": csrf }))
            .into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The sign-in page with the (already safe) return path and an optional message.
fn login_page(status: StatusCode, next: &str, error: Option<&str>) -> Response {
    let error_html = match error {
        Some(e) => format!(
            "<p id=\"login-error\" class=\"error\" role=\"alert\">{}</p>",
            escape_html(e)
        ),
        None => "<p id=\"login-error\" class=\"error\" role=\"alert\" hidden></p>".to_owned(),
    };
    let body = LOGIN_HTML
        .replace("{{next}}", &escape_html(next))
        .replace("{{error}}", &error_html);
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The form's POST must carry this site's Origin (it is checked); nothing leaves the site.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`: the form, carrying where to go afterwards (only a same-origin path).
pub async fn page(Query(q): Query<NextQuery>) -> Response {
    login_page(StatusCode::OK, &safe_next(q.next.as_deref().unwrap_or("/")), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /login`: the form without JavaScript. The password travels in the body, never the URL;
/// success sets the cookie and redirects (303) to the safe return path.
pub async fn form(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<ClientKey>,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref().unwrap_or("/"));
    match sign_in(&state, &client.0, &f.name, &f.password).await {
        Ok(Some(identity)) => match session_cookie(&state, &identity).await {
            Ok((cookie, _)) => {
                let mut response = StatusCode::SEE_OTHER.into_response();
                let h = response.headers_mut();
                if let (Ok(c), Ok(l)) = (HeaderValue::from_str(&cookie), HeaderValue::from_str(&next)) {
                    h.insert(header::SET_COOKIE, c);
                    h.insert(header::LOCATION, l);
                }
                response
            }
            Err(e) => login_page(StatusCode::INTERNAL_SERVER_ERROR, &next, Some(&e.message)),
        },
        Ok(None) => login_page(StatusCode::UNAUTHORIZED, &next, Some("Wrong name or password.")),
        Err(e) => {
            let mut response = login_page(e.status, &next, Some(&e.message));
            if let Some(r) = e.retry_after_header() {
                response.headers_mut().insert(header::RETRY_AFTER, r);
            }
            response
        }
    }
}

/// `DELETE /v1/session`.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    authenticate(&state, &method, &headers).await?;
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        state.service.identities.end_session(&secret).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("attesta_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(response)
}

/// `GET /v1/me`.
pub async fn me(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let caller = authenticate(&state, &method, &headers).await?;
    let csrf = match cookie(&headers, SESSION_COOKIE) {
        Some(secret) if headers.get(header::AUTHORIZATION).is_none() => state
            .service
            .identities
            .authenticate_session(&secret)
            .await?
            .map(|(_, c)| c),
        _ => None,
    };
    Ok(Json(
        json!({ "name": caller.identity.name, "role": caller.identity.role, "csrf_token": caller_csrf(csrf) }),
    ))
}

fn caller_csrf(csrf: Option<String>) -> Value {
    csrf.map_or(Value::Null, Value::from)
}

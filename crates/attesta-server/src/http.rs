//! HTTP: routes, authentication, CSRF, Host check and security headers.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use attesta_core::ActionContext;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::identity::{Identity, Role, constant_time_eq};
use crate::service::{AnswerBody, PENDING, Service, ServiceError};
use crate::web;

pub const SESSION_COOKIE: &str = "attesta_session";
/// Longest long-poll a client may ask for.
const MAX_WAIT_SECONDS: u64 = 60;

pub struct AppState {
    pub service: Arc<Service>,
    /// Sign-in throttling and the bound on concurrent password hashes.
    pub login_guard: crate::abuse::LoginGuard,
    /// Accepted `Host` header values (lowercase `host[:port]`).
    pub allowed_hosts: HashSet<String>,
    pub secure_cookies: bool,
}

/// A JSON error: `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) retry_after: Option<f64>,
}

/// The calling client's address as the sign-in throttle counts it (set by [`guard`]).
#[derive(Debug, Clone)]
pub struct ClientKey(pub String);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
    /// Adds `Retry-After` (seconds) and `retry_after_seconds`.
    pub fn retry_after(mut self, seconds: f64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
    pub(crate) fn retry_after_header(&self) -> Option<HeaderValue> {
        self.retry_after
            .and_then(|r| HeaderValue::from_str(&format!("{}", r.ceil().max(1.0) as u64)).ok())
    }
    fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "authentication required: send `Authorization: Bearer <token>` or log in",
        )
    }
    fn forbidden(role: Role) -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this needs a {} identity", role.as_str()),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": { "code": self.code, "message": self.message } });
        if let Some(r) = self.retry_after {
            body["error"]["retry_after_seconds"] = json!(r);
        }
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(v) = self.retry_after_header() {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let message = e.to_string();
        match e {
            ServiceError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, "not_found", message),
            ServiceError::AlreadyDecided { .. } => {
                ApiError::new(StatusCode::CONFLICT, "already_decided", message)
            }
            ServiceError::TooEarly(_, remaining) => {
                let mut err = ApiError::new(StatusCode::CONFLICT, "too_early", message);
                err.retry_after = Some(remaining);
                err
            }
            ServiceError::AlreadyAnswered(_) => {
                ApiError::new(StatusCode::CONFLICT, "already_answered", message)
            }
            ServiceError::DigestMismatch(_) => {
                ApiError::new(StatusCode::CONFLICT, "digest_mismatch", message)
            }
            ServiceError::Consumed(_) => {
                ApiError::new(StatusCode::CONFLICT, "already_consumed", message)
            }
            ServiceError::NotDecided(_) => ApiError::new(StatusCode::CONFLICT, "pending", message),
            ServiceError::Invalid(_) => ApiError::new(StatusCode::BAD_REQUEST, "invalid", message),
            ServiceError::Quota { retry_after, .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "quota", message).retry_after(retry_after)
            }
            ServiceError::Contended => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "contended", message)
            }
            ServiceError::Db(_) | ServiceError::Corrupt(_) => {
                tracing::error!(error = %message, "storage");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "storage",
                    "the server could not read or write its database",
                )
            }
        }
    }
}

impl From<crate::identity::IdentityError> for ApiError {
    fn from(e: crate::identity::IdentityError) -> Self {
        tracing::error!(error = %e, "identity store");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "storage",
            "the server could not read its identity store",
        )
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Who is calling, and how.
pub(crate) struct Caller {
    pub(crate) identity: Identity,
}

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
}

/// Bearer token first, then the session cookie. A session used for anything but a read must
/// carry its CSRF token in `X-CSRF-Token`; the check runs before any state changes.
pub(crate) async fn authenticate(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
) -> ApiResult<Caller> {
    let ids = &state.service.identities;
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(bearer_token)
            .ok_or_else(ApiError::unauthorized)?;
        return match ids.authenticate_token(token).await? {
            Some(identity) => Ok(Caller { identity }),
            None => Err(ApiError::unauthorized()),
        };
    }
    let Some(secret) = cookie(headers, SESSION_COOKIE) else {
        return Err(ApiError::unauthorized());
    };
    let Some((identity, csrf)) = ids.authenticate_session(&secret).await? else {
        return Err(ApiError::unauthorized());
    };
    if method != Method::GET && method != Method::HEAD {
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if sent.is_empty() || !constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "missing or wrong X-CSRF-Token; reload the page and try again",
            ));
        }
    }
    Ok(Caller { identity })
}

/// The token of an `Authorization: Bearer …` header; the scheme is case-insensitive (RFC 9110).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, rest) = value.trim().split_once([' ', '\t'])?;
    let token = rest.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

async fn require(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    role: Role,
) -> ApiResult<Identity> {
    let caller = authenticate(state, method, headers).await?;
    if caller.identity.role != role {
        return Err(ApiError::forbidden(role));
    }
    Ok(caller.identity)
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(web::inbox))
        .route("/login", get(crate::login::page).post(crate::login::form))
        .route("/requests/{id}", get(web::request_page))
        .route("/history", get(web::history))
        .route("/audit", get(web::audit))
        .route("/static/{file}", get(web::asset))
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/v1/session", post(crate::login::login).delete(crate::login::logout))
        .route("/v1/me", get(crate::login::me))
        .route("/v1/requests", post(create).get(list))
        .route("/v1/requests/{id}", get(read))
        .route("/v1/requests/{id}/wait", get(wait))
        .route("/v1/requests/{id}/events", get(request_events))
        .route("/v1/requests/{id}/consume", post(consume))
        .route("/v1/requests/{id}/answer", post(answer))
        .route("/v1/events", get(inbox_events))
        .route("/v1/audit/stats", get(audit_stats))
        .route("/v1/audit/verify", get(audit_verify))
        .route("/v1/audit/charts", get(audit_charts))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Host check, Origin check for state changes, errors in the JSON shape, and security headers on
/// every response (refusals included).
async fn guard(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let mut response = match precheck(&state, &request) {
        Err(refused) => refused.into_response(),
        Ok(client) => {
            request.extensions_mut().insert(client);
            next.run(request).await
        }
    };
    if response.status().is_client_error() || response.status().is_server_error() {
        response = json_error(response).await;
    }
    security_headers(response.headers_mut());
    response
}

/// The Host and Origin checks; on success, the client's key for the sign-in throttle.
fn precheck(state: &AppState, request: &Request) -> Result<ClientKey, ApiError> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let host_ok = host
        .as_deref()
        .is_some_and(|h| state.allowed_hosts.contains(h));
    if !host_ok {
        // DNS rebinding: a page on another name must not reach the server through the browser.
        return Err(ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "bad_host",
            "unexpected Host header; add it to server.allowed_hosts",
        ));
    }
    if request.method() != Method::GET
        && request.method() != Method::HEAD
        && let Some(origin) = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok())
    {
        let origin_host = origin.split("://").nth(1).unwrap_or("").to_ascii_lowercase();
        if !state.allowed_hosts.contains(&origin_host) {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "bad_origin", "cross-origin request refused"));
        }
    }
    let client = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| crate::abuse::client_key(c.0.ip()));
    Ok(ClientKey(client))
}

/// Turns an error the framework produced in plain text (body too large, wrong content type,
/// unreadable query, unknown method) into `{"error": {"code", "message"}}`. HTML pages (the
/// sign-in form's refusals) and errors already in JSON pass unchanged.
async fn json_error(response: Response) -> Response {
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if kind.starts_with("application/json") || kind.starts_with("text/html") {
        return response;
    }
    let status = response.status();
    let retry = response.headers().get(header::RETRY_AFTER).cloned();
    let text = axum::body::to_bytes(response.into_body(), 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => "invalid",
        s if s.is_server_error() => "internal",
        _ => "invalid",
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    let mut out = ApiError::new(status, code, message).into_response();
    if let Some(r) = retry {
        out.headers_mut().insert(header::RETRY_AFTER, r);
    }
    out
}

fn security_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // A page may ask for `same-origin` (the sign-in page does: with `no-referrer` a browser
    // sends `Origin: null` on its form POST, which the Origin check must refuse).
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
}

async fn create(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let agent = require(&state, &method, &headers, Role::Agent).await?;
    let invalid = |message: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid", message);
    let mut fields: serde_json::Map<String, Value> = serde_json::from_slice(&body)
        .map_err(|e| invalid(format!("the body is not an ActionContext: {e}")))?;
    let callback = crate::callback::take_from_body(&mut fields).map_err(|e| invalid(e.to_string()))?;
    let session = crate::session_context::take_from_body(&mut fields).map_err(|e| invalid(e.to_string()))?;
    let ctx: ActionContext = serde_json::from_value(Value::Object(fields))
        .map_err(|e| invalid(format!("the body is not an ActionContext: {e}")))?;
    let created = state.service.create_in_session(&agent, ctx, session.as_ref()).await?;
    if let (Some(callback), Some(id)) = (callback, created["request_id"].as_str()) {
        crate::callback::register(&*state.service.db, id, &callback)
            .await
            .map_err(crate::service::ServiceError::from)?;
    }
    Ok((StatusCode::CREATED, Json(created)))
}

async fn list(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    Query(q): Query<crate::listing::ListQuery>,
) -> ApiResult<Json<Value>> {
    require(&state, &method, &headers, Role::Approver).await?;
    Ok(Json(state.service.list(&q).await?))
}

async fn read(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let caller = authenticate(&state, &method, &headers).await?;
    Ok(Json(match caller.identity.role {
        Role::Agent => state.service.agent_view(&caller.identity, &id).await?,
        Role::Approver => state.service.open(&caller.identity, &id).await?,
    }))
}

#[derive(Deserialize)]
struct WaitQuery {
    timeout: Option<f64>,
}

async fn wait(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<WaitQuery>,
) -> ApiResult<Response> {
    let agent = require(&state, &method, &headers, Role::Agent).await?;
    let timeout = Duration::from_secs_f64(
        q.timeout
            .unwrap_or(30.0)
            .clamp(0.0, MAX_WAIT_SECONDS as f64),
    );
    Ok(match state.service.wait(&agent, &id, timeout).await? {
        Some(decision) => (StatusCode::OK, Json(json!(decision))).into_response(),
        None => (
            StatusCode::ACCEPTED,
            Json(json!({ "request_id": id, "status": PENDING })),
        )
            .into_response(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsumeBody {
    action_digest: String,
}

async fn consume(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<ConsumeBody>,
) -> ApiResult<Json<Value>> {
    let agent = require(&state, &method, &headers, Role::Agent).await?;
    let decision = state
        .service
        .consume(&agent, &id, &body.action_digest)
        .await?;
    Ok(Json(json!(decision)))
}

async fn answer(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    // Authentication and the CSRF check come before the body is even parsed.
    let approver = require(&state, &method, &headers, Role::Approver).await?;
    let body: AnswerBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            format!("unreadable answer: {e}"),
        )
    })?;
    let outcome = state.service.answer(&approver, &id, body).await?;
    Ok(Json(json!(outcome)))
}

/// SSE for one request: `status` events while pending, then one `decision` event.
async fn request_events(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Sse<impl futures::Stream<Item = Result<Event, Infallible>>>> {
    let agent = require(&state, &method, &headers, Role::Agent).await?;
    let first = state.service.agent_view(&agent, &id).await?;
    let service = state.service.clone();
    let stream = futures::stream::unfold((Some(first), false), move |(first, done)| {
        let service = service.clone();
        let agent = agent.clone();
        let id = id.clone();
        async move {
            if done {
                return None;
            }
            if let Some(view) = first {
                return Some((
                    Ok(Event::default().event("status").data(view.to_string())),
                    (None, false),
                ));
            }
            match service.wait(&agent, &id, Duration::from_secs(15)).await {
                Ok(Some(decision)) => Some((
                    Ok(Event::default()
                        .event("decision")
                        .data(json!(decision).to_string())),
                    (None, true),
                )),
                Ok(None) => Some((
                    Ok(Event::default()
                        .event("status")
                        .data(json!({"request_id": id, "status": PENDING}).to_string())),
                    (None, false),
                )),
                Err(e) => Some((
                    Ok(Event::default()
                        .event("error")
                        .data(json!({"message": e.to_string()}).to_string())),
                    (None, true),
                )),
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// SSE for the inbox: a `request` event whenever a request is created, opened, answered or
/// decided (on this server), and a `pending` snapshot when the set of pending ids changes on
/// any server sharing the database.
async fn inbox_events(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Sse<impl futures::Stream<Item = Result<Event, Infallible>>>> {
    require(&state, &method, &headers, Role::Approver).await?;
    let service = state.service.clone();
    let rx = service.changes.subscribe();
    let mut pending = service.pending_watch.subscribe();
    pending.mark_unchanged();
    struct S {
        rx: tokio::sync::broadcast::Receiver<crate::service::Change>,
        pending: tokio::sync::watch::Receiver<Arc<Vec<(String, i64)>>>,
    }
    // No database access per stream: local changes come from the broadcast channel, changes made
    // through other servers from the one watcher this server runs (`Service::watch_pending`).
    let stream = futures::stream::unfold(S { rx, pending }, |mut s| async move {
        loop {
            tokio::select! {
                msg = s.rx.recv() => match msg {
                    Ok(change) => return Some((Ok(Event::default().event("request").data(json!(change).to_string())), s)),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => return None,
                },
                changed = s.pending.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                    let ids: Vec<String> = s.pending.borrow_and_update().iter().map(|(id, _)| id.clone()).collect();
                    return Some((Ok(Event::default().event("pending").data(json!({"request_ids": ids}).to_string())), s));
                }
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The approver-only audit endpoints share this: authenticate, find the log, run the blocking
/// read off the async workers, and turn any failure into one API error.
async fn audit_read<T, F>(state: &AppState, method: &Method, headers: &HeaderMap, read: F) -> ApiResult<Response>
where
    T: serde::Serialize + Send + 'static,
    F: FnOnce(std::path::PathBuf) -> Result<T, attesta::audit::AuditError> + Send + 'static,
{
    require(state, method, headers, Role::Approver).await?;
    let Some(file) = state.service.audit_file().await? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_audit",
            "auditing is disabled on this server",
        ));
    };
    let internal = |e: String| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "audit", e);
    let value = tokio::task::spawn_blocking(move || {
        let out = read(file.path.clone());
        drop(file);
        out
    })
    .await
    .map_err(|e| internal(e.to_string()))?
    .map_err(|e| internal(e.to_string()))?;
    Ok(Json(json!(value)).into_response())
}

async fn audit_stats(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    audit_read(&state, &method, &headers, |path| {
        attesta::audit::AuditReader::new(path).stats(
            &attesta::audit::AuditFilter::default(),
            &attesta::audit::RubberStampRule::default(),
        )
    })
    .await
}

async fn audit_verify(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    audit_read(&state, &method, &headers, |path| {
        // A live log may end in a line being written right now; that is not damage.
        let mut options = attesta::audit::VerifyOptions {
            checkpoint_key: None,
            checkpoint_file: None,
            active_segment_only: false,
            ignore_unterminated_tail: true,
            progress: None,
        };
        attesta::audit::verify(&path, &mut options)
    })
    .await
}

/// Series for the audit page's charts (see [`crate::charts`]).
async fn audit_charts(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    audit_read(&state, &method, &headers, |path| {
        let rule = attesta::audit::RubberStampRule::default();
        if !path.exists() {
            // No decision yet: the log is created by the first one.
            return Ok(crate::charts::fold(Vec::new(), &rule));
        }
        let reader = attesta::audit::AuditReader::new(path);
        let entries = reader.entries()?.collect::<Result<Vec<_>, _>>()?;
        Ok(crate::charts::fold(entries, &rule))
    })
    .await
}

pub fn html(body: &'static str) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(body))
        .unwrap_or_default()
}

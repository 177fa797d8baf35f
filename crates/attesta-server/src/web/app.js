// Minimal inbox: sign in, list pending requests, live updates over SSE, open one request.
// Every state-changing call sends the session's CSRF token in X-CSRF-Token.
'use strict';

let csrf = null;

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error((data && data.error && data.error.message) || ('HTTP ' + res.status));
    err.status = res.status;
    throw err;
  }
  return data;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

async function loginPage() {
  const form = document.getElementById('login-form');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = document.getElementById('login-error');
    out.hidden = true;
    try {
      await api('POST', '/v1/session', {
        name: document.getElementById('login-name').value,
        password: document.getElementById('login-password').value,
      });
      location.href = '/';
    } catch (e) {
      out.textContent = e.message;
      out.hidden = false;
    }
  });
}

async function refresh() {
  const data = await api('GET', '/v1/requests?status=pending');
  const body = document.getElementById('pending-rows');
  body.replaceChildren();
  for (const r of data.requests) {
    const tr = el('tr', undefined, 'row');
    tr.dataset.id = r.request_id;
    tr.append(el('td', r.action), el('td', r.risk_level, 'risk-' + r.risk_level), el('td', r.challenge),
      el('td', r.approvals + '/' + r.approvers_required), el('td', r.agent || ''),
      el('td', new Date(r.expires_at).toLocaleTimeString()));
    tr.addEventListener('click', () => { history.pushState(null, '', '/requests/' + r.request_id); show(r.request_id); });
    body.append(tr);
  }
}

async function show(id) {
  const section = document.getElementById('detail');
  const r = await api('GET', '/v1/requests/' + encodeURIComponent(id));
  section.replaceChildren(el('h2', r.challenge.action.action), el('pre', JSON.stringify(r.challenge, null, 2)));
  section.hidden = false;
}

async function inboxPage() {
  let me;
  try {
    me = await api('GET', '/v1/me');
  } catch (e) {
    if (e.status === 401) { location.href = '/login'; return; }
    throw e;
  }
  csrf = me.csrf_token;
  document.getElementById('me').textContent = me.name;
  document.getElementById('logout').addEventListener('click', async () => {
    await api('DELETE', '/v1/session');
    location.href = '/login';
  });
  await refresh();
  const m = location.pathname.match(/^\/requests\/([^/]+)$/);
  if (m) await show(decodeURIComponent(m[1]));
  const status = document.getElementById('live-status');
  const events = new EventSource('/v1/events');
  events.onopen = () => { status.textContent = 'live'; };
  events.onerror = () => { status.textContent = 'reconnecting…'; };
  const update = () => refresh().catch(() => {});
  events.addEventListener('request', update);
  events.addEventListener('pending', update);
}

document.addEventListener('DOMContentLoaded', () => {
  const page = document.body.dataset.page;
  (page === 'login' ? loginPage() : inboxPage()).catch((e) => {
    const p = el('p', e.message, 'error');
    document.querySelector('main').append(p);
  });
});

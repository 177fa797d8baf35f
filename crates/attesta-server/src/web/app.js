// The web inbox: sign in, pending list (live over SSE), one request with its challenge,
// history. No framework and no inline code: the strict CSP only allows this file.
// Every state-changing call sends the session's CSRF token in X-CSRF-Token; the server checks
// it before reading the body, and grades every answer itself (this page never sees answers).
'use strict';

const Attesta = (() => {
  let csrf = null;

  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
    const res = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      const info = (data && data.error) || {};
      const err = new Error(info.message || ('HTTP ' + res.status));
      err.status = res.status;
      err.code = info.code || '';
      err.retryAfter = info.retry_after_seconds;
      throw err;
    }
    return data;
  }

  // Builds an element: el('td', {class: 'x', text: 'y'}, child…). Text only via textContent,
  // so nothing the agent sent can become markup.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'class') e.className = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function showError(message) {
    const p = document.getElementById('page-error');
    if (!p) return;
    p.textContent = message;
    p.hidden = !message;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) return '–';
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60 ? (s % 60) + ' s' : '');
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  function when(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  function riskBadge(level, score) {
    const text = score === undefined ? level : level + ' ' + Number(score).toFixed(2);
    return el('span', { class: 'badge risk-' + level, text });
  }

  function verdictBadge(verdict) {
    return el('span', { class: 'badge verdict-' + verdict, text: verdict.replace('_', ' ') });
  }

  function label(s) {
    return String(s || '').replace(/_/g, ' ');
  }

  // Signed in? Returns the identity, or sends the browser to the login page.
  async function session() {
    try {
      const me = await api('GET', '/v1/me');
      csrf = me.csrf_token;
      const name = document.getElementById('me');
      if (name) name.textContent = me.name;
      return me;
    } catch (e) {
      if (e.status === 401) {
        location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
        return null;
      }
      throw e;
    }
  }

  function chrome(page) {
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === page) a.setAttribute('aria-current', 'page');
    }
    const out = document.getElementById('logout');
    if (out) {
      out.addEventListener('click', async () => {
        try { await api('DELETE', '/v1/session'); } catch (e) { /* expired already */ }
        location.href = '/login';
      });
    }
  }

  // One EventSource for the inbox stream; `onChange` runs (debounced) on every event.
  function live(onChange, statusEl, dotEl) {
    let timer = null;
    const fire = (ev) => {
      let data = null;
      try { data = JSON.parse(ev.data); } catch (e) { /* keep null */ }
      clearTimeout(timer);
      timer = setTimeout(() => onChange(data), 20);
    };
    const source = new EventSource('/v1/events');
    source.onopen = () => {
      if (statusEl) statusEl.textContent = 'Live: new requests appear here automatically.';
      if (dotEl) dotEl.className = 'dot on';
      onChange(null);
    };
    source.onerror = () => {
      if (statusEl) statusEl.textContent = 'Connection lost, reconnecting…';
      if (dotEl) dotEl.className = 'dot off';
    };
    source.addEventListener('request', fire);
    source.addEventListener('pending', fire);
    return source;
  }

  // A same-origin path or '/': resolved by the browser's own URL parser, so whatever it would
  // strip or rewrite (tabs, newlines, backslashes, `//host`, schemes) is judged as it will be read.
  function sameOriginPath(raw) {
    try {
      const url = new URL(String(raw || '/'), location.origin);
      if (url.origin !== location.origin) return '/';
      return url.pathname + url.search + url.hash;
    } catch (e) {
      return '/';
    }
  }

  return { api, el, showError, duration, when, riskBadge, verdictBadge, label, session, chrome, live, sameOriginPath };
})();

// ---------------------------------------------------------------------------------------------
// Login

async function loginPage() {
  const form = document.getElementById('login-form');
  const out = document.getElementById('login-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.hidden = true;
    const button = document.getElementById('login-submit');
    button.disabled = true;
    try {
      await Attesta.api('POST', '/v1/session', {
        name: document.getElementById('login-name').value,
        password: document.getElementById('login-password').value,
      });
      // The server already reduced `next` to a same-origin path; check again the way the
      // browser will read it (tabs and newlines dropped, `\` as `/`) before following it.
      location.href = Attesta.sameOriginPath(document.getElementById('login-next').value);
    } catch (e) {
      out.textContent = e.status === 401 ? 'Wrong name or password.' : e.message;
      out.hidden = false;
      button.disabled = false;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Pending list

async function inboxPage() {
  const { api, el, riskBadge, duration, label } = Attesta;
  const F = AttestaFormat;
  if (!await Attesta.session()) return;
  Attesta.chrome('inbox');
  const list = document.getElementById('pending-list');
  const empty = document.getElementById('pending-empty');
  const totalEl = document.getElementById('pending-total');
  const pageInfo = document.getElementById('page-info');
  const nextBtn = document.getElementById('next-page');
  const firstBtn = document.getElementById('first-page');
  const bulkBtn = document.getElementById('bulk-deny');
  const bulkReason = document.getElementById('bulk-reason');
  const bulkResult = document.getElementById('bulk-result');
  const selectAll = document.getElementById('select-all');
  const seen = new Set();
  const selected = new Set();
  const PAGE = 25;
  let first = true;
  let items = [];
  let cursors = [null];   // cursor of each page shown so far (null: the first page)
  let nextCursor = null;
  let focusIndex = -1;
  let urgent = 0;

  function query(cursor) {
    const p = new URLSearchParams({ status: 'pending', limit: String(PAGE) });
    for (const id of ['q', 'risk', 'agent', 'action', 'sort']) {
      const v = document.getElementById('f-' + id).value.trim();
      if (v) p.set(id, v);
    }
    if (cursor) p.set('cursor', cursor);
    return '/v1/requests?' + p.toString();
  }

  function tick() {
    const now = Date.now();
    for (const li of list.children) {
      const r = items.find((i) => i.request_id === li.dataset.id);
      if (!r) continue;
      li.querySelector('.waiting').textContent = 'waiting ' + duration((now - Date.parse(r.created_at)) / 1000);
      li.querySelector('.expires').textContent = (r.fail_mode === 'allow' ? 'auto-approves in ' : 'expires in ') + duration((Date.parse(r.expires_at) - now) / 1000);
    }
  }

  function row(r, index) {
    const href = '/requests/' + encodeURIComponent(r.request_id);
    const box = el('input', { type: 'checkbox', class: 'pick', 'aria-label': 'Select ' + r.action, checked: selected.has(r.request_id) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(r.request_id); else selected.delete(r.request_id);
      syncBulk();
    });
    const line = F.summary(r.action, r.arguments, r.environment);
    const marks = F.mixedScripts(JSON.stringify(r.arguments || {}) + ' ' + (r.agent_reason || ''));
    const li = el('li', { class: 'req risk-row-' + r.risk_level, dataset: { id: r.request_id, risk: r.risk_level, index: String(index) } },
      el('div', { class: 'pick-cell' }, box),
      el('div', { class: 'main-cell' },
        el('p', { class: 'summary' }, riskBadge(r.risk_level, r.risk_score), ' ', el('a', { href, class: 'action', text: line })),
        el('p', { class: 'raw muted' }, el('code', { class: 'fn', text: F.visible(r.action) }), ' · ',
          el('span', { class: 'challenge', text: label(r.challenge) }), ' · approvals ',
          el('span', { class: 'approvals', text: r.approvals + ' / ' + r.approvers_required }), ' · agent ',
          el('span', { class: 'agent', text: r.agent || '–' })),
        r.agent_reason ? el('p', { class: 'claim' }, el('span', { class: 'claim-label', text: 'Agent says (unverified): ' }), F.visible(r.agent_reason)) : null,
        marks.length ? el('p', { class: 'warn confusable', text: 'Look-alike letters: ' + marks.map((m) => '“' + m.word + '” mixes ' + m.scripts.join(' and ')).join('; ') }) : null,
        el('p', { class: 'times' }, el('span', { class: 'waiting' }), ' · ', el('span', { class: 'expires' }))));
    li.addEventListener('click', (ev) => {
      if (ev.target.closest('a, input')) return;
      setFocus(index);
    });
    if (!first && !seen.has(r.request_id)) li.classList.add('new');
    return li;
  }

  function syncBulk() {
    bulkBtn.disabled = selected.size === 0;
    bulkBtn.textContent = selected.size ? 'Deny selected (' + selected.size + ')' : 'Deny selected';
    selectAll.checked = items.length > 0 && items.every((r) => selected.has(r.request_id));
  }

  function setFocus(i) {
    const rows = [...list.children];
    if (!rows.length) { focusIndex = -1; return; }
    focusIndex = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((li, j) => li.classList.toggle('focused', j === focusIndex));
    rows[focusIndex].setAttribute('tabindex', '-1');
    rows[focusIndex].focus({ preventScroll: false });
  }

  function notifyNew(fresh) {
    if (first) return;
    const worrying = fresh.filter((r) => (r.risk_level === 'high' || r.risk_level === 'critical') && !seen.has(r.request_id));
    if (!worrying.length || !('Notification' in window) || Notification.permission !== 'granted') return;
    for (const r of worrying) {
      try {
        new Notification('Approval needed: ' + r.risk_level + ' risk', { body: F.summary(r.action, r.arguments, r.environment), tag: r.request_id });
      } catch (e) { /* notifications unavailable */ }
    }
  }

  async function badge() {
    // The tab title counts pending high and critical requests, whatever the filters.
    const data = await api('GET', '/v1/requests?status=pending&risk=high,critical&limit=1');
    urgent = data.total;
    document.title = (urgent ? '(' + urgent + ') ' : '') + 'Pending approvals — Attesta';
  }

  async function refresh() {
    const cursor = cursors[cursors.length - 1];
    const data = await api('GET', query(cursor));
    items = data.requests;
    nextCursor = data.next_cursor;
    notifyNew(items);
    const keep = list.children[focusIndex] && list.children[focusIndex].dataset.id;
    list.replaceChildren(...items.map(row));
    for (const r of items) seen.add(r.request_id);
    totalEl.textContent = '(' + data.total + ')';
    const start = (cursors.length - 1) * PAGE;
    pageInfo.textContent = items.length ? (start + 1) + '–' + (start + items.length) + ' of ' + data.total : '';
    nextBtn.disabled = !nextCursor;
    firstBtn.disabled = cursors.length === 1;
    empty.hidden = items.length > 0;
    for (const id of [...selected]) if (!items.some((r) => r.request_id === id)) selected.delete(id);
    syncBulk();
    first = false;
    const again = items.findIndex((r) => r.request_id === keep);
    if (again >= 0) setFocusQuiet(again);
    tick();
    await badge();
  }

  function setFocusQuiet(i) {
    focusIndex = i;
    [...list.children].forEach((li, j) => li.classList.toggle('focused', j === i));
  }

  nextBtn.addEventListener('click', () => { if (nextCursor) { cursors.push(nextCursor); refresh().catch(fail); } });
  firstBtn.addEventListener('click', () => { cursors = [null]; refresh().catch(fail); });
  let debounce = null;
  document.getElementById('filters').addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { cursors = [null]; refresh().catch(fail); }, 200);
  });
  document.getElementById('filters').addEventListener('submit', (ev) => ev.preventDefault());
  selectAll.addEventListener('change', () => {
    for (const r of items) { if (selectAll.checked) selected.add(r.request_id); else selected.delete(r.request_id); }
    for (const box of list.querySelectorAll('input.pick')) box.checked = selectAll.checked;
    syncBulk();
  });
  bulkBtn.addEventListener('click', async () => {
    const reason = bulkReason.value.trim();
    if (!reason) { bulkResult.textContent = 'Say why you deny them.'; bulkReason.focus(); return; }
    bulkBtn.disabled = true;
    let denied = 0;
    const failed = [];
    for (const id of [...selected]) {
      try {
        await api('POST', '/v1/requests/' + encodeURIComponent(id) + '/answer', { decision: 'deny', reason });
        denied += 1;
        selected.delete(id);
      } catch (e) {
        failed.push(e.message);
        selected.delete(id);
      }
    }
    bulkResult.textContent = 'Denied ' + denied + '.' + (failed.length ? ' Not denied: ' + failed.length + ' (' + failed[0] + ')' : '');
    await refresh().catch(fail);
  });

  const help = document.getElementById('shortcuts');
  document.getElementById('help').addEventListener('click', () => help.showModal());
  const notify = document.getElementById('notify');
  if ('Notification' in window && Notification.permission !== 'granted') {
    notify.hidden = Notification.permission === 'denied';
    notify.addEventListener('click', async () => {
      const answer = await Notification.requestPermission();
      notify.hidden = answer === 'granted' || answer === 'denied';
    });
  }
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const typing = ev.target.closest && ev.target.closest('input, textarea, select');
    if (typing) {
      if (ev.key === 'Escape') ev.target.blur();
      return;
    }
    const current = items[focusIndex];
    switch (ev.key) {
      case 'j': setFocus(focusIndex + 1); break;
      case 'k': setFocus(focusIndex <= 0 ? 0 : focusIndex - 1); break;
      case 'o': case 'Enter': case 'a':
        if (current) location.href = '/requests/' + encodeURIComponent(current.request_id) + (ev.key === 'a' ? '#answer' : '');
        break;
      case 'x': case 'd':
        if (!current) break;
        if (ev.key === 'd' || !selected.has(current.request_id)) selected.add(current.request_id); else selected.delete(current.request_id);
        list.children[focusIndex].querySelector('input.pick').checked = selected.has(current.request_id);
        syncBulk();
        if (ev.key === 'd') bulkReason.focus();
        break;
      case '/': document.getElementById('f-q').focus(); break;
      case '?': if (help.open) help.close(); else help.showModal(); break;
      default: return;
    }
    ev.preventDefault();
  });

  const fail = (e) => Attesta.showError(e.message);
  await refresh();
  setInterval(tick, 1000);
  Attesta.live(() => refresh().catch(fail),
    document.getElementById('live-status'), document.getElementById('live-dot'));
}

// ---------------------------------------------------------------------------------------------
// History

async function historyPage() {
  const { api, el, riskBadge, verdictBadge, when, label } = Attesta;
  if (!await Attesta.session()) return;
  Attesta.chrome('history');
  const rows = document.getElementById('history-rows');
  const refresh = async () => {
    const data = await api('GET', '/v1/requests?status=decided&limit=200');
    rows.replaceChildren(...data.requests.map((r) => el('tr', { class: 'row', dataset: { id: r.request_id } },
      el('td', { text: when(r.decided_at) }),
      el('td', {}, el('a', { href: '/requests/' + encodeURIComponent(r.request_id), text: r.action, class: 'action' })),
      el('td', {}, riskBadge(r.risk_level, r.risk_score)),
      el('td', { text: label(r.challenge) }),
      el('td', {}, verdictBadge(r.status)),
      el('td', { text: r.approvals + ' / ' + r.approvers_required }),
      el('td', { text: r.agent || '–' }))));
    document.getElementById('history-empty').hidden = data.requests.length > 0;
    document.getElementById('history').hidden = data.requests.length === 0;
  };
  await refresh();
  Attesta.live((change) => {
    if (!change || (change.status && change.status !== 'pending')) refresh().catch(() => {});
  });
}

// ---------------------------------------------------------------------------------------------
// One request

async function requestPage() {
  const { api, el, riskBadge, verdictBadge, when, duration, label } = Attesta;
  if (!await Attesta.session()) return;
  Attesta.chrome('');
  const m = location.pathname.match(/^\/requests\/([^/]+)$/);
  const id = m ? decodeURIComponent(m[1]) : '';
  const root = document.getElementById('request');
  let current = null;     // last response of GET /v1/requests/{id}
  let deadline = 0;       // performance.now() when the minimum review time is over
  let countdown = null;
  let busy = false;

  function factorsTable(factors) {
    if (!factors || !factors.length) return el('p', { class: 'muted', text: 'No risk factors recorded.' });
    return el('div', { class: 'scroll' }, el('table', { class: 'factors' },
      el('caption', { text: 'What made this action risky' }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: 'Factor' }), el('th', { scope: 'col', text: 'Score' }),
        el('th', { scope: 'col', text: 'Weight' }), el('th', { scope: 'col', text: 'Evidence' }))),
      el('tbody', {}, factors.map((f) => el('tr', {},
        el('th', { scope: 'row', text: label(f.name) }),
        el('td', { class: 'num' }, meter(f.score), ' ', Number(f.score).toFixed(2)),
        el('td', { class: 'num', text: f.weight === undefined ? '–' : Number(f.weight).toFixed(2) }),
        el('td', { class: 'evidence', text: f.evidence || '' }))))));
  }

  function meter(value) {
    const m = el('meter', { min: 0, max: 1, low: 0.3, high: 0.6, optimum: 0, value: Math.max(0, Math.min(1, Number(value) || 0)) });
    m.setAttribute('aria-hidden', 'true');
    return m;
  }

  function decisionPanel(d) {
    const c = d.challenge || {};
    const items = [
      ['Verdict', verdictBadge(d.verdict)],
      ['Reason', d.reason],
      ['Approvers', (d.approvers || []).join(', ') || '–'],
      ['Decided', when(d.decided_at)],
    ];
    if (c.questions_asked) items.push(['Quiz', c.questions_correct + ' of ' + c.questions_asked + ' answered correctly']);
    if (d.audit_entry_id) items.push(['Audit entry', el('code', { text: d.audit_entry_id })]);
    return el('section', { id: 'decision', class: 'decision verdict-box-' + d.verdict, 'aria-live': 'polite' },
      el('h2', { text: d.verdict === 'approved' ? 'Approved' : 'Not approved' }),
      el('dl', {}, items.map(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)])));
  }

  function approvalsList(r) {
    if (r.approvers_required < 2) return null;
    return el('section', { class: 'approvals' },
      el('h2', { text: 'Approvals ' + r.approvals.length + ' of ' + r.approvers_required }),
      r.approvals.length
        ? el('ol', {}, r.approvals.map((a) => el('li', {},
          el('span', { text: a.approver + ' at ' + when(a.at) }),
          a.explanation ? el('blockquote', { class: 'explanation' },
            el('p', { class: 'claim-label', text: a.approver + ' explained:' }), el('p', { text: AttestaFormat.visible(a.explanation) })) : null)))
        : el('p', { class: 'muted', text: 'Nobody has approved yet. Each approver must be a different person.' }));
  }

  // Key, raw value and (when it helps) a readable form of each argument.
  function argumentsTable(args) {
    const F = AttestaFormat;
    const rows = [];
    (args.args || []).forEach((v, i) => rows.push(['#' + (i + 1), v]));
    for (const [k, v] of Object.entries(args.kwargs || {})) rows.push([k, v]);
    if (!rows.length) return el('p', { class: 'muted', text: 'No arguments.' });
    return el('table', { class: 'args', id: 'arguments-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Argument' }), el('th', { scope: 'col', text: 'Value as sent' }), el('th', { scope: 'col', text: 'Read as' }))),
      el('tbody', {}, rows.map(([k, v]) => {
        const raw = typeof v === 'string' ? v : JSON.stringify(v);
        const nice = F.formatted(k, v);
        const marks = F.mixedScripts(raw);
        return el('tr', {},
          el('th', { scope: 'row' }, el('code', { text: F.visible(k) })),
          el('td', { class: 'raw-value' }, el('code', { text: F.visible(raw) })),
          el('td', { class: 'nice-value' }, nice === null ? '' : nice,
            marks.length ? el('span', { class: 'warn confusable', text: ' look-alike letters: ' + marks.map((m) => m.word + ' mixes ' + m.scripts.join(' and ')).join('; ') }) : null));
      })));
  }

  // What happens if nobody answers in time; `allow` is said loudly.
  function expiryNote(r) {
    const at = when(r.expires_at);
    if (r.fail_mode === 'allow') {
      return el('p', { id: 'expiry', class: 'warn expiry-allow', role: 'note', text: 'If nobody answers by ' + at + ', this action is APPROVED automatically (server policy fail_mode: allow). Deny it if in doubt.' });
    }
    if (r.fail_mode === 'escalate') {
      return el('p', { id: 'expiry', class: 'note', text: 'If nobody answers by ' + at + ', it is not approved and is escalated (fail_mode: escalate).' });
    }
    return el('p', { id: 'expiry', class: 'note', text: 'If nobody answers by ' + at + ', it is denied (fail_mode: deny).' });
  }

  // The form for the challenge this approver answers now.
  function challengeForm(step, r) {
    const body = step.body;
    const form = el('form', { id: 'answer-form', class: 'challenge', novalidate: true });
    const submit = el('button', { type: 'submit', id: 'answer-submit', class: 'primary', disabled: true });
    const wait = el('p', { id: 'countdown', class: 'countdown', role: 'timer', 'aria-live': 'polite' });
    const result = el('p', { id: 'answer-result', role: 'alert', hidden: true });
    let collect;
    if (step.notes && step.notes.length) form.append(...step.notes.map((n) => el('p', { class: 'note', text: n })));
    if (r.approvers_required > 1) {
      form.append(el('p', { class: 'muted', text: 'You are approver ' + (r.step_index + 1) + ' of ' + r.approvers_required + '; your part is a ' + label(step.challenge_type) + '.' }));
    }
    if (body.kind === 'confirm') {
      form.append(el('p', { text: 'Read the action, its arguments and the risk factors above, then confirm.' }));
      submit.textContent = 'Confirm and approve';
      collect = () => ({ kind: 'confirm', answer: 'y' });
    } else if (body.kind === 'quiz') {
      form.append(el('p', { text: 'Answer from what the action really does (' + body.required_correct + ' of ' + body.questions.length + ' must be right). A wrong answer denies the request.' }));
      body.questions.forEach((q, i) => {
        const name = 'q' + i;
        if (q.format.type === 'multiple_choice') {
          form.append(el('fieldset', { class: 'question', dataset: { topic: q.topic } },
            el('legend', { text: (i + 1) + '. ' + q.prompt }),
            q.format.options.map((o, j) => el('label', { class: 'option' },
              el('input', { type: 'radio', name, value: String.fromCharCode(97 + j), required: true }),
              ' ', el('span', { class: 'letter', text: String.fromCharCode(97 + j) + ')' }), ' ', el('span', { class: 'value', text: o })))));
        } else {
          const input = el('input', { type: 'text', name, id: 'q-' + i, autocomplete: 'off', spellcheck: 'false', required: true });
          form.append(el('div', { class: 'question', dataset: { topic: q.topic } },
            el('label', { for: 'q-' + i, text: (i + 1) + '. ' + q.prompt }), input,
            el('p', { class: 'hint', text: q.format.hint })));
        }
      });
      submit.textContent = 'Submit answers';
      collect = () => ({
        kind: 'quiz',
        answer: body.questions.map((q, i) => {
          const name = 'q' + i;
          if (q.format.type === 'multiple_choice') {
            const picked = form.querySelector('input[name="' + name + '"]:checked');
            return picked ? picked.value : '';
          }
          return form.querySelector('input[name="' + name + '"]').value;
        }),
      });
    } else if (body.kind === 'teach_back') {
      const area = el('textarea', { id: 'teach-back', name: 'explanation', rows: 5, required: true, 'aria-describedby': 'teach-back-help' });
      const count = el('p', { id: 'teach-back-help', class: 'hint' });
      const update = () => {
        const n = area.value.trim().split(/\s+/).filter(Boolean).length;
        count.textContent = n + ' of at least ' + body.min_words + ' words. Name at least ' + body.min_key_terms + ' key terms: what it acts on, what it does, how much.';
      };
      area.addEventListener('input', update);
      update();
      form.append(el('p', { text: body.instruction }), el('label', { for: 'teach-back', text: 'Your explanation' }), area, count);
      submit.textContent = 'Submit explanation';
      collect = () => ({ kind: 'teach_back', answer: area.value });
    } else {
      form.append(el('p', { class: 'error', text: 'This challenge (' + body.kind + ') cannot be answered here.' }));
      return form;
    }
    form.append(wait, el('div', { class: 'actions' }, submit), result);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (busy || submit.disabled) return;
      const response = collect();
      // A failed answer denies the request, so obvious slips are caught before sending.
      let slip = null;
      if (response.kind === 'quiz' && response.answer.some((a) => !a.trim())) slip = 'Answer every question first.';
      if (response.kind === 'teach_back' && response.answer.trim().split(/\s+/).filter(Boolean).length < body.min_words) {
        slip = 'Write at least ' + body.min_words + ' words; a shorter explanation would deny the request.';
      }
      if (slip) {
        result.textContent = slip;
        result.className = 'error';
        result.hidden = false;
        return;
      }
      await send({ action_digest: r.action_digest, response }, result);
    });
    return form;
  }

  // `withdraw`: an approver who already approved a step may still stop the action until it
  // is decided.
  function denyForm(r, withdraw) {
    const reason = el('textarea', { id: 'deny-reason', name: 'reason', rows: 2, required: true });
    const out = el('p', { id: 'deny-result', role: 'alert', hidden: true });
    const form = el('form', { id: 'deny-form', class: 'deny', novalidate: true },
      el('h2', { text: withdraw ? 'Withdraw your approval' : 'Deny' }),
      el('label', { for: 'deny-reason', text: 'Reason (recorded in the audit log and sent to the agent)' }), reason,
      el('div', { class: 'actions' }, el('button', {
        type: 'submit', id: 'deny-submit', class: 'danger',
        text: withdraw ? 'Withdraw and deny this action' : 'Deny this action',
      })),
      out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!reason.value.trim()) {
        out.textContent = 'Say why you deny it.';
        out.className = 'error';
        out.hidden = false;
        reason.focus();
        return;
      }
      await send({ action_digest: r.action_digest, decision: 'deny', reason: reason.value.trim() }, out);
    });
    return form;
  }

  async function send(body, out) {
    busy = true;
    for (const b of root.querySelectorAll('button')) b.disabled = true;
    try {
      const res = await api('POST', '/v1/requests/' + encodeURIComponent(id) + '/answer', body);
      if (res.result === 'recorded') {
        out.textContent = 'Your approval is recorded. ' + (res.approvers_required - res.approvals) + ' more approver(s) needed.';
        out.className = 'ok';
        out.hidden = false;
      }
      await load();
      // Take the approver (and a screen reader) to the outcome, wherever they clicked.
      const outcome = document.getElementById('decision') || document.getElementById('waiting');
      if (outcome) {
        outcome.setAttribute('tabindex', '-1');
        outcome.focus();
      }
    } catch (e) {
      out.textContent = e.message;
      out.className = 'error';
      out.hidden = false;
      if (e.code === 'too_early') {
        startCountdown(Number(e.retryAfter) || 1);
      } else if (e.code === 'already_decided' || e.code === 'already_answered' || /another approver answered first/.test(e.message)) {
        // The request moved on under this page: show where it is now, and why.
        await load();
        const now = document.getElementById('answer-result') || document.getElementById('deny-result');
        if (now) {
          now.textContent = e.message;
          now.className = 'error';
          now.hidden = false;
        }
      } else {
        for (const b of root.querySelectorAll('button')) b.disabled = false;
        startCountdown(0);
      }
    } finally {
      busy = false;
    }
  }

  // The answer button stays disabled until the server's minimum review time has passed
  // (the server refuses early answers anyway; this just says how long to wait).
  function startCountdown(remaining) {
    deadline = performance.now() + Math.max(0, remaining) * 1000;
    clearInterval(countdown);
    const step = () => {
      const submit = document.getElementById('answer-submit');
      const wait = document.getElementById('countdown');
      if (!submit || !wait) { clearInterval(countdown); return; }
      const left = Math.ceil((deadline - performance.now()) / 1000);
      if (left > 0) {
        submit.disabled = true;
        wait.textContent = 'Minimum review time: you can answer in ' + left + ' s.';
        wait.dataset.remaining = String(left);
      } else {
        submit.disabled = busy;
        wait.textContent = 'Minimum review time reached.';
        wait.dataset.remaining = '0';
        clearInterval(countdown);
      }
    };
    step();
    countdown = setInterval(step, 250);
  }

  function render(r) {
    const c = r.challenge;
    const a = c.action;
    const pending = r.status === 'pending';
    document.title = a.action + ' — Attesta';
    const parts = [
      el('header', { class: 'request-head' },
        el('p', { id: 'summary', class: 'summary big', text: AttestaFormat.summary(a.action, a.arguments, a.environment) }),
        el('h1', {}, el('code', { text: AttestaFormat.visible(a.action) })),
        el('p', { class: 'meta' }, riskBadge(a.risk_level, a.risk_score), ' ',
          pending ? el('span', { class: 'badge status-pending', text: 'pending' }) : verdictBadge(r.status), ' ',
          el('span', { text: label(c.challenge_type) + (r.approvers_required > 1 ? ' · ' + r.approvers_required + ' approvers' : '') }))),
      el('dl', { class: 'facts' },
        el('dt', { text: 'Agent' }), el('dd', { text: r.agent || '–' }),
        a.environment ? [el('dt', { text: 'Environment' }), el('dd', { text: a.environment })] : null,
        el('dt', { text: 'Requested' }), el('dd', { text: when(r.created_at) }),
        pending ? [el('dt', { text: 'Expires' }), el('dd', { text: when(r.expires_at) })] : null,
        el('dt', { text: 'Action digest' }), el('dd', {}, el('code', { class: 'digest', title: r.action_digest, text: r.action_digest.slice(0, 16) + '…' }))),
      pending ? expiryNote(r) : null,
      r.agent_reason ? el('section', { class: 'claim', id: 'agent-reason' }, el('h2', { text: 'Why, according to the agent' }),
        el('p', { class: 'claim-label', text: 'The agent\'s own claim, not verified by Attesta:' }), el('p', { text: AttestaFormat.visible(r.agent_reason) })) : null,
      a.description ? el('section', { class: 'description' }, el('h2', { text: 'Description' }),
        el('p', { class: 'claim-label', text: 'As the agent describes the tool (a claim):' }), el('p', { text: AttestaFormat.visible(a.description) })) : null,
      el('section', {}, el('h2', { text: 'Arguments' }),
        argumentsTable(a.arguments),
        el('details', {}, el('summary', { text: 'Raw JSON' }),
          el('pre', { id: 'arguments', class: 'arguments', tabindex: 0, 'aria-label': 'Arguments (secrets redacted)' }, AttestaFormat.visible(JSON.stringify(a.arguments, null, 2)))),
        el('p', { class: 'hint', text: 'Secrets found in the arguments are shown as [REDACTED:kind]; invisible characters as ⟨U+…⟩.' })),
      el('section', {}, el('h2', { text: 'Risk' }), factorsTable(a.factors)),
      approvalsList(r),
    ];
    if (r.decision) {
      parts.splice(1, 0, decisionPanel(r.decision));
    } else if (pending && r.already_answered) {
      parts.push(el('section', { id: 'waiting', class: 'notice' }, el('h2', { text: 'You have approved' }),
        el('p', { text: 'Waiting for ' + (r.approvers_required - r.approvals.length) + ' more approver(s); they must be different people.' })));
      parts.push(denyForm(r, true));
    } else if (pending && r.your_step) {
      parts.push(el('section', { class: 'answer', id: 'answer' }, el('h2', { text: 'Your challenge' }), challengeForm(r.your_step, r)));
      parts.push(denyForm(r));
    }
    root.replaceChildren(...parts.filter(Boolean));
    root.setAttribute('aria-busy', 'false');
    root.dataset.status = r.status;
    if (pending && r.your_step && !r.already_answered) startCountdown(r.review_remaining_seconds || 0);
    if (location.hash === '#answer' && document.getElementById('answer')) {
      const target = document.querySelector('#answer input, #answer textarea, #answer button');
      if (target) target.focus();
    }
  }

  async function load() {
    const r = await api('GET', '/v1/requests/' + encodeURIComponent(id));
    current = r;
    render(r);
  }

  try {
    await load();
  } catch (e) {
    root.replaceChildren(el('p', { class: 'error', text: e.status === 404 ? 'No such request.' : e.message }));
    return;
  }
  // Another approver may answer, or the request may expire: re-render on a change, but never
  // throw away what this approver is typing for a change that does not concern them.
  Attesta.live(async (change) => {
    if (busy || !current) return;
    if (change && change.request_id && change.request_id !== id) return;
    try {
      const r = await api('GET', '/v1/requests/' + encodeURIComponent(id));
      const changed = r.status !== current.status || r.approvals.length !== current.approvals.length
        || r.already_answered !== current.already_answered;
      current = r;
      if (changed) render(r);
    } catch (e) { /* keep the page as it is */ }
  });
}

document.addEventListener('DOMContentLoaded', () => {
  const pages = { login: loginPage, inbox: inboxPage, request: requestPage, history: historyPage };
  const page = document.body.dataset.page;
  const run = pages[page] || (window.auditPage ? () => window.auditPage(Attesta) : null);
  if (!run) return;
  run().catch((e) => {
    Attesta.showError(e.message);
    const main = document.querySelector('main');
    if (main && !document.getElementById('page-error')) main.append(Attesta.el('p', { class: 'error', text: e.message }));
  });
});

// A real approval server (`attesta serve`) on a free loopback port with a temporary SQLite
// database, and an approver that answers through the JSON API (docs/api.md).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestaBin, cli } from './helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startServer(t, dir) {
  // The server's own policy: low/medium/high ask for a confirm, 1 s minimum review.
  writeFileSync(join(dir, 'attesta.yaml'),
    'policy:\n  challenge_map: {low: auto_approve, medium: confirm, high: confirm}\n' +
    '  minimum_review_seconds: {low: 0, medium: 1, high: 1, critical: 1}\n  timeout_seconds: 120\n' +
    'trust:\n  enabled: false\n');
  const db = join(dir, 'server.db');
  const env = { ...process.env, NO_COLOR: '1' };
  const token = (role, name) => {
    const out = cli(['serve', '--db', db, role, name], { cwd: dir, env });
    if (out.status !== 0) throw new Error(`attesta serve ${role} failed: ${out.stderr}`);
    return out.stdout.trim();
  };
  const agentToken = token('add-agent', 'node-bot');
  const approverToken = token('add-approver', 'alice');
  const child = spawn(attestaBin(), ['serve', '--listen', '127.0.0.1:0', '--db', db], {
    cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.after(() => child.kill('SIGTERM'));
  const url = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`attesta serve did not report its address: ${buffer}`)), 30_000);
    child.stderr.on('data', (d) => {
      buffer += d;
      const m = buffer.match(/(http:\/\/[^\s]+)\s/); // whole word only: output may arrive in pieces
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/+$/, '')); }
    });
    child.on('exit', (code) => reject(new Error(`attesta serve exited ${code}: ${buffer}`)));
  });
  child.stderr.resume();
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not up yet */ }
    if (i > 200) throw new Error('attesta serve never became healthy');
    await sleep(100);
  }
  const api = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${approverToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const waitPending = async (action) => {
    for (let i = 0; i < 600; i++) {
      const { body } = await api('GET', '/v1/requests?status=pending');
      const found = body.requests.find((r) => r.action === action);
      if (found) return found;
      await sleep(100);
    }
    throw new Error(`no pending request for ${action}`);
  };
  /** Opens the request, waits out the minimum review time the server reports, answers. */
  const answer = async (action, response) => {
    const pending = await waitPending(action);
    const opened = await api('GET', `/v1/requests/${pending.request_id}`);
    await sleep(Math.ceil((opened.body.review_remaining_seconds ?? 0) * 1000) + 50);
    for (;;) {
      const out = await api('POST', `/v1/requests/${pending.request_id}/answer`, response);
      if (out.status === 409 && out.body?.error?.code === 'too_early') {
        await sleep(Math.ceil((out.body.error.retry_after_seconds ?? 0.2) * 1000) + 50);
        continue;
      }
      return out;
    }
  };
  return { url, agentToken, approverToken, api, waitPending, answer };
}

// @kyberon/attesta/remote against a real `attesta serve`: a test approver approves or denies
// through the approver API; every outage, forgery and deadline denies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteAttesta, AttestaDenied, actionDigest } from '@kyberon/attesta/remote';
import { tempDir } from './helpers.mjs';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));

test('remote: the approver confirms, the call runs; the approver denies, it never runs', async (t) => {
  const server = await startServer(t, tempDir(t));
  const remote = new RemoteAttesta({ url: server.url, token: server.agentToken, timeoutMs: 60_000 });

  const pending = remote.evaluate({ functionName: 'delete_user', args: ['usr_12345'], kwargs: { hard: true } });
  const answered = await server.answer('delete_user', { response: { kind: 'confirm', answer: 'y' } });
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  const result = await pending;
  assert.equal(result.verdict, 'approved', result.reason);
  assert.equal(result.allowed, true);
  assert.deepEqual(result.approvers, ['alice']);
  assert.equal(result.approverAuthenticated, true);
  assert.equal(result.challengeType, 'confirm');
  assert.ok(result.auditEntryId);

  let ran = false;
  const refund = remote.gate(async function issueRefund(invoice, amount) { ran = true; }, { functionName: 'issue_refund' });
  const call = refund('INV-9', 4000);
  await server.answer('issue_refund', { decision: 'deny', reason: 'wrong invoice' });
  await assert.rejects(call, (e) => {
    assert.ok(e instanceof AttestaDenied);
    assert.match(e.message, /^Action denied: .*wrong invoice/);
    assert.equal(e.result.verdict, 'denied');
    return true;
  });
  assert.equal(ran, false);

  // A low-risk action is auto-approved by the server's policy, still consumed and verified.
  const low = await remote.evaluate({ functionName: 'get_weather', kwargs: { city: 'Oslo' } });
  assert.equal(low.verdict, 'approved', low.reason);
  assert.equal(low.challengeType, 'auto_approve');

  // A code-level risk asks the server for at least that level's challenge.
  const raised = remote.evaluate({ functionName: 'get_forecast', kwargs: { city: 'Oslo' } }, { risk: 'medium' });
  const confirmed = await server.answer('get_forecast', { response: { kind: 'confirm', answer: 'y' } });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  const r = await raised;
  assert.equal(r.verdict, 'approved', r.reason);
  assert.equal(r.challengeType, 'confirm');
});

test('remote: a forged or swapped action digest denies', async (t) => {
  const server = await startServer(t, tempDir(t));
  // A proxy that rewrites the action on its way to the server: the server's digest is not ours.
  const rewrite = (url, init) => {
    if (init?.method === 'POST' && String(url).endsWith('/v1/requests')) {
      const body = JSON.parse(init.body);
      body.function_name = 'get_weather';
      return fetch(url, { ...init, body: JSON.stringify(body) });
    }
    return fetch(url, init);
  };
  const r1 = await new RemoteAttesta({ url: server.url, token: server.agentToken, fetch: rewrite })
    .evaluate({ functionName: 'drop_table', args: ['users'] });
  assert.equal(r1.verdict, 'denied');
  assert.match(r1.reason, /digest mismatch/);

  // A proxy that answers with another action's approved decision.
  const other = await new RemoteAttesta({ url: server.url, token: server.agentToken }).evaluate({ functionName: 'get_time' });
  assert.equal(other.verdict, 'approved');
  const swap = async (url, init) => {
    const res = await fetch(url, init);
    if (String(url).endsWith('/consume')) {
      const body = await res.json();
      body.action_digest = await actionDigest({ function_name: 'get_time', args: [], kwargs: {} });
      body.verdict = 'approved';
      return new Response(JSON.stringify(body), { status: 200 });
    }
    return res;
  };
  const r2 = await new RemoteAttesta({ url: server.url, token: server.agentToken, fetch: swap })
    .evaluate({ functionName: 'list_files', kwargs: { dir: '/' } });
  assert.equal(r2.verdict, 'denied');
  assert.match(r2.reason, /another action/);
});

test('remote: the digest is the server\'s (RFC 8785 canonical JSON, SHA-256)', async (t) => {
  const server = await startServer(t, tempDir(t));
  const ctx = { function_name: 'wire_transfer', args: [1e21, 0.1, -0, 'é', { b: 1, a: [null, true] }], kwargs: { 'z': 1, 'A': 2, '\u00e9': 3, amount: 12.5 } };
  const res = await fetch(`${server.url}/v1/requests`, {
    method: 'POST', headers: { authorization: `Bearer ${server.agentToken}`, 'content-type': 'application/json' }, body: JSON.stringify(ctx),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  assert.equal(body.action_digest, await actionDigest(ctx));
});

test('remote: outages, bad tokens, silent servers and garbage all fail closed', async (t) => {
  const server = await startServer(t, tempDir(t));
  const ctx = { functionName: 'delete_user', args: ['u1'] };
  const badToken = await new RemoteAttesta({ url: server.url, token: 'att_agent_0000000000000000_' + '0'.repeat(64) }).evaluate(ctx);
  assert.equal(badToken.verdict, 'denied');
  assert.match(badToken.reason, /401/);

  // A port nobody listens on.
  const closed = createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  const down = await new RemoteAttesta({ url: `http://127.0.0.1:${port}`, token: 'x' }).evaluate(ctx);
  assert.equal(down.verdict, 'denied');
  assert.match(down.reason, /unreachable/);

  // A server that accepts and never answers: the deadline decides.
  const silent = createServer(() => {});
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => silent.closeAllConnections?.() ?? silent.close());
  const hung = await new RemoteAttesta({ url: `http://127.0.0.1:${silent.address().port}`, token: 'x', timeoutMs: 300 }).evaluate(ctx);
  assert.equal(hung.verdict, 'timed_out');
  assert.match(hung.denialMessage, /^Action timed out: /);

  // A server that answers garbage, or approves with a 200 that is not a decision.
  for (const reply of ['not json', '{"request_id": 5}', '{"request_id":"a","status":"approved","action_digest":"00"}']) {
    const liar = createServer((req, res) => { res.writeHead(req.method === 'POST' ? 201 : 200); res.end(reply); });
    await new Promise((r) => liar.listen(0, '127.0.0.1', r));
    const out = await new RemoteAttesta({ url: `http://127.0.0.1:${liar.address().port}`, token: 'x', timeoutMs: 5000 }).evaluate(ctx);
    liar.closeAllConnections?.();
    liar.close();
    assert.equal(out.verdict, 'denied', reply);
    assert.equal(out.allowed, false);
  }
  assert.throws(() => new RemoteAttesta({ url: 'ftp://x', token: 't' }), TypeError);
  assert.throws(() => new RemoteAttesta({ url: server.url }), /agent token/);
});

test('remote loads no native code and no node: modules', () => {
  // Only relative requires of the pure-JS modules: no addon, no node: built-ins (edge runtimes).
  const allowed = new Set(['./lib/remote.cjs', './common.cjs']);
  for (const file of ['remote.cjs', 'remote.mjs', 'lib/remote.cjs', 'lib/common.cjs']) {
    const src = readFileSync(join(here, '..', file), 'utf8');
    const targets = [...src.matchAll(/(?:require\(|from\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const target of targets) assert.ok(allowed.has(target), `${file} loads ${target}`);
  }
  const out = spawnSync(process.execPath, ['-e',
    "process.dlopen = () => { throw new Error('native code loaded') };" +
    "const r = require('@kyberon/attesta/remote'); if (typeof r.RemoteAttesta !== 'function') process.exit(2);"],
  { cwd: join(here, '..'), encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
});

test('native Attesta with `reviewer: server` asks the approval server from config; the approver decides', async (t) => {
  const dir = tempDir(t);
  const server = await startServer(t, dir);
  process.env.ATTESTA_NODE_TEST_AGENT_TOKEN = server.agentToken;
  t.after(() => { delete process.env.ATTESTA_NODE_TEST_AGENT_TOKEN; });
  const { Attesta } = await import('@kyberon/attesta');
  const attesta = new Attesta({
    auditPath: join(dir, 'agent-audit.jsonl'), trust: false,
    config: {
      reviewer: 'server',
      server: { url: server.url, agent_token_env: 'ATTESTA_NODE_TEST_AGENT_TOKEN' },
      policy: { minimum_review_seconds: { low: 0, medium: 1, high: 1, critical: 1 }, timeout_seconds: 60 },
    },
  });
  assert.equal(attesta.reviewerName, 'server');
  let ran = false;
  const restart = attesta.gate(async () => { ran = true; return 'restarted'; }, { functionName: 'restart_service', risk: 'medium' });
  const call = restart('billing');
  const answered = await server.answer('restart_service', { response: { kind: 'confirm', answer: 'y' } });
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  assert.equal(await call, 'restarted');
  assert.equal(ran, true);

  const pending = attesta.evaluate({ functionName: 'purge_cache', args: ['all'] }, { risk: 'medium' });
  await server.answer('purge_cache', { decision: 'deny', reason: 'not during business hours' });
  const result = await pending;
  assert.equal(result.verdict, 'denied');
  assert.match(result.reason, /not during business hours/);
});

// Unit tests of the node's logic (dist/ from `npm run build`): digest, context, output shape,
// and that every failure the transport can produce ends in a denial.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';

import core from '../dist/nodes/AttestaGate/core.js';

const { actionDigest, buildContext, canonicalJson, gate, toOutput, verifyCallback, callbackSecret, normaliseServerUrl } = core;

test('canonical JSON sorts keys by UTF-16 units and keeps ECMAScript number forms', () => {
	assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'], A: { z: 1e21, y: 0.1 } }), '{"A":{"y":0.1,"z":1e+21},"a":[true,null,"x"],"b":1}');
	// U+10000 (surrogates D800 DC00) sorts before U+FB33 in UTF-16 order, unlike code points.
	assert.equal(canonicalJson({ '\uFB33': 1, '\u{10000}': 2 }), '{"\u{10000}":2,"\uFB33":1}');
	assert.equal(canonicalJson({ s: 'line\nbreak "q" \u0001' }), '{"s":"line\\nbreak \\"q\\" \\u0001"}');
	assert.throws(() => canonicalJson({ n: Number.NaN }));
	assert.throws(() => canonicalJson({ f: () => 1 }));
});

test('the digest is SHA-256 of the canonical {function_name, args, kwargs}', () => {
	const ctx = { function_name: 'delete_file', args: [], kwargs: { path: '/tmp/x', force: true } };
	const expected = createHash('sha256').update('{"args":[],"function_name":"delete_file","kwargs":{"force":true,"path":"/tmp/x"}}').digest('hex');
	assert.equal(actionDigest(ctx), expected);
	assert.notEqual(actionDigest({ ...ctx, kwargs: { path: '/tmp/y', force: true } }), expected);
});

test('context: arguments as JSON text, an object or an array; bad input is refused with a reason', () => {
	assert.deepEqual(buildContext({ functionName: ' send ', arguments: '{"to":"a"}', source: 'n8n' }).kwargs, { to: 'a' });
	assert.deepEqual(buildContext({ functionName: 'f', arguments: [1, 2], source: 'n8n' }).args, [1, 2]);
	assert.deepEqual(buildContext({ functionName: 'f', arguments: '', source: 'n8n' }).kwargs, {});
	const full = buildContext({ functionName: 'f', arguments: {}, functionDoc: 'd', hints: '{"destructive":true}', agentId: 'a', sessionId: 's', environment: 'production', source: 'n8n' });
	assert.deepEqual(full.hints, { destructive: true });
	assert.equal(full.environment, 'production');
	assert.deepEqual(full.metadata, { source: 'n8n' });
	assert.throws(() => buildContext({ functionName: '', arguments: {}, source: 'n8n' }), /Action Name is empty/);
	assert.throws(() => buildContext({ functionName: 'f', arguments: '{not json', source: 'n8n' }), /not valid JSON/);
	assert.throws(() => buildContext({ functionName: 'f', arguments: '"a string"', source: 'n8n' }), /object .* or array/);
	assert.throws(() => buildContext({ functionName: 'f', arguments: {}, hints: '[1]', source: 'n8n' }), /Hints/);
});

test('server URL: http(s) with a host, no query or fragment', () => {
	assert.equal(normaliseServerUrl(' http://127.0.0.1:7373/ '), 'http://127.0.0.1:7373');
	for (const bad of ['ftp://x', 'localhost:7373', 'http://x/?a=1', 'http://x/#f', '', null]) {
		assert.throws(() => normaliseServerUrl(bad), /Server URL/, String(bad));
	}
});

test('output has the Dify plugin fields', () => {
	const out = toOutput('drop_table', { request_id: 'r', verdict: 'approved', reason: 'confirm passed', risk: { score: 0.61234, level: 'high' }, audit_entry_id: 'e1' });
	assert.deepEqual(out, {
		verdict: 'approved',
		risk_score: 0.6123,
		risk_level: 'high',
		denied: false,
		audit_entry_id: 'e1',
		function_name: 'drop_table',
		message: "Action 'drop_table' was approved (risk: high, score: 0.61)",
		reason: 'confirm passed',
		request_id: 'r',
	});
	const denied = toOutput('drop_table', { verdict: 'timed_out', reason: 'no answer', risk: { score: 0.9, level: 'critical' } });
	assert.equal(denied.denied, true);
	assert.equal(denied.message, "Action 'drop_table' was timed out (risk: critical, score: 0.90): no answer");
});

const CTX = { function_name: 'delete_file', args: [], kwargs: { path: '/tmp/x' }, metadata: { source: 'n8n' } };
const DIGEST = actionDigest(CTX);
const decision = (verdict, extra = {}) => ({ request_id: 'r1', status: verdict, verdict, reason: `${verdict} by alice`, action_digest: DIGEST, risk: { score: 0.5, level: 'medium' }, audit_entry_id: 'a1', ...extra });

/** A scripted transport: each call takes the next answer (or throws it). */
function scripted(...answers) {
	const calls = [];
	const http = async (method, path, body) => {
		calls.push({ method, path, body });
		const next = answers.shift();
		if (next instanceof Error) throw next;
		if (!next) throw new Error('unexpected call');
		return next;
	};
	return { http, calls };
}

const created = (extra = {}) => ({ status: 201, body: { request_id: 'r1', status: 'pending', action_digest: DIGEST, risk_level: 'medium', risk_score: 0.5, decision: null, ...extra } });

test('gate: create, wait (202 then 200), consume with the digest → approved', async () => {
	const { http, calls } = scripted(created(), { status: 202, body: {} }, { status: 200, body: decision('approved') }, { status: 200, body: decision('approved') });
	const out = await gate(http, CTX, 60);
	assert.equal(out.verdict, 'approved');
	assert.equal(out.denied, false);
	assert.deepEqual(calls.map((c) => c.method), ['POST', 'GET', 'GET', 'POST']);
	assert.deepEqual(calls[3].body, { action_digest: DIGEST });
	assert.match(calls[3].path, /\/v1\/requests\/r1\/consume$/);
});

test('gate fails closed: every error, timeout and mismatch is a denial', async () => {
	const cases = {
		unreachable: [new Error('connect ECONNREFUSED 127.0.0.1:1')],
		refused: [{ status: 401, body: { error: { code: 'unauthenticated', message: 'bad token' } } }],
		'server digest differs': [created({ action_digest: 'f'.repeat(64) })],
		'wait error': [created(), { status: 500, body: null }],
		'consume 409': [created(), { status: 200, body: decision('approved') }, { status: 409, body: { error: { code: 'already_consumed', message: 'used' } } }],
		'decision for another digest': [created(), { status: 200, body: decision('approved') }, { status: 200, body: decision('approved', { action_digest: '0'.repeat(64) }) }],
		'decision for another request': [created(), { status: 200, body: decision('approved') }, { status: 200, body: decision('approved', { request_id: 'r2' }) }],
		'denied by a human': [created(), { status: 200, body: decision('denied') }, { status: 200, body: decision('denied') }],
		'escalated': [created(), { status: 200, body: decision('escalated') }, { status: 200, body: decision('escalated') }],
		'garbage body': [{ status: 201, body: 'not json' }],
	};
	for (const [name, answers] of Object.entries(cases)) {
		const { http } = scripted(...answers);
		const out = await gate(http, CTX, 60);
		assert.equal(out.denied, true, name);
		assert.notEqual(out.verdict, 'approved', name);
	}
	// The deadline passes while the request is pending: timed out, denied, and no consume call.
	let clock = 0;
	const { http, calls } = scripted(created(), { status: 202, body: {} });
	const out = await gate(http, CTX, 5, () => (clock += 3000));
	assert.equal(out.verdict, 'timed_out');
	assert.equal(out.denied, true);
	assert.ok(!calls.some((c) => c.path.endsWith('/consume')));
});

test('callback signatures: the right secret and a fresh timestamp only', () => {
	const secret = callbackSecret('att_agent_x', 'exec-1', 'node-1');
	assert.notEqual(secret, callbackSecret('att_agent_x', 'exec-2', 'node-1'));
	const body = '{"event":"request.decided"}';
	const ts = '1700000000';
	const sig = `v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
	assert.equal(verifyCallback(secret, ts, sig, body, 1700000010), true);
	assert.equal(verifyCallback(secret, ts, sig, `${body} `, 1700000010), false, 'tampered body');
	assert.equal(verifyCallback('other', ts, sig, body, 1700000010), false, 'other secret');
	assert.equal(verifyCallback(secret, ts, sig, body, 1700000000 + 301), false, 'stale');
	assert.equal(verifyCallback(secret, undefined, sig, body, 1700000010), false, 'no timestamp');
	assert.equal(verifyCallback(secret, ts, sig.slice(0, -1), body, 1700000010), false, 'truncated');
});

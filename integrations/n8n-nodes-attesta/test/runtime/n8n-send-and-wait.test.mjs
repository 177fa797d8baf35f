// Send and Wait inside a running n8n (`n8n start`): a Webhook trigger starts an execution, the
// AttestaGate node creates the request with n8n's signed resume URL as `callback_url` and parks the
// execution; the approval server's signed callback resumes it, the node consumes the decision and
// the next node reports `data.approved` to this test. A forged callback (no or wrong signature)
// must not resume anything. Also checks that n8n offers the node as a human-review tool for AI
// agents (`attestaGateHitlTool`).
//
// Needs N8N_BIN and ATTESTA_BIN; scripts/test-nocode-js.sh provides both.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

import { ApprovalServer, closedPort } from './approval-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');
const n8nBin = process.env.N8N_BIN;
if (!n8nBin) throw new Error('N8N_BIN must name the n8n executable (scripts/test-nocode-js.sh installs n8n)');

const work = mkdtempSync(join(tmpdir(), 'attesta-n8n-wait-'));
const userFolder = join(work, 'n8n');
mkdirSync(join(work, 'server'));
const server = new ApprovalServer(join(work, 'server'));
let n8nPort;
let brokerPort;
let n8nProcess;
let n8nLog = '';
let reportUrl;
const reports = [];
let reportServer;

function env() {
	return {
		...process.env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'attesta-n8n-runtime-test-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_PORT: String(n8nPort),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		WEBHOOK_URL: `http://127.0.0.1:${n8nPort}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		DB_TYPE: 'sqlite',
		// Activate published workflows at start (the classic path), not through the
		// asynchronous publication outbox, so the trigger is live once n8n is ready.
		N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false',
	};
}

function n8nCli(args) {
	return new Promise((resolve, reject) => {
		const child = spawn(n8nBin, args, { cwd: work, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (c) => (out += c));
		child.stderr.on('data', (c) => (out += c));
		const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
		child.on('error', reject);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, out });
		});
	});
}

async function waitFor(what, check, timeoutMs = 120_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- n8n log ---\n${n8nLog.slice(-4000)}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

function workflow() {
	return {
		id: 'reviewLocal',
		name: 'Attesta review',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'w1',
				name: 'Trigger',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5d0c9a8e-3b1f-4d7a-9a61-7e1f0c2b4a10',
				parameters: { httpMethod: 'POST', path: 'attesta-review', responseMode: 'onReceived', options: {} },
			},
			{
				id: 'w2',
				name: 'Attesta Review',
				type: 'CUSTOM.attestaGate',
				typeVersion: 1,
				position: [200, 0],
				webhookId: '0f3a7c52-8d44-4b8e-bb0e-2a9d6c1e5f77',
				parameters: {
					operation: 'sendAndWait',
					functionName: '={{ $json.body.action }}',
					message: '={{ $json.body.message }}',
					argumentsJson: '={{ JSON.stringify($json.body.args) }}',
					options: { timeoutSeconds: 600 },
				},
				credentials: { attestaApi: { id: 'attestaLocal', name: 'attestaLocal' } },
			},
			{
				id: 'w3',
				name: 'Report',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [400, 0],
				parameters: {
					method: 'POST',
					url: reportUrl,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				},
			},
		],
		connections: {
			Trigger: { main: [[{ node: 'Attesta Review', type: 'main', index: 0 }]] },
			'Attesta Review': { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
		},
	};
}

before(async () => {
	reportServer = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			reports.push(JSON.parse(body));
			res.end('{}');
		});
	});
	await new Promise((r) => reportServer.listen(0, '127.0.0.1', r));
	reportUrl = `http://127.0.0.1:${reportServer.address().port}/report`;
	n8nPort = await closedPort();
	brokerPort = await closedPort();

	mkdirSync(join(userFolder, '.n8n', 'custom'), { recursive: true });
	cpSync(join(packageDir, 'dist'), join(userFolder, '.n8n', 'custom', 'n8n-nodes-attesta'), { recursive: true });
	await server.start();
	writeFileSync(
		join(work, 'credentials.json'),
		JSON.stringify([{ id: 'attestaLocal', name: 'attestaLocal', type: 'attestaApi', data: { serverUrl: server.url, agentToken: server.agentToken } }]),
	);
	writeFileSync(join(work, 'workflow.json'), JSON.stringify(workflow()));
	for (const args of [
		['import:credentials', `--input=${join(work, 'credentials.json')}`],
		['import:workflow', `--input=${join(work, 'workflow.json')}`],
		['publish:workflow', '--id=reviewLocal'],
		['export:nodes', `--output=${join(work, 'nodes.json')}`],
	]) {
		const r = await n8nCli(args);
		assert.equal(r.code, 0, `n8n ${args[0]} failed:\n${r.out}`);
	}
	n8nProcess = spawn(n8nBin, ['start'], { cwd: work, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
	n8nProcess.stdout.on('data', (c) => (n8nLog += c));
	n8nProcess.stderr.on('data', (c) => (n8nLog += c));
	await waitFor('n8n to start', async () => {
		try {
			return (await fetch(`http://127.0.0.1:${n8nPort}/healthz/readiness`)).ok;
		} catch {
			return false;
		}
	}, 180_000);
	// n8n answers readiness before it has activated published workflows; it prints this line
	// once the activation is done (webhooks registered).
	await waitFor('n8n to activate the workflow', () => n8nLog.includes('Editor is now accessible'), 180_000);
});

after(async () => {
	if (n8nProcess && n8nProcess.exitCode === null) {
		n8nProcess.kill('SIGTERM');
		await new Promise((r) => {
			const t = setTimeout(() => {
				n8nProcess.kill('SIGKILL');
				r();
			}, 20_000);
			n8nProcess.on('exit', () => {
				clearTimeout(t);
				r();
			});
		});
	}
	server.stop();
	reportServer?.close();
	if (!process.env.KEEP_N8N_TEST_DIR) rmSync(work, { recursive: true, force: true });
});

async function trigger(tag) {
	const res = await fetch(`http://127.0.0.1:${n8nPort}/webhook/attesta-review`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ action: 'publish_post', message: `Publish the quarterly post (${tag})`, args: { post: 'q3-results', tag } }),
	});
	assert.equal(res.status, 200, `webhook trigger: ${res.status} ${await res.text()}\n${n8nLog.slice(-3000)}`);
}

async function reportFor(tag) {
	return await waitFor(`the report for ${tag}`, () => reports.find((r) => String(r.data?.message ?? '').length && r.data.function_name === 'publish_post' && reportTag(r) === tag));
}

// The report carries the node's output only; the tag is found through the request's arguments.
const tagsByRequest = new Map();
function reportTag(report) {
	return tagsByRequest.get(report.data?.request_id);
}

async function answerOne(choice) {
	const [answered] = await server.answer(1, () => choice);
	tagsByRequest.set(answered.request_id, answered.view.challenge.action.arguments.kwargs.tag);
	return answered;
}

test('n8n lists the node as a human-review tool for AI agents', () => {
	const types = JSON.parse(readFileSync(join(work, 'nodes.json'), 'utf8'));
	const names = types.map((t) => t.name);
	assert.ok(names.includes('CUSTOM.attestaGate'), 'the node is loaded');
	const hitl = types.find((t) => t.name === 'CUSTOM.attestaGateHitlTool');
	assert.ok(hitl, 'n8n derived a HitlTool variant from the sendAndWait operation');
	assert.equal(hitl.outputs[0].type, 'ai_tool');
	assert.ok(types.find((t) => t.name === 'CUSTOM.attestaGate').usableAsTool !== undefined);
});

test('approve through the API → the callback resumes the execution with approved: true', async () => {
	await trigger('approve-me');
	const answered = await answerOne('approve');
	const report = await reportFor('approve-me');
	assert.equal(report.data.approved, true, JSON.stringify(report));
	assert.equal(report.data.verdict, 'approved');
	assert.equal(report.data.denied, false);
	assert.equal(report.data.request_id, answered.request_id);
	assert.ok(report.data.audit_entry_id);
	assert.match(report.data.message, /^Action 'publish_post' was approved/);
	// The node consumed the decision when it resumed.
	const again = await server.api('POST', `/v1/requests/${answered.request_id}/consume`, { action_digest: answered.view.action_digest }, server.agentToken);
	assert.equal(again.body?.error?.code, 'already_consumed');
});

test('deny → approved: false; a forged callback resumes nothing', async () => {
	await trigger('deny-me');
	// Find the resume URL the node gave the server, then forge callbacks to it.
	const request = await waitFor('the pending request', async () => {
		const list = await server.api('GET', '/v1/requests?status=pending');
		return list.body.requests[0];
	});
	const db = new DatabaseSync(server.db, { readOnly: true });
	const row = db.prepare('SELECT url FROM callbacks WHERE request_id = ?').get(request.request_id);
	db.close();
	assert.ok(row?.url?.includes('/webhook-waiting/'), `callback url: ${row?.url}`);
	const forged = JSON.stringify({ id: 'x', event: 'request.decided', data: { request_id: request.request_id, verdict: 'approved' } });
	const ts = String(Math.floor(Date.now() / 1000));
	for (const headers of [{}, { 'x-attesta-timestamp': ts, 'x-attesta-signature': `v1=${'0'.repeat(64)}` }]) {
		const res = await fetch(row.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: forged });
		assert.equal(res.status, 401, `forged callback answered ${res.status}`);
	}
	assert.equal(reports.filter((r) => r.data?.request_id === request.request_id).length, 0, 'the forged callback resumed the execution');
	await answerOne('deny');
	const report = await reportFor('deny-me');
	assert.equal(report.data.approved, false);
	assert.equal(report.data.verdict, 'denied');
	assert.match(report.data.message, /not this one/, 'the real decision, not a forged one');
	assert.equal(reports.filter((r) => r.data?.request_id === request.request_id).length, 1);
});

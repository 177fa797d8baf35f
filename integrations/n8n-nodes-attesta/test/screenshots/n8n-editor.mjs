// Screenshots of the Attesta Gate node in n8n's editor (docs/images/n8n-*.png), taken with
// Debian's chromium through playwright-core (from crates/attesta-server/web-tests). Not part of
// the test suite: run by hand after `npm run build`, with N8N_BIN set as scripts/test-nocode-js.sh
// does:  node test/screenshots/n8n-editor.mjs
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { closedPort } from '../runtime/approval-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', '..');
const repo = join(pkg, '..', '..');
const { chromium } = createRequire(join(repo, 'crates/attesta-server/web-tests/package.json'))('playwright-core');
const n8nBin = process.env.N8N_BIN;
const work = mkdtempSync(join(tmpdir(), 'attesta-n8n-shots-'));
const port = await closedPort();
const env = {
	...process.env,
	N8N_USER_FOLDER: join(work, 'n8n'),
	N8N_ENCRYPTION_KEY: 'attesta-n8n-screenshots',
	N8N_PORT: String(port),
	N8N_LISTEN_ADDRESS: '127.0.0.1',
	N8N_RUNNERS_BROKER_PORT: String(await closedPort()),
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_SECURE_COOKIE: 'false',
};
mkdirSync(join(work, 'n8n', '.n8n', 'custom'), { recursive: true });
cpSync(join(pkg, 'dist'), join(work, 'n8n', '.n8n', 'custom', 'n8n-nodes-attesta'), { recursive: true });
writeFileSync(join(work, 'creds.json'), JSON.stringify([{ id: 'attestaDemo', name: 'Attesta API', type: 'attestaApi', data: { serverUrl: 'http://127.0.0.1:7373', agentToken: 'att_agent_0000000000000000_' + '0'.repeat(64) } }]));
const wf = {
	id: 'gateDemo', name: 'Delete reports after approval', active: false, settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'a', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: '9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d', parameters: { httpMethod: 'POST', path: 'delete-report', options: {} } },
		{ id: 'b', name: 'Attesta Gate', type: 'CUSTOM.attestaGate', typeVersion: 1, position: [260, 0], parameters: { operation: 'gate', functionName: 'delete_file', argumentsFrom: 'json', argumentsJson: '={{ JSON.stringify({ path: $json.body.path }) }}', options: { environment: 'production', timeoutSeconds: 600 } }, credentials: { attestaApi: { id: 'attestaDemo', name: 'Attesta API' } } },
		{ id: 'c', name: 'Delete file', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [560, -120], parameters: {} },
		{ id: 'd', name: 'Tell the requester', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [560, 120], parameters: {} },
	],
	connections: {
		Webhook: { main: [[{ node: 'Attesta Gate', type: 'main', index: 0 }]] },
		'Attesta Gate': { main: [[{ node: 'Delete file', type: 'main', index: 0 }], [{ node: 'Tell the requester', type: 'main', index: 0 }]] },
	},
};
writeFileSync(join(work, 'wf.json'), JSON.stringify(wf));
execFileSync(n8nBin, ['import:credentials', `--input=${join(work, 'creds.json')}`], { env, stdio: 'ignore' });
execFileSync(n8nBin, ['import:workflow', `--input=${join(work, 'wf.json')}`], { env, stdio: 'ignore' });
const n8n = spawn(n8nBin, ['start'], { env, stdio: 'ignore' });
const base = `http://127.0.0.1:${port}`;
try {
	for (let i = 0; ; i++) {
		try {
			if ((await fetch(`${base}/healthz/readiness`)).ok) break;
		} catch {}
		if (i > 600) throw new Error('n8n did not start');
		await new Promise((r) => setTimeout(r, 300));
	}
	const owner = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Lovelace', password: 'Attesta-Screenshots-1' };
	const setup = await fetch(`${base}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) });
	if (!setup.ok) throw new Error(`owner setup: ${setup.status} ${await setup.text()}`);
	const browser = await chromium.launch({ executablePath: process.env.ATTESTA_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
	const page = await browser.newPage({ viewport: { width: 1400, height: 820 }, deviceScaleFactor: 1 });
	await page.goto(`${base}/signin`);
	await page.locator('input[type=email], input[name=emailOrLdapLoginId], input[name=email]').first().fill(owner.email);
	await page.locator('input[type=password]').first().fill(owner.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((u) => !u.pathname.includes('signin'), { timeout: 60_000 });
	await page.goto(`${base}/workflow/gateDemo`);
	await page.getByText('Attesta Gate', { exact: true }).first().waitFor({ timeout: 60_000 });
	await page.waitForTimeout(2500);
	await page.keyboard.press('Escape');
	await page.screenshot({ path: join(repo, 'docs/images/n8n-attesta-gate.png') });
	// The label sits under the node; the node's body is above it.
	const label = await page.getByText('Attesta Gate', { exact: true }).first().boundingBox();
	await page.mouse.dblclick(label.x + label.width / 2, label.y - 60);
	await page.getByText('Action Name').first().waitFor({ timeout: 30_000 });
	await page.waitForTimeout(1500);
	await page.screenshot({ path: join(repo, 'docs/images/n8n-attesta-gate-parameters.png') });
	await browser.close();
} finally {
	n8n.kill('SIGTERM');
	rmSync(work, { recursive: true, force: true, maxRetries: 5 });
}

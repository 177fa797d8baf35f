// Screenshots of the Attesta Gated Tool in Flowise's canvas (docs/images/flowise-*.png), taken
// with Debian's chromium through playwright-core (from crates/attesta-server/web-tests). Not part
// of the test suite: run by hand after `npm run build` and the install command, with FLOWISE_DIR
// set as scripts/test-nocode-js.sh does (Flowise's sqlite3 addon must be compiled, as the script
// does for n8n's):  node test/screenshots/flowise-editor.mjs
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';

import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const { chromium } = createRequire(join(repo, 'crates/attesta-server/web-tests/package.json'))('playwright-core');
const work = mkdtempSync(join(tmpdir(), 'attesta-flowise-shots-'));
for (const d of ['db', 'keys', 'logs', 'storage']) mkdirSync(join(work, d), { recursive: true });
const port = 43817;
const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_TYPE: 'sqlite', DATABASE_PATH: join(work, 'db'), SECRETKEY_PATH: join(work, 'keys'), LOG_PATH: join(work, 'logs'), BLOB_STORAGE_PATH: join(work, 'storage'), SHOW_COMMUNITY_NODES: 'true', DISABLE_FLOWISE_TELEMETRY: 'true' };
const fl = spawn(join(process.env.FLOWISE_DIR, 'node_modules/.bin/flowise'), ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let log = ''; fl.stdout.on('data', (c) => (log += c)); fl.stderr.on('data', (c) => (log += c));
const base = `http://127.0.0.1:${port}`;
try {
	for (let i = 0; ; i++) {
		try { if ((await fetch(`${base}/api/v1/ping`)).ok) break; } catch {}
		if (i > 600) throw new Error('flowise did not start\n' + log.slice(-3000));
		await new Promise((r) => setTimeout(r, 500));
	}
	const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
	const page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
	await page.goto(base);
	const inputs = page.locator('input');
	await inputs.first().waitFor();
	await inputs.nth(0).fill('Ada Lovelace');
	await inputs.nth(1).fill('ada@example.com');
	await inputs.nth(2).fill('Attesta-Shots-1');
	await inputs.nth(3).fill('Attesta-Shots-1');
	await page.getByRole('button', { name: 'Sign Up' }).click();
	await page.waitForTimeout(5000);
	await page.goto(base + '/canvas');
	await page.waitForTimeout(5000);
		const canvas = page.locator('.react-flow__pane');
	const fab = page.locator('button[aria-label="add"]').first();
	await fab.click();
	await page.getByPlaceholder('Search nodes').fill('Attesta');
	await page.waitForTimeout(1500);
	await page.getByText('Attesta Gated Tool', { exact: true }).first().dragTo(canvas, { targetPosition: { x: 700, y: 160 } });
	await page.waitForTimeout(1000);
	await page.waitForTimeout(1500);
	await page.screenshot({ path: join(repo, 'docs/images/flowise-attesta-gated-tool.png') });
	await browser.close();
} finally {
	fl.kill('SIGTERM');
	rmSync(work, { recursive: true, force: true, maxRetries: 5 });
}

// Test harness: the real `attesta` binary (`attesta serve` on a free loopback port with a temp
// SQLite database and config, identities made with `attesta serve add-…`), and Debian's chromium
// driven by playwright-core. Nothing here fakes the server or the browser.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '../../../..');
// Screenshots are always taken; they replace the committed ones in docs/images only when asked
// (ATTESTA_UPDATE_SCREENSHOTS=1), so a test run leaves the working tree clean.
export const IMAGES = process.env.ATTESTA_UPDATE_SCREENSHOTS === '1'
  ? join(REPO, 'docs/images')
  : join(tmpdir(), 'attesta-screenshots');

export function attestaBin() {
  const candidates = [
    process.env.ATTESTA_BIN,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'debug/attesta'),
    join(REPO, 'target/debug/attesta'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error('no attesta binary: build it (cargo build -p attesta-cli) or set ATTESTA_BIN; looked in ' + candidates.join(', '));
  }
  return found;
}

export const CHROMIUM = process.env.ATTESTA_CHROMIUM || '/usr/bin/chromium';

// Review times are short so the suite stays quick, but not zero: the countdown and the
// server's refusal of early answers are what is under test.
export const DEFAULT_YAML = `
policy:
  minimum_review_seconds: {low: 0, medium: 4, high: 2, critical: 2}
  timeout_seconds: 600
audit:
  path: audit.jsonl
`;

function run(bin, args, { cwd, input } = {}) {
  const r = spawnSync(bin, args, { cwd, input, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`attesta ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return r.stdout.trim();
}

// Starts `attesta serve` and creates an agent and the named approvers (with passwords).
export async function startServer({ yaml = DEFAULT_YAML, approvers = ['alice', 'bob'] } = {}) {
  const bin = attestaBin();
  const dir = mkdtempSync(join(tmpdir(), 'attesta-web-'));
  const config = join(dir, 'attesta.yaml');
  const db = join(dir, 'server.db');
  writeFileSync(config, yaml);
  const base = ['-c', config, 'serve', '--db', db];
  const agentToken = run(bin, [...base, 'add-agent', 'bot'], { cwd: dir });
  assert.match(agentToken, /^att_agent_/);
  const passwords = {};
  const tokens = {};
  for (const name of approvers) {
    passwords[name] = `${name}-correct-horse-battery`;
    tokens[name] = run(bin, [...base, 'add-approver', name, '--password-stdin'], { cwd: dir, input: passwords[name] + '\n' });
  }
  const child = spawn(bin, ['-c', config, 'serve', '--listen', '127.0.0.1:0', '--db', db], {
    cwd: dir, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('attesta serve did not start in 20 s:\n' + log)), 20_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/listening on (http:\/\/[0-9.:]+) /);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`attesta serve exited ${code}:\n${log}`)); });
  });
  const server = {
    url, dir, config, db, agentToken, tokens, passwords, bin,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        await Promise.race([done, new Promise((ok) => setTimeout(ok, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
    // The agent side of the API.
    async create(ctx) {
      const res = await fetch(url + '/v1/requests', {
        method: 'POST', body: JSON.stringify(ctx),
        headers: { Authorization: 'Bearer ' + agentToken, 'Content-Type': 'application/json' },
      });
      const body = await res.json();
      assert.equal(res.status, 201, JSON.stringify(body));
      return body;
    },
    async wait(id, timeout = 10) {
      const res = await fetch(`${url}/v1/requests/${id}/wait?timeout=${timeout}`, {
        headers: { Authorization: 'Bearer ' + agentToken },
      });
      return { status: res.status, body: await res.json() };
    },
    async consume(id, digest) {
      const res = await fetch(`${url}/v1/requests/${id}/consume`, {
        method: 'POST', body: JSON.stringify({ action_digest: digest }),
        headers: { Authorization: 'Bearer ' + agentToken, 'Content-Type': 'application/json' },
      });
      return { status: res.status, body: await res.json() };
    },
    // What the database holds for a request, read through an approver token (no browser).
    async approverView(id, name = 'alice') {
      const res = await fetch(`${url}/v1/requests/${id}`, { headers: { Authorization: 'Bearer ' + tokens[name] } });
      return res.json();
    },
  };
  return server;
}

// Debian's chromium; playwright's launch() gives each browser a fresh temporary profile
// (its own --user-data-dir), so no state leaks between runs.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic',
    ],
  });
}

// A page that records Content-Security-Policy violations and script errors: a page that
// needed an inline script or an external asset would show up here.
export async function newPage(browser, viewport = { width: 1280, height: 860 }) {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' && !/status of 40[139]|status of 421/.test(text)) page.problems.push('console: ' + text);
  });
  page.on('pageerror', (err) => page.problems.push('pageerror: ' + err.message));
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.hostname !== '127.0.0.1' && u.protocol !== 'data:') page.problems.push('external request: ' + req.url());
  });
  return page;
}

export async function login(page, server, name) {
  await page.goto(server.url + '/login');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(server.passwords[name]);
  await Promise.all([
    page.waitForURL(server.url + '/'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  await page.locator('#me').filter({ hasText: name }).waitFor();
}

export function screenshotPath(name) {
  mkdirSync(IMAGES, { recursive: true });
  return join(IMAGES, name);
}

// The browser's own fetch with the session cookie, as a forged page script would do it.
export async function browserPost(page, path, body, { csrf = true } = {}) {
  return page.evaluate(async ({ path, body, csrf }) => {
    const headers = { 'Content-Type': 'application/json' };
    if (csrf) {
      const me = await (await fetch('/v1/me')).json();
      headers['X-CSRF-Token'] = me.csrf_token;
    }
    const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => null) };
  }, { path, body, csrf });
}

// What a reader of the action would answer: the quiz asks about facts in the action itself.
export function answerFor(question, facts) {
  const value = facts[question.topic];
  assert.ok(value !== undefined, `the test action has no ${question.topic} fact for "${question.prompt}"`);
  return value;
}

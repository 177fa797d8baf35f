// Sign in, and a pending request appears in the open inbox without a reload (SSE).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshotPath } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('the inbox needs a session: unauthenticated visitors land on the login page', async () => {
  const page = await newPage(browser);
  await page.goto(server.url + '/');
  await page.waitForURL(/\/login\?next=%2F$/);
  const api = await page.evaluate(async () => (await fetch('/v1/requests')).status);
  assert.equal(api, 401);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a wrong password is refused with a message; the right one signs in', async () => {
  const page = await newPage(browser);
  await page.goto(server.url + '/login');
  await page.getByLabel('Name').fill('alice');
  await page.getByLabel('Password').fill('not-her-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong name or password.' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/login');
  await login(page, server, 'alice');
  await page.getByText('Nothing is waiting for approval.').waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('pages carry the strict CSP and load nothing from elsewhere', async () => {
  const page = await newPage(browser);
  const res = await page.goto(server.url + '/login');
  const csp = res.headers()['content-security-policy'];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/);
  for (const path of ['/', '/history', '/audit', '/requests/x', '/static/app.js', '/static/charts.js', '/static/app.css']) {
    const r = await fetch(server.url + path);
    const body = await r.text();
    assert.equal(r.status, 200, path);
    assert.ok(!/https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(body), `${path} references an external URL`);
    if (!path.startsWith('/static/')) {
      assert.ok(!/<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=/.test(body), `${path} has inline script or style`);
    }
  }
  // DNS rebinding: a foreign Host header is refused before any page or API is served.
  const rebound = await new Promise((ok, fail) => {
    import('node:http').then(({ request }) => {
      const u = new URL(server.url);
      const req = request({ host: u.hostname, port: u.port, path: '/', headers: { Host: 'attacker.example' } }, (r) => ok(r.statusCode));
      req.on('error', fail);
      req.end();
    });
  });
  assert.equal(rebound, 421);
  await page.context().close();
});

test('a request posted by an agent appears live in the open inbox', async () => {
  const page = await newPage(browser);
  await login(page, server, 'alice');
  await page.locator('#live-status').filter({ hasText: 'Live' }).waitFor();
  const rows = page.locator('#pending-list li.req');
  assert.equal(await rows.count(), 0);

  // No reload from here on: the rows must arrive over the event stream.
  const created = [];
  created.push(await server.create({ function_name: 'update_record', kwargs: { table: 'invoices', id: 42, status: 'paid' }, agent_id: 'billing-bot' }));
  await page.locator(`#pending-list li.req[data-id="${created[0].request_id}"]`).waitFor({ timeout: 5000 });
  created.push(await server.create({ function_name: 'delete_file', kwargs: { path: '/var/app/data/report.csv' } }));
  created.push(await server.create({ function_name: 'send_payment', kwargs: { recipient: 'ops@example.com', amount: '2500.00', currency: 'EUR', api_key: 'sk_live_51HxAbCdEfGhIjKlMnOpQrStUv' } }));
  created.push(await server.create({ function_name: 'drop_table', kwargs: { table: 'customers', database: 'production' }, environment: 'production' }));
  await page.waitForFunction((n) => document.querySelectorAll('#pending-list li.req').length === n, created.length, { timeout: 5000 });

  const first = page.locator(`#pending-list li.req[data-id="${created[0].request_id}"]`);
  assert.equal(await first.locator('a.action').textContent(), 'Update record 42 in table invoices');
  assert.equal(await first.locator('code.fn').textContent(), 'update_record');
  assert.equal((await first.locator('.badge').textContent()).split(' ')[0], 'medium');
  assert.equal(await first.locator('.approvals').textContent(), '0 / 1');
  const critical = page.locator(`#pending-list li.req[data-id="${created[3].request_id}"]`);
  assert.equal(await critical.locator('.approvals').textContent(), '0 / 2');
  assert.equal(await critical.locator('.challenge').textContent(), 'multi party');
  assert.equal(await page.locator('#pending-total').textContent(), '(4)');
  const payment = page.locator(`#pending-list li.req[data-id="${created[2].request_id}"]`);
  assert.equal(await payment.locator('a.action').textContent(), 'Send €2,500.00 to ops@example.com');
  assert.equal(await page.locator('#pending-empty').isHidden(), true);

  // The request page shows the redacted arguments, never the secret itself.
  await page.locator(`#pending-list li.req[data-id="${created[2].request_id}"] a.action`).click();
  await page.waitForURL(`**/requests/${created[2].request_id}`);
  const args = await page.locator('#arguments').textContent();
  assert.match(args, /\[REDACTED:/);
  assert.ok(!args.includes('sk_live_51HxAbCdEfGhIjKlMnOpQrStUv'));
  assert.ok(!(await page.content()).includes('sk_live_51HxAbCdEfGhIjKlMnOpQrStUv'));
  assert.ok(await page.locator('table.factors tbody tr').count() > 0, 'risk factors are listed');

  await page.goto(server.url + '/');
  await page.waitForFunction((n) => document.querySelectorAll('#pending-list li.req').length === n, created.length);
  await page.locator('#live-status').filter({ hasText: 'Live' }).waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('signing out ends the session on the server', async () => {
  const page = await newPage(browser);
  await login(page, server, 'bob');
  await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'Sign out' }).click()]);
  assert.equal(await page.evaluate(async () => (await fetch('/v1/me')).status), 401);
  await page.goto(server.url + '/history');
  await page.waitForURL(/\/login\?next=%2Fhistory$/);
  // Signing in from there returns to the page that was asked for.
  await page.getByLabel('Name').fill('bob');
  await page.getByLabel('Password').fill(server.passwords.bob);
  await Promise.all([page.waitForURL(server.url + '/history'), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.getByRole('heading', { name: 'Decided requests' }).waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

// Triage in the inbox under a flood: total and paging, filters, search and sorting by risk, bulk
// deny, keyboard shortcuts, notifications and the title badge for high and critical requests,
// sign-in without JavaScript (and no way off the site after it), a phone's screen and dark mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshotPath } from './harness.js';

let server, browser;
const ids = { routine: [], transfer: null };
const TRANSFER = {
  function_name: 'transfer_funds',
  kwargs: { amount: 48500, currency: 'EUR', recipient: 'Nordwind Logistics GmbH', iban: 'DE89370400440532013000', reference: 'INV-2026-1142' },
  metadata: { reason: 'Pay the overdue freight invoice INV-2026-1142' },
};

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (let i = 0; i < 30; i++) {
    ids.routine.push((await server.create({ function_name: 'update_record', kwargs: { table: 'tickets', id: 1000 + i, status: 'closed' } })).request_id);
  }
  ids.transfer = (await server.create(TRANSFER)).request_id;
});
after(async () => { await browser?.close(); await server?.stop(); });

const rows = (page) => page.locator('#pending-list li.req');
const rowCount = (page, n) => page.waitForFunction((n) => document.querySelectorAll('#pending-list li.req').length === n, n, { timeout: 5000 });

test('sign-in works without JavaScript, by POST, and never leaves the site afterwards', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const sent = [];
  page.on('request', (r) => sent.push({ method: r.method(), url: r.url(), body: r.postData() }));
  await page.goto(server.url + '/login?next=%2Fhistory');
  await page.getByLabel('Name').fill('alice');
  await page.getByLabel('Password').fill(server.passwords.alice);
  await Promise.all([page.waitForURL(server.url + '/history'), page.getByRole('button', { name: 'Sign in' }).click()]);
  const post = sent.find((r) => r.method === 'POST');
  assert.ok(post, 'the form was posted');
  assert.equal(new URL(post.url).pathname, '/login');
  assert.ok(!sent.some((r) => r.url.includes(encodeURIComponent(server.passwords.alice)) || r.url.includes(server.passwords.alice)), 'password in a URL');
  await context.close();

  // With JavaScript, a `next` that a browser reads as another host (tab stripped) stays here.
  for (const evil of ['%2F%09%2Fevil.example', '%2F%5Cevil.example', '%2F%2Fevil.example', 'https%3A%2F%2Fevil.example']) {
    const p = await newPage(browser);
    await p.goto(server.url + '/login?next=' + evil);
    await p.getByLabel('Name').fill('alice');
    await p.getByLabel('Password').fill(server.passwords.alice);
    await Promise.all([p.waitForURL(server.url + '/'), p.getByRole('button', { name: 'Sign in' }).click()]);
    assert.equal(new URL(p.url()).host, new URL(server.url).host, evil);
    await p.context().close();
  }
});

test('a flood is paged with a total; sorting by risk puts the transfer first', async () => {
  const page = await newPage(browser);
  await login(page, server, 'alice');
  await rowCount(page, 25);
  assert.equal(await page.locator('#pending-total').textContent(), '(31)');
  assert.equal(await page.locator('#page-info').textContent(), '1–25 of 31');
  await page.getByRole('button', { name: 'Next page' }).click();
  await rowCount(page, 6);
  assert.equal(await page.locator('#page-info').textContent(), '26–31 of 31');
  await page.getByRole('button', { name: 'First page' }).click();
  await rowCount(page, 25);
  await page.locator('#f-sort').selectOption('risk');
  await page.waitForFunction((id) => document.querySelector('#pending-list li.req')?.dataset.id === id, ids.transfer, { timeout: 5000 });
  const top = rows(page).first();
  assert.equal(await top.locator('a.action').textContent(), 'Transfer €48,500.00 to Nordwind Logistics GmbH — DE89 3704 0044 0532 0130 00');
  assert.match(await top.locator('.claim').textContent(), /^Agent says \(unverified\): Pay the overdue freight invoice/);
  await page.screenshot({ path: screenshotPath('web-inbox.png'), fullPage: false });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('filters and search narrow the list; the total follows', async () => {
  const page = await newPage(browser);
  await login(page, server, 'alice');
  await rowCount(page, 25);
  await page.locator('#f-q').fill('nordwind');
  await rowCount(page, 1);
  assert.equal(await page.locator('#pending-total').textContent(), '(1)');
  await page.locator('#f-q').fill('');
  await page.locator('#f-action').fill('update_record');
  await page.waitForFunction(() => document.querySelector('#pending-total').textContent === '(30)', null, { timeout: 5000 });
  await page.locator('#f-action').fill('');
  await page.locator('#f-risk').selectOption('high,critical');
  await page.waitForFunction(() => {
    const r = [...document.querySelectorAll('#pending-list li.req')];
    return r.length > 0 && r.every((li) => li.dataset.risk === 'high' || li.dataset.risk === 'critical');
  }, null, { timeout: 5000 });
  assert.ok(await page.locator(`#pending-list li.req[data-id="${ids.transfer}"]`).count() === 1);
  await page.locator('#f-agent').fill('nobody');
  await page.getByText('Nothing is waiting for approval.').waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('keyboard: j/k move, ? shows the shortcuts, o opens the request', async () => {
  const page = await newPage(browser);
  await login(page, server, 'alice');
  await rowCount(page, 25);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await page.locator('li.req.focused').getAttribute('data-index'), '1');
  await page.keyboard.press('?');
  await page.locator('#shortcuts').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await page.locator('#shortcuts').waitFor({ state: 'hidden' });
  const id = await page.locator('li.req.focused').getAttribute('data-id');
  await Promise.all([page.waitForURL(`**/requests/${id}`), page.keyboard.press('o')]);
  await page.locator('#summary').waitFor();
  // The request page states what expiry does.
  assert.match(await page.locator('#expiry').textContent(), /it is denied \(fail_mode: deny\)/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('bulk deny: select a page of routine requests, give one reason, deny them all', async () => {
  const page = await newPage(browser);
  await login(page, server, 'alice');
  await page.locator('#f-action').fill('update_record');
  await page.waitForFunction(() => document.querySelector('#pending-total').textContent === '(30)', null, { timeout: 5000 });
  const chosen = await page.locator('#pending-list li.req').evaluateAll((lis) => lis.map((li) => li.dataset.id));
  assert.equal(chosen.length, 25);
  assert.equal(await page.locator('#bulk-deny').isDisabled(), true);
  await page.locator('#select-all').check();
  await page.locator('#bulk-reason').fill('ticket flood from a misconfigured agent');
  await page.getByRole('button', { name: 'Deny selected (25)' }).click();
  await page.locator('#bulk-result').filter({ hasText: 'Denied 25.' }).waitFor({ timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('#pending-total').textContent === '(5)', null, { timeout: 5000 });
  for (const id of chosen.slice(0, 3)) {
    const view = await server.approverView(id);
    assert.equal(view.status, 'denied');
    assert.match(view.decision.reason, /ticket flood from a misconfigured agent/);
    assert.deepEqual(view.decision.approvers, ['alice']);
  }
  // `d` selects the focused request for denial and moves to the reason.
  await page.keyboard.press('j');
  await page.keyboard.press('d');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'bulk-reason');
  assert.equal(await page.locator('#bulk-deny').textContent(), 'Deny selected (1)');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a new high or critical request notifies and badges the tab title', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  // Record notifications instead of showing them (the test has no desktop).
  await context.addInitScript(() => {
    window.__notes = [];
    class Recorded {
      constructor(title, options) { window.__notes.push({ title, body: options && options.body }); }
      static get permission() { return 'granted'; }
      static requestPermission() { return Promise.resolve('granted'); }
    }
    window.Notification = Recorded;
  });
  const page = await context.newPage();
  await login(page, server, 'bob');
  await page.locator('#live-status').filter({ hasText: 'Live' }).waitFor();
  const before = await page.title();
  assert.match(before, /^\(\d+\) Pending approvals/);
  const n = Number(before.match(/^\((\d+)\)/)[1]);
  await server.create({ function_name: 'drop_table', kwargs: { table: 'customers', database: 'production' }, environment: 'production' });
  await page.waitForFunction(() => window.__notes.length === 1, null, { timeout: 5000 });
  const note = await page.evaluate(() => window.__notes[0]);
  assert.match(note.title, /critical|high/);
  assert.match(note.body, /customers/);
  await page.waitForFunction((n) => document.title.startsWith('(' + (n + 1) + ')'), n, { timeout: 5000 });
  // A routine request does not notify.
  await server.create({ function_name: 'update_record', kwargs: { table: 'tickets', id: 9 } });
  await page.waitForFunction(() => document.querySelector('#pending-total').textContent !== '', null);
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(await page.evaluate(() => window.__notes.length), 1);
  await context.close();
});

test('on a phone nothing is clipped and nothing scrolls sideways; dark mode follows the system', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-GB' });
  const page = await context.newPage();
  await login(page, server, 'alice');
  await page.locator('#f-q').fill('nordwind');
  await page.waitForFunction((id) => document.querySelector('#pending-list li.req')?.dataset.id === id, ids.transfer, { timeout: 5000 });
  const noSideways = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  assert.ok(await noSideways(), 'the inbox scrolls sideways on a phone');
  await page.screenshot({ path: screenshotPath('web-inbox-phone.png') });
  await page.goto(server.url + '/requests/' + ids.transfer);
  await page.locator('#summary').waitFor();
  assert.ok(await noSideways(), 'the request page scrolls sideways on a phone');
  // The IBAN is shown whole, grouped, inside the screen.
  const iban = page.locator('#arguments-table td.nice-value', { hasText: 'DE89 3704 0044 0532 0130 00' });
  const box = await iban.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
  const raw = page.locator('#arguments-table td.raw-value', { hasText: 'DE89370400440532013000' });
  const rawBox = await raw.boundingBox();
  assert.ok(rawBox && rawBox.x + rawBox.width <= 390, JSON.stringify(rawBox));
  assert.match(await page.locator('#agent-reason').textContent(), /agent's own claim, not verified/);
  await page.screenshot({ path: screenshotPath('web-request-phone.png'), fullPage: true });
  await context.close();

  const dark = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'dark' });
  const dpage = await dark.newPage();
  await login(dpage, server, 'alice');
  await dpage.locator('#f-sort').selectOption('risk');
  await dpage.waitForFunction(() => document.querySelectorAll('#pending-list li.req').length > 3, null, { timeout: 5000 });
  const bg = await dpage.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 150, 'dark background: ' + bg);
  await dpage.screenshot({ path: screenshotPath('web-inbox-dark.png') });
  await dark.close();
});

test('invisible and direction-changing characters are shown; look-alike letters are marked', async () => {
  const tricky = await server.create({
    function_name: 'transfer_funds',
    kwargs: { amount: 900, currency: 'EUR', recipient: 'P\u0430yPal Ltd \u202Egnp.exe', iban: 'GB33BUKB20201555555555' },
  });
  const page = await newPage(browser);
  await login(page, server, 'alice');
  await page.goto(server.url + '/requests/' + tricky.request_id);
  await page.locator('#summary').waitFor();
  const summary = await page.locator('#summary').textContent();
  assert.ok(summary.includes('⟨U+202E⟩'), summary);
  assert.ok(!summary.includes('\u202E'), 'the raw override character reached the page');
  const warning = await page.locator('#arguments-table .confusable').first().textContent();
  assert.match(warning, /Latin and Cyrillic|Cyrillic and Latin/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

// Confirm: the button stays disabled for the minimum review time, and the server refuses an
// early answer sent around the button; a forged request without the CSRF token changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, browserPost } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('confirm is refused early (disabled button and server-side), then approves', async () => {
  const page = await newPage(browser);
  await login(page, server, 'alice');
  const req = await server.create({ function_name: 'update_record', kwargs: { table: 'invoices', id: 42, status: 'paid' } });
  assert.equal(req.challenge, 'confirm');
  await page.goto(`${server.url}/requests/${req.request_id}`);
  const button = page.getByRole('button', { name: 'Confirm and approve' });
  await button.waitFor();
  const opened = Date.now();

  // The page: disabled, with a countdown.
  assert.equal(await button.isDisabled(), true);
  assert.match(await page.locator('#countdown').textContent(), /you can answer in [1-4] s/);
  // A click on the disabled button does nothing (force past playwright's own check).
  await button.click({ force: true });
  assert.equal((await server.approverView(req.request_id)).status, 'pending');

  // A forged POST from the page's own origin, with a valid CSRF token, sent too early.
  const early = await browserPost(page, `/v1/requests/${req.request_id}/answer`,
    { action_digest: req.action_digest, response: { kind: 'confirm', answer: 'y' } });
  assert.equal(early.status, 409, JSON.stringify(early.body));
  assert.equal(early.body.error.code, 'too_early');
  assert.ok(early.body.error.retry_after_seconds >= 1);

  // An answer bound to another action's digest is refused.
  const replay = await browserPost(page, `/v1/requests/${req.request_id}/answer`,
    { action_digest: '0'.repeat(64), response: { kind: 'confirm', answer: 'y' } });
  assert.equal(replay.status, 409);
  assert.equal(replay.body.error.code, 'digest_mismatch');

  // The button becomes usable only once the minimum review time (4 s) is over.
  await page.waitForFunction(() => !document.getElementById('answer-submit').disabled, null, { timeout: 8000 });
  assert.ok(Date.now() - opened >= 3000, `enabled after ${Date.now() - opened} ms`);
  assert.match(await page.locator('#countdown').textContent(), /Minimum review time reached/);
  // Forged without the CSRF token: refused before anything is stored,
  // although the review time is now over.
  const forged = await browserPost(page, `/v1/requests/${req.request_id}/answer`,
    { response: { kind: 'confirm', answer: 'y' } }, { csrf: false });
  assert.equal(forged.status, 403);
  assert.equal(forged.body.error.code, 'csrf');
  const denyForged = await browserPost(page, `/v1/requests/${req.request_id}/answer`,
    { decision: 'deny', reason: 'forged' }, { csrf: false });
  assert.equal(denyForged.status, 403);
  assert.equal((await server.approverView(req.request_id)).status, 'pending');

  await button.click();
  await page.locator('#decision').waitFor();
  assert.equal(await page.locator('#decision h2').textContent(), 'Approved');
  assert.match(await page.locator('#decision').textContent(), /confirm challenge passed by alice/);

  // The agent is released with the approval, bound to its action.
  const waited = await server.wait(req.request_id);
  assert.equal(waited.status, 200);
  assert.equal(waited.body.verdict, 'approved');
  assert.deepEqual(waited.body.approvers, ['alice']);
  assert.equal(waited.body.approver_authenticated, true);
  assert.ok(waited.body.challenge.review_seconds >= 4, JSON.stringify(waited.body.challenge));
  const consumed = await server.consume(req.request_id, req.action_digest);
  assert.equal(consumed.status, 200);
  assert.equal((await server.consume(req.request_id, req.action_digest)).status, 409);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('deny with a reason needs no waiting and the reason reaches the agent and the history', async () => {
  const page = await newPage(browser);
  await login(page, server, 'bob');
  const req = await server.create({ function_name: 'update_record', kwargs: { table: 'invoices', id: 7, status: 'void' } });
  await page.goto(`${server.url}/requests/${req.request_id}`);
  await page.getByRole('button', { name: 'Deny this action' }).click();
  await page.locator('#deny-result').filter({ hasText: 'Say why you deny it.' }).waitFor();
  assert.equal((await server.approverView(req.request_id)).status, 'pending');
  await page.getByLabel(/^Reason/).fill('wrong invoice: 7 was already paid');
  await page.getByRole('button', { name: 'Deny this action' }).click();
  await page.locator('#decision').waitFor();
  assert.equal(await page.locator('#decision h2').textContent(), 'Not approved');
  assert.match(await page.locator('#decision').textContent(), /denied by bob: wrong invoice: 7 was already paid/);
  const waited = await server.wait(req.request_id);
  assert.equal(waited.body.verdict, 'denied');
  assert.match(waited.body.reason, /wrong invoice/);

  await page.getByRole('link', { name: 'History' }).click();
  const row = page.locator(`#history-rows tr[data-id="${req.request_id}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /update_record.*denied/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

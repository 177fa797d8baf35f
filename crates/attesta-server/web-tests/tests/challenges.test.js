// Quiz answered wrong (denied, the right answer never shown), and a critical request that
// needs two different approvers in two separate browser sessions (teach-back, then quiz).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, browserPost, answerFor, screenshotPath } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// A reader who got it wrong: any option but the true one, or a made-up value.
const WRONG = Symbol('wrong');

// Answers every question on the page: `pick(question, facts)` gives the value to choose or
// type, or WRONG.
async function answerQuiz(page, facts, pick) {
  const questions = page.locator('form.challenge .question');
  const n = await questions.count();
  assert.ok(n >= 1, 'the quiz shows at least one question');
  for (let i = 0; i < n; i++) {
    const q = questions.nth(i);
    const topic = await q.getAttribute('data-topic');
    const value = pick({ topic, prompt: await q.locator('legend, label').first().textContent() }, facts);
    const radios = q.locator('label.option');
    if (await radios.count()) {
      const options = await radios.locator('.value').allTextContents();
      assert.ok(options.includes(facts[topic]), `the true ${topic} ${facts[topic]} is among ${options}`);
      const index = value === WRONG ? options.findIndex((o) => o !== facts[topic]) : options.indexOf(value);
      await radios.nth(index).click();
    } else {
      await q.locator('input[type="text"]').fill(value === WRONG ? '999999' : value);
    }
  }
}

test('a wrong quiz answer denies the request without revealing the right answer', async () => {
  const page = await newPage(browser);
  await login(page, server, 'alice');
  const facts = {
    directory: '/var/app/data', file: 'report.csv', operation: 'delete_file',
    consequence: 'Files or other resources are deleted',
  };
  const req = await server.create({ function_name: 'delete_file', kwargs: { path: '/var/app/data/report.csv' } });
  assert.equal(req.challenge, 'quiz');
  await page.goto(`${server.url}/requests/${req.request_id}`);
  const submit = page.getByRole('button', { name: 'Submit answers' });
  await submit.waitFor();
  assert.equal(await submit.isDisabled(), true, 'quiz answers also wait for the minimum review time');
  await answerQuiz(page, facts, () => WRONG);
  await page.waitForFunction(() => !document.getElementById('answer-submit').disabled, null, { timeout: 6000 });

  const answered = page.waitForResponse((r) => r.url().endsWith('/answer') && r.request().method() === 'POST');
  await submit.click();
  const response = await (await answered).json();
  await page.locator('#decision').waitFor();
  const panel = await page.locator('#decision').textContent();
  assert.equal(await page.locator('#decision h2').textContent(), 'Not approved');
  assert.match(panel, /quiz challenge not passed by alice/);
  assert.match(panel, /0 of [2-9] answered correctly/);

  // Nothing says which option was right: not the page, not the API's answer.
  assert.equal(response.decision.verdict, 'denied');
  const graded = JSON.stringify(response.decision.challenge);
  // (The operation's name is on the page anyway; the graded answers must not be.)
  for (const v of [facts.directory, facts.file, facts.consequence]) {
    assert.ok(!panel.includes(v), `the decision panel reveals ${v}`);
    assert.ok(!graded.includes(v), `the graded result reveals ${v}: ${graded}`);
  }
  assert.ok(!/"accepted"|"expected"|"index"/.test(JSON.stringify(response)), JSON.stringify(response));
  assert.equal(await page.locator('form.challenge').count(), 0, 'the quiz form is gone once decided');
  assert.equal(await page.locator('.correct, [data-correct]').count(), 0);

  // Decided means decided: another answer is refused and the agent sees the denial.
  const again = await browserPost(page, `/v1/requests/${req.request_id}/answer`, { response: { kind: 'quiz', answer: ['a', 'b'] } });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'already_decided');
  const waited = await server.wait(req.request_id);
  assert.equal(waited.body.verdict, 'denied');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a critical request needs two different approvers, each in their own session', async () => {
  const facts = {
    table: 'customers', environment: 'production', resource: 'production', operation: 'drop_table',
    consequence: 'Database records are destroyed or rewritten',
  };
  const req = await server.create({ function_name: 'drop_table', kwargs: { table: 'customers', database: 'production' }, environment: 'production' });
  assert.equal(req.risk_level, 'critical');
  assert.equal(req.challenge, 'multi_party');
  assert.equal(req.approvers_required, 2);

  const alice = await newPage(browser);   // a separate browser context: its own cookies
  const bob = await newPage(browser);
  await login(alice, server, 'alice');
  await login(bob, server, 'bob');

  // Both open the request at once: both pages offer the first step, a teach-back.
  await alice.goto(`${server.url}/requests/${req.request_id}`);
  await bob.goto(`${server.url}/requests/${req.request_id}`);
  const explain = alice.getByRole('button', { name: 'Submit explanation' });
  await explain.waitFor();
  await bob.getByRole('button', { name: 'Submit explanation' }).waitFor();
  assert.match(await alice.locator('form.challenge').textContent(), /approver 1 of 2/);
  assert.match(await bob.locator('form.challenge').textContent(), /approver 1 of 2/);

  // Alice (first approver): teach-back.
  // Too short: caught on the page, nothing sent (a failed teach-back would deny the request).
  await alice.getByLabel('Your explanation').fill('drops the customers table');
  await alice.waitForFunction(() => !document.getElementById('answer-submit').disabled, null, { timeout: 6000 });
  await explain.click();
  await alice.locator('#answer-result').filter({ hasText: 'Write at least 15 words' }).waitFor();
  assert.equal((await server.approverView(req.request_id)).approvals.length, 0);
  await alice.getByLabel('Your explanation').fill(
    'This permanently drops the customers table from the production database, deleting every customer row and its schema, and it cannot be undone afterwards.');
  await alice.waitForFunction(() => !document.getElementById('answer-submit').disabled, null, { timeout: 6000 });
  await explain.click();
  await alice.locator('#waiting').waitFor();
  assert.match(await alice.locator('#waiting').textContent(), /Waiting for 1 more approver/);
  assert.match(await alice.locator('section.approvals').textContent(), /Approvals 1 of 2/);

  // The same person cannot approve twice, even by posting directly.
  const twice = await browserPost(alice, `/v1/requests/${req.request_id}/answer`,
    { response: { kind: 'quiz', answer: ['a', 'a'] } });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'already_answered');
  const agentView = await server.wait(req.request_id, 0);
  assert.equal(agentView.status, 202, 'one approval is not enough');

  // Bob's open page moves on to the second step by itself (no reload): a quiz about what the
  // action touches.
  const submit = bob.getByRole('button', { name: 'Submit answers' });
  await submit.waitFor();
  assert.match(await bob.locator('form.challenge').textContent(), /approver 2 of 2/);
  assert.match(await bob.locator('section.approvals').textContent(), /alice/);
  await answerQuiz(bob, facts, answerFor);
  await bob.waitForFunction(() => !document.getElementById('answer-submit').disabled, null, { timeout: 6000 });
  await bob.screenshot({ path: screenshotPath('web-request.png'), fullPage: true });
  await submit.click();
  await bob.locator('#decision').waitFor();
  assert.equal(await bob.locator('#decision h2').textContent(), 'Approved');
  assert.match(await bob.locator('#decision').textContent(), /multi-party approval by alice, bob/);

  // Alice's open page learns of the decision live.
  await alice.locator('#decision').waitFor({ timeout: 5000 });
  assert.equal(await alice.locator('#decision h2').textContent(), 'Approved');

  const waited = await server.wait(req.request_id);
  assert.equal(waited.body.verdict, 'approved');
  assert.deepEqual(waited.body.approvers, ['alice', 'bob']);
  assert.equal(waited.body.approver_authenticated, true);
  assert.deepEqual(alice.problems, []);
  assert.deepEqual(bob.problems, []);
  await alice.context().close();
  await bob.context().close();
});

test('an approver who approved a step may withdraw until the request is decided', async () => {
  const req = await server.create({ function_name: 'drop_table', kwargs: { table: 'invoices', database: 'production' }, environment: 'production' });
  assert.equal(req.challenge, 'multi_party');
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  await login(alice, server, 'alice');
  await login(bob, server, 'bob');
  await alice.goto(`${server.url}/requests/${req.request_id}`);
  await bob.goto(`${server.url}/requests/${req.request_id}`);
  const explain = alice.getByRole('button', { name: 'Submit explanation' });
  await explain.waitFor();
  await alice.getByLabel('Your explanation').fill(
    'This permanently drops the invoices table from the production database, deleting every invoice row and its schema, and it cannot be undone afterwards.');
  await alice.waitForFunction(() => !document.getElementById('answer-submit').disabled, null, { timeout: 6000 });
  await explain.click();
  await alice.locator('#waiting').waitFor();

  // Second thoughts: the waiting page offers a withdrawal, which needs a reason.
  const withdraw = alice.getByRole('button', { name: 'Withdraw and deny this action' });
  await withdraw.waitFor();
  await withdraw.click();
  await alice.locator('#deny-result').filter({ hasText: 'Say why you deny it.' }).waitFor();
  await alice.getByLabel(/Reason/).fill('I read the wrong database name');
  await withdraw.click();
  await alice.locator('#decision').waitFor();
  assert.equal(await alice.locator('#decision h2').textContent(), 'Not approved');
  assert.match(await alice.locator('#decision').textContent(), /approval withdrawn by alice: I read the wrong database name/);

  // Bob's open page learns of it live and offers nothing to approve.
  await bob.locator('#decision').waitFor({ timeout: 5000 });
  assert.equal(await bob.locator('#decision h2').textContent(), 'Not approved');
  assert.equal(await bob.getByRole('button', { name: 'Submit answers' }).count(), 0);
  const waited = await server.wait(req.request_id);
  assert.equal(waited.body.verdict, 'denied');
  assert.deepEqual(alice.problems, []);
  assert.deepEqual(bob.problems, []);
  await alice.context().close();
  await bob.context().close();
});

test('the audit page draws its charts from the log and shows the chain intact', async () => {
  // A few more decisions so every chart has something to show: a quick confirm by bob.
  const page = await newPage(browser);
  await login(page, server, 'bob');
  for (const id of [11, 12]) {
    const req = await server.create({ function_name: 'update_record', kwargs: { table: 'invoices', id, status: 'paid' } });
    await page.goto(`${server.url}/requests/${req.request_id}`);
    await page.waitForFunction(() => document.getElementById('answer-submit') && !document.getElementById('answer-submit').disabled, null, { timeout: 8000 });
    await page.getByRole('button', { name: 'Confirm and approve' }).click();
    await page.locator('#decision').waitFor();
  }
  // A low-risk call is auto-approved without anyone.
  const low = await server.create({ function_name: 'read_file', kwargs: { path: 'README.md' } });
  assert.equal(low.status, 'approved');

  await page.getByRole('link', { name: 'Audit' }).click();
  await page.waitForSelector('body[data-ready="true"]');
  const status = page.locator('#chain-status');
  assert.equal(await status.getAttribute('data-intact'), 'true');
  assert.match(await status.textContent(), /Intact\. [3-9] entries verified/);
  for (const id of ['chart-verdicts', 'chart-risk', 'chart-review', 'chart-stamps']) {
    const bars = await page.locator(`#${id} svg.chart-svg rect.bar`).count();
    assert.ok(bars > 0, `${id} draws bars`);
  }
  const stamps = await page.locator('#chart-stamps details table tbody tr').allTextContents();
  assert.ok(stamps.some((r) => r.startsWith('alice')) && stamps.some((r) => r.startsWith('bob')), stamps.join('|'));
  assert.match(await page.locator('#summary').textContent(), /Decisions/);

  await page.screenshot({ path: screenshotPath('web-audit.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

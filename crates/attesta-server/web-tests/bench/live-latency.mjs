// Measures, through the real browser and the real server, how fast the inbox reacts:
//  1. agent POST /v1/requests answered → the row is in the open inbox's DOM (SSE + re-render);
//  2. the approver clicks "Confirm and approve" → the agent's pending long-poll returns.
// Usage (from crates/attesta-server/web-tests): ATTESTA_BIN=… node bench/live-latency.mjs [N]
import { startServer, launchBrowser, newPage, login } from '../tests/harness.js';

const N = Number(process.argv[2] || 30);
const yaml = `
policy:
  minimum_review_seconds: {low: 0, medium: 0, high: 0, critical: 0}
  timeout_seconds: 600
audit:
  path: audit.jsonl
`;

function summary(name, values) {
  const v = [...values].sort((a, b) => a - b);
  const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return `${name}: n=${v.length} median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${v[v.length - 1].toFixed(1)} ms`;
}

const server = await startServer({ yaml });
const browser = await launchBrowser();
try {
  const inbox = await newPage(browser);
  await login(inbox, server, 'alice');
  await inbox.locator('#live-status').filter({ hasText: 'Live' }).waitFor();
  // Record when each row first appears, by the page's own clock (same machine as ours).
  await inbox.evaluate(() => {
    window.seen = {};
    new MutationObserver(() => {
      const t = Date.now();
      for (const tr of document.querySelectorAll('#pending-rows tr')) {
        if (!(tr.dataset.id in window.seen)) window.seen[tr.dataset.id] = t;
      }
    }).observe(document.getElementById('pending-rows'), { childList: true });
  });

  const appear = [];
  const ids = [];
  for (let i = 0; i < N; i++) {
    const created = await server.create({ function_name: 'update_record', kwargs: { table: 'invoices', id: 1000 + i } });
    const posted = Date.now();
    await inbox.waitForFunction((id) => id in window.seen, created.request_id, { polling: 'raf', timeout: 10_000 });
    appear.push((await inbox.evaluate((id) => window.seen[id], created.request_id)) - posted);
    ids.push(created);
  }

  const page = await newPage(browser);
  await login(page, server, 'bob');
  const release = [];
  for (const created of ids) {
    await page.goto(`${server.url}/requests/${created.request_id}`);
    await page.waitForFunction(() => { const b = document.getElementById('answer-submit'); return b && !b.disabled; });
    const waiting = server.wait(created.request_id, 30).then(() => performance.now());
    await new Promise((ok) => setTimeout(ok, 20)); // the long-poll is parked on the server
    const clicked = performance.now();
    // A DOM click (what the approver's mouse does), without playwright's actionability waits.
    await page.evaluate(() => document.getElementById('answer-submit').click());
    release.push((await waiting) - clicked);
  }
  console.log(summary('request created -> row in the open inbox', appear));
  console.log(summary('confirm clicked -> waiting agent released', release));
} finally {
  await browser.close();
  await server.stop();
}

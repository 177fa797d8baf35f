// Node, Python and the CLI append to one audit log (and one trust store) at the same time; the
// chain stays intact and every decision is in it exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAudit } from '@kyberon/attesta';
import { attestaBin, cli, run, tempDir } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function python() {
  const py = process.env.ATTESTA_PYTHON;
  if (!py) throw new Error('ATTESTA_PYTHON must name a Python with the attesta package (scripts/test-node.sh sets it)');
  return py;
}

test('Node, Python and the CLI append to one audit log concurrently; it verifies intact', async (t) => {
  const dir = tempDir(t);
  const config = join(dir, 'attesta.yaml');
  writeFileSync(config, 'audit:\n  path: shared/audit.jsonl\ntrust:\n  store: shared/trust.json\n');
  const N = 30;
  const cliCalls = 15;
  const env = { ...process.env };
  delete env.ATTESTA_CONFIG;
  const cliWriter = async () => {
    for (let i = 0; i < cliCalls; i++) {
      const action = join(dir, `cli-${i}.json`);
      writeFileSync(action, JSON.stringify({ function_name: i % 2 ? 'read_file' : 'delete_user', args: [`cli-${i}`] }));
      const out = await run(attestaBin(), ['evaluate', '-c', config, '--agent-id', 'agent-cli', action], { cwd: dir, env });
      assert.ok(out.code === 0 || out.code === 3, `attesta evaluate exited ${out.code}: ${out.stderr}`);
    }
  };
  const jobs = [
    ...['n1', 'n2', 'n3'].map((tag) => run(process.execPath, [join(here, 'workers/node-writer.mjs'), config, String(N), tag], { cwd: dir, env })),
    ...['p1', 'p2'].map((tag) => run(python(), [join(here, 'workers/python-writer.py'), config, String(N), tag], { cwd: dir, env })),
  ];
  const [outs] = await Promise.all([Promise.all(jobs), cliWriter()]);
  for (const out of outs) assert.equal(out.code, 0, out.stderr);

  const log = join(dir, 'shared/audit.jsonl');
  const entries = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(entries.length, 5 * N + cliCalls);
  const text = JSON.stringify(entries);
  for (const tag of ['n1', 'n2', 'n3', 'p1', 'p2']) {
    for (let i = 0; i < N; i++) assert.ok(text.includes(`"${tag}-${i}"`), `${tag}-${i} missing`);
  }
  for (let i = 0; i < cliCalls; i++) assert.ok(text.includes(`"cli-${i}"`), `cli-${i} missing`);

  const report = verifyAudit(log);
  assert.equal(report.intact, true, JSON.stringify(report.breaks));
  assert.equal(report.entries, 5 * N + cliCalls);
  const verify = cli(['audit', 'verify', '--log', log]);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /INTACT/);
});

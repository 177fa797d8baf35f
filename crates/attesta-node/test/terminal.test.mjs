// With a controlling terminal and no reviewer configured, Attesta asks on /dev/tty. Driven
// through a real pseudo-terminal (Python's pty module as the driver).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const python = process.env.ATTESTA_PYTHON || 'python3';

async function inTerminal(answer) {
  const out = await run(python, [join(here, 'workers/pty-driver.py'), answer, 'Approve?', process.execPath, join(here, 'workers/terminal-child.mjs')],
    { cwd: join(here, '..') });
  return out;
}

test('terminal reviewer: a human typing y approves, n denies', async () => {
  const yes = await inTerminal('y\\n');
  assert.equal(yes.code, 0, yes.stdout + yes.stderr);
  assert.match(yes.stdout, /REVIEWER terminal/);
  assert.match(yes.stdout, /restart_service/);
  assert.match(yes.stdout, /RESULT restarted api END/);
  const no = await inTerminal('n\\n');
  assert.match(no.stdout, /RESULT denied: denied END/);
});

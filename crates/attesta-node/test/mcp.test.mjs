// The seed's TypeScript MCP example as a real MCP server: compiled with tsc against the package's
// types, spawned over stdio, called by the official MCP client. Headless, so a risky tool is
// denied and never runs; a harmless one runs; every call is in the audit log, which verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { verifyAudit } from '@kyberon/attesta';
import { cli, run, tempDir } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');

test('the seed TypeScript MCP server: low-risk tools run, risky ones are denied and never run', async (t) => {
  const dir = tempDir(t);
  cpSync(join(here, 'mcp'), dir, { recursive: true });
  // The package under test as @kyberon/attesta; the SDK, zod and Node's types from its devDependencies.
  mkdirSync(join(dir, 'node_modules/@kyberon'), { recursive: true });
  symlinkSync(pkg, join(dir, 'node_modules/@kyberon/attesta'));
  for (const dep of ['@modelcontextprotocol', '@types', 'zod']) {
    symlinkSync(join(pkg, 'node_modules', dep), join(dir, 'node_modules', dep));
  }
  writeFileSync(join(dir, 'package.json'), '{"type": "module", "private": true}');
  const tsc = await run(process.execPath, [join(pkg, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir });
  assert.equal(tsc.code, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);

  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(dir, 'seed-server.js')],
    cwd: dir,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'attesta-test', version: '1.0.0' });
  await client.connect(transport);
  t.after(() => client.close());

  const tools = await client.listTools();
  assert.deepEqual(tools.tools.map((x) => x.name).sort(), ['delete_database', 'list_files', 'read_file', 'transfer_funds']);

  const call = async (name, args) => {
    const out = await client.callTool({ name, arguments: args });
    return { isError: out.isError, body: JSON.parse(out.content[0].text) };
  };
  const listed = await call('list_files', { target: '.' });
  assert.equal(listed.isError, false, JSON.stringify(listed));
  assert.deepEqual(listed.body.ran, ['list_files']);

  const dropped = await call('delete_database', { target: 'production' });
  assert.equal(dropped.isError, true);
  assert.deepEqual(dropped.body, { error: 'Denied by Attesta: delete_database' });

  const moved = await call('transfer_funds', { target: 'ACC-1', amount: 250000 });
  assert.deepEqual(moved.body, { error: 'Denied by Attesta: transfer_funds' });

  const read = await call('read_file', { target: 'notes.txt' });
  // Only the approved tools ever ran.
  assert.deepEqual(read.body.ran, ['list_files', 'read_file']);

  await client.close();
  // `new Attesta()` uses the defaults: the log is .attesta/audit.jsonl in the working directory.
  const log = join(dir, '.attesta/audit.jsonl');
  const report = verifyAudit(log);
  assert.equal(report.intact, true);
  assert.equal(report.entries, 4);
  const verify = cli(['audit', 'verify', '--log', log]);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
});

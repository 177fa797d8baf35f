// Packaging: what `npm pack` ships, no install scripts, the exports map, and the packed packages
// (main + linux-x64-gnu binary) installed into a fresh project and used from ESM and CommonJS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync, cpSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, tempDir } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, '..');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const npm = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js')
  ? [process.execPath, process.env.npm_execpath] : ['npm'];
const npmRun = (args, options) => run(npm[0], [...npm.slice(1), ...args], options);

const SHIPPED = [
  'README.md', 'ai.cjs', 'ai.d.ts', 'ai.mjs', 'index.cjs', 'index.d.ts', 'index.mjs',
  'langchain.cjs', 'langchain.d.ts', 'langchain.mjs', 'lib/ai.cjs', 'lib/attesta.cjs',
  'lib/common.cjs', 'lib/langchain.cjs', 'lib/native.cjs', 'lib/remote.cjs', 'lib/scorers.cjs',
  'package.json', 'remote.cjs', 'remote.d.ts', 'remote.mjs',
];
const PLATFORMS = ['linux-x64-gnu', 'linux-arm64-gnu', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc'];

test('package.json: engines, exports with types first, no install scripts, one optional binary per platform', () => {
  assert.equal(pkg.name, '@kyberon/attesta');
  assert.equal(pkg.engines.node, '>=20.19');
  for (const [entry, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    assert.deepEqual(Object.keys(target), ['types', 'import', 'require'], entry);
    for (const file of Object.values(target)) assert.ok(existsSync(join(pkgDir, file)), `${entry}: ${file}`);
  }
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(pkg.scripts?.[hook], undefined, hook);
  assert.deepEqual(Object.keys(pkg.optionalDependencies).sort(), PLATFORMS.map((p) => `@kyberon/attesta-${p}`).sort());
  for (const p of PLATFORMS) {
    const sub = JSON.parse(readFileSync(join(pkgDir, 'npm', p, 'package.json'), 'utf8'));
    assert.equal(sub.name, `@kyberon/attesta-${p}`);
    assert.equal(sub.version, pkg.version, `${p} version must match`);
    assert.equal(pkg.optionalDependencies[sub.name], pkg.version);
    assert.deepEqual(sub.files, [`attesta.${p}.node`]);
    assert.equal(sub.main, `attesta.${p}.node`);
    assert.ok(sub.os.length === 1 && sub.cpu.length === 1, p);
    assert.equal(sub.scripts, undefined, `${p} has no scripts`);
  }
});

test('npm pack ships exactly the API files (no sources, tests, binaries or node_modules)', async () => {
  const out = await npmRun(['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkgDir });
  assert.equal(out.code, 0, out.stderr);
  const files = JSON.parse(out.stdout)[0].files.map((f) => f.path).sort();
  assert.deepEqual(files, SHIPPED);
});

test('the packed packages install into a fresh project and work from ESM and CommonJS', async (t) => {
  const dir = tempDir(t);
  const platform = join(dir, 'platform');
  cpSync(join(pkgDir, 'npm/linux-x64-gnu'), platform, { recursive: true });
  copyFileSync(join(pkgDir, 'attesta.linux-x64-gnu.node'), join(platform, 'attesta.linux-x64-gnu.node'));
  const packs = join(dir, 'packs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(packs);
  for (const [src, name] of [[pkgDir, 'main'], [platform, 'platform']]) {
    const out = await npmRun(['pack', '--json', '--ignore-scripts', '--pack-destination', packs], { cwd: src });
    assert.equal(out.code, 0, `${name}: ${out.stderr}`);
  }
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{"private": true, "type": "module"}');
  const install = await npmRun(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--offline', '--no-package-lock',
    join(packs, `kyberon-attesta-${pkg.version}.tgz`), join(packs, `kyberon-attesta-linux-x64-gnu-${pkg.version}.tgz`)],
  { cwd: app, env: { ...process.env, npm_config_cache: join(dir, 'npm-cache') } });
  assert.equal(install.code, 0, install.stderr);
  assert.ok(!existsSync(join(app, 'node_modules/@kyberon/attesta/attesta.linux-x64-gnu.node')));
  writeFileSync(join(app, 'esm.mjs'), `
    import { Attesta, Verdict } from '@kyberon/attesta';
    import { RemoteAttesta } from '@kyberon/attesta/remote';
    import { gateTools } from '@kyberon/attesta/ai';
    import { attestaMiddleware } from '@kyberon/attesta/langchain';
    const r = await new Attesta({ audit: false, trust: false }).evaluate({ functionName: 'get_time' });
    if (r.verdict !== Verdict.APPROVED) throw new Error(r.reason);
    if (typeof RemoteAttesta !== 'function' || typeof gateTools !== 'function' || typeof attestaMiddleware !== 'function') throw new Error('exports');
    console.log('esm ok');`);
  writeFileSync(join(app, 'cjs.cjs'), `
    const { Attesta, AttestaDenied } = require('@kyberon/attesta');
    const denied = new Attesta({ audit: false, trust: false }).gate(() => 1, { functionName: 'drop', risk: 'high' });
    denied().then(() => { throw new Error('ran'); }, (e) => { if (!(e instanceof AttestaDenied)) throw e; console.log('cjs ok'); });`);
  for (const [file, expect] of [['esm.mjs', 'esm ok'], ['cjs.cjs', 'cjs ok']]) {
    const out = await run(process.execPath, [file], { cwd: app });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, new RegExp(expect));
  }
  // Without the platform package (npm --omit=optional, or an unsupported platform): a clear error.
  const bare = join(dir, 'bare');
  mkdirSync(bare);
  writeFileSync(join(bare, 'package.json'), '{"private": true}');
  const bareInstall = await npmRun(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--offline', '--no-package-lock', '--omit=optional',
    join(packs, `kyberon-attesta-${pkg.version}.tgz`)], { cwd: bare, env: { ...process.env, npm_config_cache: join(dir, 'npm-cache') } });
  assert.equal(bareInstall.code, 0, bareInstall.stderr);
  const missing = await run(process.execPath, ['-e', "require('@kyberon/attesta')"], { cwd: bare });
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /@kyberon\/attesta-linux-x64-gnu is missing .*Build it from source/);
  // The pure-JS entry points still load there.
  const remoteOnly = await run(process.execPath, ['-e', "require('@kyberon/attesta/remote'); require('@kyberon/attesta/ai')"], { cwd: bare });
  assert.equal(remoteOnly.code, 0, remoteOnly.stderr);

  // Types resolve through the exports map for a TypeScript consumer.
  writeFileSync(join(app, 'check.ts'), `
    import { Attesta, type ApprovalResult } from '@kyberon/attesta';
    import { RemoteAttesta } from '@kyberon/attesta/remote';
    const a: Attesta = new Attesta({ audit: false });
    const p: Promise<ApprovalResult> = a.evaluate({ functionName: 'x', kwargs: { a: 1 } });
    const r = new RemoteAttesta({ url: 'http://127.0.0.1:1', token: 't' });
    void p; void r;`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['check.ts'] }));
  const tsc = await run(process.execPath, [join(pkgDir, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app });
  assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr);
});

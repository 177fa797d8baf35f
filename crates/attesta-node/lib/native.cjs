'use strict';
// Loads the native addon: a binary built in this directory (building from source), else the
// per-platform package npm installed from optionalDependencies. Nothing is downloaded here.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

function isMusl() {
  if (process.platform !== 'linux') return false;
  try {
    const report = process.report && process.report.getReport();
    return !(report && report.header && report.header.glibcVersionRuntime);
  } catch {
    return false;
  }
}

function platformTag() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

const SUPPORTED = ['linux-x64-gnu', 'linux-arm64-gnu', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc'];

function load() {
  const tag = platformTag();
  const local = join(__dirname, '..', `attesta.${tag}.node`);
  if (existsSync(local)) return require(local);
  try {
    return require(`@kyberon/attesta-${tag}`);
  } catch (error) {
    const hint = SUPPORTED.includes(tag)
      ? `the package @kyberon/attesta-${tag} is missing (was the install run with --omit=optional or --no-optional?)`
      : `no prebuilt binary exists for ${tag} (prebuilt: ${SUPPORTED.join(', ')})`;
    const wrapped = new Error(
      `@kyberon/attesta cannot load its native addon: ${hint}. Build it from source (docs/typescript.md), ` +
        'or use the fetch-only client @kyberon/attesta/remote.',
    );
    wrapped.cause = error;
    throw wrapped;
  }
}

module.exports = load();

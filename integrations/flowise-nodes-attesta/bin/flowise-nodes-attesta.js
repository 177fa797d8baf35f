#!/usr/bin/env node
// Installs the Attesta Gated Tool node and the Attesta API credential into a Flowise
// installation. Flowise 3.1 loads nodes only from flowise-components/dist/nodes/** and
// credentials from flowise-components/dist/credentials/, so the built files are copied there.
//
//   flowise-nodes-attesta install   --flowise DIR   copy (again) — idempotent
//   flowise-nodes-attesta uninstall --flowise DIR   remove exactly what install copied
//   flowise-nodes-attesta status    --flowise DIR   say whether it is installed
//
// DIR is the Flowise installation (the folder holding node_modules/flowise, e.g. the output of
// `npm root -g`/.. for a global install) or flowise-components itself. Restart Flowise afterwards
// and start it with SHOW_COMMUNITY_NODES=true (community nodes, those with an author, are hidden
// otherwise).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const MARKER = 'Installed into Flowise by flowise-nodes-attesta.';
const MANIFEST = '.attesta-install.json';
const packageRoot = path.join(__dirname, '..');
const pkg = require(path.join(packageRoot, 'package.json'));

class UsageError extends Error {}

function findComponents(dir) {
	const start = path.resolve(dir);
	const own = path.join(start, 'package.json');
	if (fs.existsSync(own) && JSON.parse(fs.readFileSync(own, 'utf8')).name === 'flowise-components') return start;
	const candidates = [start, path.join(start, 'node_modules', 'flowise')];
	for (const from of candidates) {
		let entry;
		try {
			// The package's exports do not include package.json: resolve its entry, then walk up.
			entry = require.resolve('flowise-components', { paths: [from] });
		} catch {
			continue;
		}
		for (let d = path.dirname(entry); d !== path.dirname(d); d = path.dirname(d)) {
			const file = path.join(d, 'package.json');
			if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).name === 'flowise-components') return d;
		}
	}
	throw new UsageError(`no flowise-components found from ${start}: pass --flowise with the Flowise installation folder`);
}

function targets(components) {
	const nodeDir = path.join(components, 'dist', 'nodes', 'tools', 'AttestaGatedTool');
	const credential = path.join(components, 'dist', 'credentials', 'AttestaApi.credential.js');
	return { nodeDir, credential, manifest: path.join(nodeDir, MANIFEST) };
}

function built() {
	const nodeDir = path.join(packageRoot, 'dist', 'nodes', 'AttestaGatedTool');
	const credential = path.join(packageRoot, 'dist', 'credentials', 'AttestaApi.credential.js');
	if (!fs.existsSync(nodeDir) || !fs.existsSync(credential)) {
		throw new UsageError('the package is not built: run `npm run build` first');
	}
	return { nodeDir, credential };
}

function ours(file) {
	return fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(MARKER);
}

function readManifest(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return null;
	}
}

function install(components) {
	const from = built();
	const to = targets(components);
	if (fs.existsSync(to.credential) && !ours(to.credential)) {
		throw new UsageError(`${to.credential} exists and was not installed by flowise-nodes-attesta; not overwriting it`);
	}
	if (fs.existsSync(to.nodeDir) && !fs.existsSync(to.manifest)) {
		throw new UsageError(`${to.nodeDir} exists and was not installed by flowise-nodes-attesta; not overwriting it`);
	}
	const previous = readManifest(to.manifest);
	fs.mkdirSync(to.nodeDir, { recursive: true });
	const files = [];
	for (const name of fs.readdirSync(from.nodeDir)) {
		if (!/\.(js|svg)$/.test(name)) continue; // no maps or type declarations in Flowise
		fs.copyFileSync(path.join(from.nodeDir, name), path.join(to.nodeDir, name));
		files.push(path.relative(components, path.join(to.nodeDir, name)));
	}
	fs.copyFileSync(from.credential, to.credential);
	files.push(path.relative(components, to.credential));
	// Files an older version installed and this one no longer has.
	for (const stale of previous?.files ?? []) {
		if (!files.includes(stale)) fs.rmSync(path.join(components, stale), { force: true });
	}
	fs.writeFileSync(to.manifest, `${JSON.stringify({ package: pkg.name, version: pkg.version, files }, null, 2)}\n`);
	return files;
}

function uninstall(components) {
	const to = targets(components);
	const manifest = readManifest(to.manifest);
	if (!manifest) return [];
	const removed = [];
	for (const rel of manifest.files) {
		const file = path.join(components, rel);
		if (!fs.existsSync(file)) continue;
		if (rel.endsWith('.credential.js') && !ours(file)) continue;
		fs.rmSync(file);
		removed.push(rel);
	}
	fs.rmSync(to.manifest, { force: true });
	if (fs.existsSync(to.nodeDir) && fs.readdirSync(to.nodeDir).length === 0) fs.rmdirSync(to.nodeDir);
	return removed;
}

function main(argv) {
	const [command, ...rest] = argv;
	let dir = process.cwd();
	for (let i = 0; i < rest.length; i++) {
		if (rest[i] === '--flowise' && rest[i + 1]) dir = rest[++i];
		else if (rest[i].startsWith('--flowise=')) dir = rest[i].slice('--flowise='.length);
		else throw new UsageError(`unknown argument ${rest[i]}`);
	}
	if (!['install', 'uninstall', 'status'].includes(command)) {
		throw new UsageError('usage: flowise-nodes-attesta install|uninstall|status [--flowise DIR]');
	}
	const components = findComponents(dir);
	if (command === 'install') {
		const files = install(components);
		console.log(`installed ${pkg.name} ${pkg.version} into ${components}:\n  ${files.join('\n  ')}`);
		console.log('restart Flowise with SHOW_COMMUNITY_NODES=true to see "Attesta Gated Tool" under Tools');
	} else if (command === 'uninstall') {
		const removed = uninstall(components);
		console.log(removed.length ? `removed from ${components}:\n  ${removed.join('\n  ')}` : `${pkg.name} is not installed in ${components}`);
	} else {
		const manifest = readManifest(targets(components).manifest);
		console.log(manifest ? `${manifest.package} ${manifest.version} is installed in ${components}` : `${pkg.name} is not installed in ${components}`);
		process.exitCode = manifest ? 0 : 3;
	}
}

try {
	main(process.argv.slice(2));
} catch (error) {
	console.error(`flowise-nodes-attesta: ${error.message}`);
	process.exitCode = error instanceof UsageError ? 2 : 1;
}

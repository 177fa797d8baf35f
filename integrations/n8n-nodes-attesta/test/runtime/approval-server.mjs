// A real `attesta serve` on a free loopback port with a temporary SQLite database, and a test
// approver that answers through the JSON API (what a human does in the web inbox).

import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';

export function attestaBin() {
	const bin = process.env.ATTESTA_BIN;
	if (!bin) throw new Error('ATTESTA_BIN must name the attesta binary (cargo build -p attesta-cli)');
	return bin;
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort() {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

export class ApprovalServer {
	constructor(dir) {
		this.dir = dir;
		this.db = join(dir, 'server.db');
		// Every level asks a human for a confirm; no minimum review time so the approver's
		// answer never depends on the clock.
		writeFileSync(
			join(dir, 'attesta.yaml'),
			'policy:\n  challenge_map: {low: confirm, medium: confirm, high: confirm, critical: confirm}\n' +
				'  minimum_review_seconds: {low: 0, medium: 0, high: 0, critical: 0}\n  timeout_seconds: 300\n' +
				'trust:\n  enabled: false\n',
		);
	}

	cli(...args) {
		return execFileSync(attestaBin(), args, { cwd: this.dir, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 }).trim();
	}

	async start() {
		this.agentToken = this.cli('serve', '--db', this.db, 'add-agent', 'n8n-bot');
		this.approverToken = this.cli('serve', '--db', this.db, 'add-approver', 'alice');
		this.process = spawn(attestaBin(), ['serve', '--listen', '127.0.0.1:0', '--db', this.db], {
			cwd: this.dir,
			env: { ...process.env, NO_COLOR: '1' },
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		this.url = await new Promise((resolve, reject) => {
			let text = '';
			const timer = setTimeout(() => reject(new Error(`attesta serve did not report its address: ${text}`)), 30_000);
			this.process.stderr.on('data', (chunk) => {
				text += chunk;
				const match = text.match(/http:\/\/127\.0\.0\.1:\d+/);
				if (match) {
					clearTimeout(timer);
					resolve(match[0]);
				}
			});
			this.process.on('exit', (code) => reject(new Error(`attesta serve exited ${code}: ${text}`)));
		});
		this.process.stderr.resume();
	}

	stop() {
		if (this.process && this.process.exitCode === null) this.process.kill('SIGTERM');
	}

	async api(method, path, body, token = this.approverToken) {
		const res = await fetch(`${this.url}${path}`, {
			method,
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : null };
	}

	/**
	 * Answers pending requests as they arrive: `decide(request)` gets the approver's view and
	 * returns 'approve' or 'deny'. Stops after `count` answers or at `deadline` (ms).
	 */
	async answer(count, decide, deadlineMs = Date.now() + 300_000) {
		const answered = [];
		while (answered.length < count) {
			if (Date.now() > deadlineMs) throw new Error(`only ${answered.length} of ${count} requests arrived`);
			const list = await this.api('GET', '/v1/requests?status=pending');
			for (const summary of list.body.requests) {
				if (answered.some((a) => a.request_id === summary.request_id)) continue;
				const view = await this.api('GET', `/v1/requests/${summary.request_id}`);
				const choice = decide(view.body);
				const body =
					choice === 'approve'
						? { action_digest: view.body.action_digest, response: { kind: 'confirm', answer: 'y' } }
						: { decision: 'deny', reason: 'not this one' };
				const res = await this.api('POST', `/v1/requests/${summary.request_id}/answer`, body);
				if (res.status !== 200) throw new Error(`answer failed: ${JSON.stringify(res.body)}`);
				answered.push({ request_id: summary.request_id, choice, view: view.body, decision: res.body.decision });
			}
			await new Promise((r) => setTimeout(r, 100));
		}
		return answered;
	}
}

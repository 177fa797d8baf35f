import {
	NodeConnectionTypes,
	NodeOperationError,
	SEND_AND_WAIT_OPERATION,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import {
	actionDigest,
	buildContext,
	callbackSecret,
	consume,
	createRequest,
	gate,
	normaliseServerUrl,
	toOutput,
	verifyCallback,
	type ActionContext,
	type GateOutput,
	type Transport,
} from './core';

type Context = IExecuteFunctions | IWebhookFunctions;

/**
 * n8n's waiting-execution URL (`$execution.resumeUrl`), the same kind its send-and-wait nodes
 * use: n8n owns it, so there is nothing to register or delete on a remote service. The approval
 * server POSTs the decision notification to it (the request's `callback_url`).
 */
const resumeWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

const DEFAULT_GATE_TIMEOUT = 300;
/** Requests one execution keeps open at once (each is a long-poll on the approval server). */
const MAX_PARALLEL = 8;

/** `Promise.all` over `items` with at most `limit` calls in flight; results keep their order. */
async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await fn(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}
const DEFAULT_WAIT_TIMEOUT = 3600;

/** HTTP to the approval server with the credential's bearer token; statuses are returned, not thrown. */
function transport(context: Context, base: string): Transport {
	return async (method, path, body, timeoutMs) => {
		const response = (await context.helpers.httpRequestWithAuthentication.call(context, 'attestaApi', {
			method,
			url: `${base}${path}`,
			body: body as IDataObject | undefined,
			json: true,
			timeout: timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
		return { status: response.statusCode, body: response.body };
	};
}

async function serverBase(context: Context): Promise<string> {
	const credentials = await context.getCredentials<{ serverUrl?: string }>('attestaApi');
	return normaliseServerUrl(credentials.serverUrl);
}

async function secretFor(context: Context): Promise<string> {
	const credentials = await context.getCredentials<{ agentToken?: string }>('attestaApi');
	const token = typeof credentials.agentToken === 'string' ? credentials.agentToken : '';
	if (!token) throw new NodeOperationError(context.getNode(), 'the Attesta API credential has no agent token');
	return callbackSecret(token, context.getExecutionId(), context.getNode().id);
}

function contextFor(context: IExecuteFunctions, index: number, item: INodeExecutionData): ActionContext {
	const operation = context.getNodeParameter('operation', index) as string;
	const options = context.getNodeParameter('options', index, {}) as IDataObject;
	let args: unknown;
	let doc = options.functionDoc as string | undefined;
	if (operation === SEND_AND_WAIT_OPERATION) {
		const message = context.getNodeParameter('message', index, '') as string;
		const extra = context.getNodeParameter('argumentsJson', index, '{}');
		const parsed = typeof extra === 'string' && extra.trim() ? JSON.parse(extra) : extra;
		args = { ...(parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { arguments: parsed }), message };
		doc = doc || message;
	} else if (context.getNodeParameter('argumentsFrom', index) === 'item') {
		args = item.json;
	} else {
		args = context.getNodeParameter('argumentsJson', index, '{}');
	}
	return buildContext({
		functionName: context.getNodeParameter('functionName', index) as string,
		arguments: args,
		functionDoc: doc,
		hints: options.hints,
		agentId: options.agentId as string | undefined,
		sessionId: options.sessionId as string | undefined,
		environment: options.environment as string | undefined,
		source: 'n8n',
	});
}

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function reviewItem(output: GateOutput): INodeExecutionData {
	return { json: { data: { approved: !output.denied, ...output } }, pairedItem: { item: 0 } };
}

async function sendAndWait(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const name = String(this.getNodeParameter('functionName', 0, ''));
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const timeout = Number(options.timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT);
	try {
		const ctx = contextFor(this, 0, items[0] ?? { json: {} });
		const http = transport(this, await serverBase(this));
		const digest = actionDigest(ctx);
		// The digest travels in n8n's signed resume URL, so the callback cannot swap the action.
		const callbackUrl = this.getSignedResumeUrl({ attesta_digest: digest });
		const { created } = await createRequest(http, ctx, { callbackUrl, callbackSecret: await secretFor(this) });
		if (created.status !== 'pending') {
			const decision = await consume(http, created.request_id as string, digest);
			return [[reviewItem(toOutput(ctx.function_name, decision))]];
		}
		await this.putExecutionToWait(new Date(Date.now() + Math.max(1, timeout) * 1000));
		// What the node outputs if the wait ends without a callback: a denial.
		const pending = toOutput(ctx.function_name, created, `no decision within ${timeout} s; denied (fail closed)`);
		pending.verdict = 'timed_out';
		pending.request_id = created.request_id as string;
		return [[reviewItem(pending)]];
	} catch (error) {
		return [[reviewItem(toOutput(name || 'unknown', null, reasonOf(error)))]];
	}
}

export class AttestaGate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Attesta Gate',
		name: 'attestaGate',
		icon: { light: 'file:attesta.svg', dark: 'file:attesta.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "sendAndWait" ? "Send and wait" : "Gate: " + $parameter["functionName"]}}',
		description:
			'Gate workflow steps behind the Attesta approval server: a human proves they understood a risky action before it runs',
		defaults: { name: 'Attesta Gate' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter.operation === "${SEND_AND_WAIT_OPERATION}" ? ["main"] : [{"type": "main", "displayName": "Approved"}, {"type": "main", "displayName": "Denied"}] }}`,
		credentials: [{ name: 'attestaApi', required: true }],
		webhooks: resumeWebhooks,
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'gate',
				options: [
					{
						name: 'Gate',
						value: 'gate',
						action: 'Gate each item behind a human approval',
						description: 'Send each item\'s action for approval; route it to Approved or Denied',
					},
					{
						name: 'Send and Wait',
						value: SEND_AND_WAIT_OPERATION,
						action: 'Send for approval and wait',
						description: 'Pause the execution until the approval server calls back with the decision',
					},
				],
			},
			{
				displayName: 'Action Name',
				name: 'functionName',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'delete_file',
				description: 'The name of the action (tool or function) being gated; the server scores it with its own policy',
			},
			{
				displayName: 'Message',
				name: 'message',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				required: true,
				displayOptions: { show: { operation: [SEND_AND_WAIT_OPERATION] } },
				description: 'What the reviewer is asked to approve (shown as the action\'s description)',
			},
			{
				displayName: 'Arguments From',
				name: 'argumentsFrom',
				type: 'options',
				default: 'json',
				displayOptions: { show: { operation: ['gate'] } },
				options: [
					{ name: 'JSON', value: 'json', description: 'The Arguments field below' },
					{ name: 'Input Item', value: 'item', description: 'The whole input item as keyword arguments' },
				],
				description: 'Where the action\'s arguments come from',
			},
			{
				displayName: 'Arguments',
				name: 'argumentsJson',
				type: 'json',
				default: '{}',
				displayOptions: { show: { argumentsFrom: ['json'] } },
				description: 'A JSON object (keyword arguments) or array (positional arguments)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Agent ID',
						name: 'agentId',
						type: 'string',
						default: '',
						description: 'Recorded as the claimed agent ID (the server records the token\'s agent)',
					},
					{
						displayName: 'Description',
						name: 'functionDoc',
						type: 'string',
						default: '',
						description: 'What the action does, shown to the reviewer',
					},
					{
						displayName: 'Environment',
						name: 'environment',
						type: 'string',
						default: '',
						placeholder: 'production',
						description: 'Can only raise the risk the server assesses',
					},
					{
						displayName: 'Hints',
						name: 'hints',
						type: 'json',
						default: '{}',
						description: 'Risk hints for the scorer, as a JSON object (e.g. {"destructive": true})',
					},
					{
						displayName: 'Session ID',
						name: 'sessionId',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Timeout (Seconds)',
						name: 'timeoutSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_GATE_TIMEOUT,
						description:
							'How long to wait for the decision; without one the item is denied (Gate default 300, Send and Wait default 3600)',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === SEND_AND_WAIT_OPERATION) return await sendAndWait.call(this);
		const items = this.getInputData();
		let http: Transport | undefined;
		let setupError = '';
		try {
			http = transport(this, await serverBase(this));
		} catch (error) {
			setupError = reasonOf(error);
		}
		// Items are sent together (up to MAX_PARALLEL at a time), so a reviewer sees them at once.
		const outputs = await mapBounded(
			items,
			MAX_PARALLEL,
			async (item, index): Promise<GateOutput> => {
				let name = '';
				try {
					name = String(this.getNodeParameter('functionName', index, ''));
					if (!http) throw new NodeOperationError(this.getNode(), setupError);
					const ctx = contextFor(this, index, item);
					const options = this.getNodeParameter('options', index, {}) as IDataObject;
					const timeout = Number(options.timeoutSeconds ?? DEFAULT_GATE_TIMEOUT);
					if (!Number.isFinite(timeout) || timeout <= 0) {
						throw new NodeOperationError(this.getNode(), 'Timeout must be a positive number of seconds', { itemIndex: index });
					}
					return await gate(http, ctx, timeout);
				} catch (error) {
					return toOutput(name.trim() || 'unknown', null, reasonOf(error));
				}
			},
		);
		const approved: INodeExecutionData[] = [];
		const denied: INodeExecutionData[] = [];
		outputs.forEach((output, index) => {
			const item = items[index];
			const out: INodeExecutionData = {
				json: { ...output, item: item.json },
				pairedItem: { item: index },
			};
			if (item.binary) out.binary = item.binary;
			(output.denied ? denied : approved).push(out);
		});
		return [approved, denied];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject() as unknown as { rawBody?: Buffer; query: Record<string, unknown> };
		const res = this.getResponseObject();
		const headers = this.getHeaderData();
		const name = String(this.getNodeParameter('functionName', ''));
		const raw = req.rawBody ? req.rawBody.toString('utf8') : JSON.stringify(this.getBodyData());
		const secret = await secretFor(this);
		if (!verifyCallback(secret, headers['x-attesta-timestamp'], headers['x-attesta-signature'], raw, Math.floor(Date.now() / 1000))) {
			// Not from the approval server (or replayed late): the execution keeps waiting.
			res.status(401).json({ error: 'invalid or missing X-Attesta-Signature' });
			return { noWebhookResponse: true };
		}
		const body = this.getBodyData() as { data?: { request_id?: unknown; action_digest?: unknown } };
		const digest = typeof req.query.attesta_digest === 'string' ? req.query.attesta_digest : '';
		const requestId = typeof body.data?.request_id === 'string' ? body.data.request_id : '';
		let output: GateOutput;
		try {
			if (!digest || body.data?.action_digest !== digest) {
				throw new NodeOperationError(this.getNode(), 'the callback is for a different action (digest mismatch)');
			}
			const decision = await consume(transport(this, await serverBase(this)), requestId, digest);
			output = toOutput(name || 'unknown', decision);
		} catch (error) {
			output = toOutput(name || 'unknown', null, reasonOf(error));
			output.request_id = requestId;
		}
		return {
			webhookResponse: { received: true },
			workflowData: [[reviewItem(output)]],
		};
	}
}

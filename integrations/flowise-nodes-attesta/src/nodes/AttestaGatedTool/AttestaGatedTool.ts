// Installed into Flowise by flowise-nodes-attesta.
// The Flowise node: Tools → "Attesta Gated Tool". Loaded by Flowise's NodesPool from
// flowise-components/dist/nodes/tools/AttestaGatedTool/ (see bin/flowise-nodes-attesta.js).

import { createGatedTool, DEFAULT_TIMEOUT_SECONDS } from './gated-tool';

interface NodeData {
	credential?: string;
	inputs?: Record<string, unknown>;
}

interface FlowiseUtils {
	getCredentialData(id: string, options: unknown): Promise<Record<string, unknown>>;
	getCredentialParam(name: string, data: Record<string, unknown>, nodeData: NodeData): unknown;
}

/** Flowise's own helpers, next to the built-in nodes this file is installed beside. */
function flowiseUtils(): FlowiseUtils {
	return require('../../../src/utils') as FlowiseUtils;
}

class AttestaGatedTool_Tools {
	label = 'Attesta Gated Tool';
	name = 'attestaGatedTool';
	version = 1.0;
	type = 'AttestaGatedTool';
	icon = 'attesta.svg';
	category = 'Tools';
	author = 'Attesta';
	description = 'Runs the connected tool only after a human approves the call on the Attesta approval server; otherwise the agent is told it was denied';
	baseClasses = [this.type, 'DynamicStructuredTool', 'StructuredTool', 'Tool', 'Runnable'];
	credential = {
		label: 'Connect Credential',
		name: 'credential',
		type: 'credential',
		credentialNames: ['attestaApi'],
	};
	inputs = [
		{ label: 'Tool', name: 'tool', type: 'Tool', description: 'The tool to gate' },
		{
			label: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			default: DEFAULT_TIMEOUT_SECONDS,
			description: 'How long a call waits for a human; without a decision it is denied',
			optional: true,
			additionalParams: true,
		},
		{
			label: 'Environment',
			name: 'environment',
			type: 'string',
			placeholder: 'production',
			description: 'Can only raise the risk the server assesses',
			optional: true,
			additionalParams: true,
		},
	];

	async init(nodeData: NodeData, _input: string, options: Record<string, unknown>): Promise<unknown> {
		const utils = flowiseUtils();
		const credentialData = await utils.getCredentialData(nodeData.credential ?? '', options);
		const serverUrl = utils.getCredentialParam('serverUrl', credentialData, nodeData);
		const agentToken = utils.getCredentialParam('agentToken', credentialData, nodeData);
		const inputs = nodeData.inputs ?? {};
		const timeout = inputs.timeoutSeconds === undefined || inputs.timeoutSeconds === '' ? DEFAULT_TIMEOUT_SECONDS : Number(inputs.timeoutSeconds);
		return createGatedTool(inputs.tool as never, {
			serverUrl: String(serverUrl ?? ''),
			agentToken: String(agentToken ?? ''),
			timeoutSeconds: timeout,
			environment: typeof inputs.environment === 'string' ? inputs.environment : undefined,
			sessionId: typeof options?.chatId === 'string' ? options.chatId : undefined,
		});
	}
}

module.exports = { nodeClass: AttestaGatedTool_Tools };

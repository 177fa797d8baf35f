import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AttestaApi implements ICredentialType {
	name = 'attestaApi';

	displayName = 'Attesta API';

	icon: Icon = { light: 'file:attesta.svg', dark: 'file:attesta.dark.svg' };

	documentationUrl = 'https://github.com/attesta-dev/attesta/blob/main/docs/n8n.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			default: 'http://127.0.0.1:7373',
			placeholder: 'https://approvals.example.com',
			description: 'Address of the Attesta approval server (`attesta serve`)',
			required: true,
		},
		{
			displayName: 'Agent Token',
			name: 'agentToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'An agent token from `attesta serve add-agent NAME` (starts with att_agent_)',
			required: true,
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.agentToken}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.serverUrl.replace(/\\/+$/, "")}}',
			url: '/v1/me',
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'role',
					value: 'approver',
					message: 'This is an approver token; the node needs an agent token (attesta serve add-agent NAME)',
				},
			},
		],
	};
}

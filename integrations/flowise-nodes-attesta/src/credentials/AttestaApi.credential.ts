// Installed into Flowise by flowise-nodes-attesta.
// Flowise credential "Attesta API": where the approval server is and the agent token to use.

class AttestaApi {
	label = 'Attesta API';
	name = 'attestaApi';
	version = 1.0;
	description = 'An agent token from <code>attesta serve add-agent NAME</code> and the approval server URL';
	inputs = [
		{ label: 'Server URL', name: 'serverUrl', type: 'string', default: 'http://127.0.0.1:7373' },
		{ label: 'Agent Token', name: 'agentToken', type: 'password' },
	];
}

module.exports = { credClass: AttestaApi };

// One Node process appending decisions to the shared audit log (concurrent.test.mjs).
import { Attesta } from '@kyberon/attesta';

const [config, count, tag] = process.argv.slice(2);
const attesta = Attesta.fromConfig(config);
const names = ['read_file', 'list_files', 'delete_user', 'get_weather', 'drop_table'];
const pending = [];
for (let i = 0; i < Number(count); i++) {
  pending.push(attesta.evaluate({
    functionName: names[i % names.length], args: [`${tag}-${i}`], agentId: `agent-${tag}`,
  }));
  if (pending.length === 8) await Promise.all(pending.splice(0));
}
await Promise.all(pending);

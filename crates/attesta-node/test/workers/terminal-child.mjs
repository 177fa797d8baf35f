// Run on a pseudo-terminal by terminal.test.mjs: the default reviewer is the terminal.
import { Attesta, AttestaDenied } from '@kyberon/attesta';

const attesta = new Attesta({ audit: false, trust: false, config: { policy: { minimum_review_seconds: { medium: 0 } } } });
console.log('REVIEWER', attesta.reviewerName);
const restart = attesta.gate(async (name) => `restarted ${name}`, { functionName: 'restart_service', risk: 'medium' });
try {
  console.log('RESULT', await restart('api'), 'END');
} catch (e) {
  if (!(e instanceof AttestaDenied)) throw e;
  console.log('RESULT denied:', e.result.verdict, 'END');
}

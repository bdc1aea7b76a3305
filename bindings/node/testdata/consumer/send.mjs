// An ES module consumer of the installed package: one report to the test server.
import fs from 'node:fs';
import { ContrastAuth, version } from '@contrast/auth';

const auth = ContrastAuth.fromEnvironment({ trustAnchors: [fs.readFileSync(process.env.CA_DER_FILE)] });
const outcome = await auth.send('POST', '/api/ng/agents/report', 'application/json', '{"consumer": "esm"}');
if (outcome.status !== 200) throw new Error(`status ${outcome.status}`);
console.log(`esm: @contrast/auth ${version}: report accepted (${outcome.status}, ${outcome.attempts} attempt(s))`);
auth.close();

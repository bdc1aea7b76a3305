// A CommonJS consumer of the installed package: one report to the test server.
const fs = require('node:fs');
const { ContrastAuth, CredentialsRejectedError, version } = require('@contrast/auth');

const auth = ContrastAuth.fromEnvironment({ trustAnchors: [fs.readFileSync(process.env.CA_DER_FILE)] });
auth.send('POST', '/api/ng/agents/report', 'application/json', '{"consumer": "cjs"}').then((outcome) => {
  if (outcome.status !== 200) throw new Error(`status ${outcome.status}`);
  if (typeof CredentialsRejectedError !== 'function') throw new Error('no CredentialsRejectedError');
  console.log(`cjs: @contrast/auth ${version}: report accepted (${outcome.status}, ${outcome.attempts} attempt(s))`);
  auth.close();
});

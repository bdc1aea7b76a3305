'use strict';
// Logging: records reach the logger on the JavaScript thread (also from libuv's pool), at the
// levels asked for; with no logger, Node's conventions (process.emitWarning for WARN/ERROR);
// every record of a full session at TRACE holds none of the planted secrets or their base64.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');
const h = require('./helpers');

const { ContrastAuth, setLogger } = h.auth();

const PLANTED = {
  USER_NAME: 'agent-PLANTED-user-7f3a',
  SERVICE_KEY: 'PLANTED-service-key-91c2',
  API_KEY: 'PLANTED-api-key-55d0',
  NEW_SERVICE_KEY: 'PLANTED-rotated-service-3b1e',
  NEW_API_KEY: 'PLANTED-rotated-api-8c4d',
};

function forms(secret) {
  const utf8 = Buffer.from(secret);
  return [secret, utf8.toString('base64'), utf8.toString('base64url'), utf8.toString('hex')];
}

const FORBIDDEN = [
  ...Object.values(PLANTED).flatMap(forms),
  ...forms(`${PLANTED.USER_NAME}:${PLANTED.SERVICE_KEY}`),
  ...forms(`${PLANTED.USER_NAME}:${PLANTED.NEW_SERVICE_KEY}`),
];

const tick = () => new Promise((resolve) => setTimeout(resolve, 50));

test('a full session at TRACE: records from every thread, none holding a secret', async () => {
  const records = [];
  setLogger((level, event, message) => records.push({ level, event, message }), 'trace');
  const server = await h.startServer({ accept: [
    `${PLANTED.USER_NAME}:${PLANTED.SERVICE_KEY}:${PLANTED.API_KEY}`,
    `${PLANTED.USER_NAME}:${PLANTED.NEW_SERVICE_KEY}:${PLANTED.NEW_API_KEY}`,
  ] });
  try {
    h.configure({ URL: server.url, USER_NAME: PLANTED.USER_NAME, SERVICE_KEY: PLANTED.SERVICE_KEY, TIMEOUT_MS: '10000',
      UNKOWN_KEY: 'x' });
    fs.writeFileSync('contrast_security.yaml', `api:\n  api_key: ${PLANTED.API_KEY}\n`);
    const handle = ContrastAuth.fromEnvironment({ trustAnchors: [fs.readFileSync(server.caDerFile)] });
    await handle.send('POST', '/api/ng/agents/report', 'application/json', '{"a": 1}');
    handle.sign('POST', `${server.url}/x`, 'application/json', '{}');
    handle.rotate({ serviceKey: PLANTED.NEW_SERVICE_KEY, apiKey: PLANTED.NEW_API_KEY });
    await handle.send('POST', '/api/ng/agents/report', 'application/json', '{"a": 2}');
    // reload() re-reads the sources: back to the configured keys.
    assert.deepEqual(handle.reload().sort(), ['api_key', 'service_key', 'signing_key']);
    await handle.send('POST', '/api/ng/agents/report', 'application/json', '{"a": 3}');
    // A rejected report (forged key) logs the rejection and the failure.
    const forged = h.handleFor(server, { serviceKey: 'PLANTED-forged' });
    await forged.send('POST', '/api/ng/agents/report', 'application/json', '{}').catch(() => {});
    handle.close();
    forged.close();
    await tick();
  } finally {
    await server.stop();
    setLogger(null);
  }
  const events = new Set(records.map((r) => r.event));
  for (const event of ['config.loaded', 'signing.signed', 'transport.connected', 'transport.sent',
    'credentials.rotated', 'credentials.reloaded', 'transport.rejected', 'transport.failed']) {
    assert.ok(events.has(event), `no ${event} record among ${[...events].join(', ')}`);
  }
  assert.ok(records.every((r) => ['error', 'warn', 'info', 'debug', 'trace'].includes(r.level)));
  assert.ok(records.length >= 10);
  for (const record of records) {
    const text = `${record.event} ${record.message}`;
    for (const secret of FORBIDDEN) {
      assert.ok(!text.includes(secret), `a record holds a planted secret: ${record.event}`);
    }
  }
});

test('maxLevel filters: at warn no info or trace record arrives', async () => {
  const records = [];
  setLogger((level, event) => records.push({ level, event }), 'warn');
  const handle = ContrastAuth.fromCredentials('https://contrast.example.com/Contrast', 'u', 's', 'a');
  handle.rotate({ apiKey: 'b' }); // INFO
  handle.sign('POST', 'https://contrast.example.com/Contrast/x', 'a/b', ''); // TRACE
  await tick();
  assert.deepEqual(records, []);
  setLogger((level, event) => records.push({ level, event }), 'info');
  handle.rotate({ apiKey: 'c' });
  await tick();
  assert.deepEqual(records, [{ level: 'info', event: 'credentials.rotated' }]);
  setLogger(null);
  handle.close();
});

test('with no logger, WARN records are process warnings (process.on("warning"))', async () => {
  setLogger(null);
  const warnings = [];
  const onWarning = (warning) => warnings.push(warning);
  process.on('warning', onWarning);
  const server = await h.startServer();
  try {
    const handle = h.handleFor(server, { serviceKey: 'WRONG' });
    await handle.send('POST', '/api/ng/agents/report', 'application/json', '{}').catch(() => {});
    handle.close();
    await tick();
  } finally {
    process.off('warning', onWarning);
    await server.stop();
  }
  const rejected = warnings.find((w) => w.code === 'transport.rejected');
  assert.ok(rejected, `no transport.rejected warning among ${warnings.map((w) => w.code)}`);
  assert.equal(rejected.name, 'ContrastAuthWarning');
  assert.match(rejected.message, /401/);
});

test('a logger that throws does not take the process down', async () => {
  setLogger(() => { throw new Error('logger bug'); }, 'info');
  const warnings = [];
  const onWarning = (warning) => warnings.push(warning);
  process.on('warning', onWarning);
  const handle = ContrastAuth.fromCredentials('https://contrast.example.com/Contrast', 'u', 's', 'a');
  handle.rotate({ apiKey: 'b' });
  await tick();
  process.off('warning', onWarning);
  setLogger(null);
  handle.close();
  assert.ok(warnings.some((w) => w.code === 'logger.failed'));
});

test('the logger never keeps the process alive', () => {
  // A child process with a logger set and records queued exits on its own.
  const { spawnSync } = require('node:child_process');
  const script = `const a = require(${JSON.stringify(h.PACKAGE)});
    a.setLogger(() => {}, 'trace');
    const x = a.ContrastAuth.fromCredentials('https://contrast.example.com/Contrast', 'u', 's', 'k');
    for (let i = 0; i < 100; i++) x.sign('POST', 'https://contrast.example.com/Contrast/a', 'a/b', '');`;
  const result = spawnSync(process.execPath, ['-e', script], { timeout: 60000 });
  assert.equal(result.error, undefined, `${result.error}`);
  assert.equal(result.status, 0, result.stderr.toString());
});

'use strict';
// send() against the crate's real loopback HTTPS test server (signatures required): both
// layers, rotation, reload after a 401, a forged key, a 503 retried, plain http:// refused, the
// trust anchors option, the event loop ticking while 200 sends to a slow server are in flight,
// and 16 concurrent sends on one handle.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const h = require('./helpers');

const {
  ContrastAuth, ContrastAuthError, CredentialsRejectedError, TlsRequiredError, TlsError, HttpStatusError,
} = h.auth();
const REPORT_PATH = '/api/ng/agents/report';

test('a report is sent with both layers and a signature, and acknowledged', async () => {
  const server = await h.startServer();
  try {
    const handle = h.handleFor(server);
    const outcome = await handle.send('POST', REPORT_PATH, 'application/json', h.REPORT);
    assert.deepEqual(outcome, { status: 200, attempts: 1, generation: 1, reloaded: false });
    const bytes = await handle.send('PUT', `${REPORT_PATH}?x=1`, 'application/octet-stream', new Uint8Array([0, 1, 2, 255]));
    assert.equal(bytes.status, 200);
    const counters = handle.counters();
    // Every field of the core's counters, each a number (index.d.ts lists the same).
    assert.deepEqual(Object.keys(counters).sort(), ['acknowledged', 'failed', 'handshakes', 'reconnects',
      'rejections', 'reloads', 'requests', 'retries']);
    assert.ok(Object.values(counters).every((v) => typeof v === 'number'));
    assert.equal(counters.reconnects, 0);
    assert.equal(counters.acknowledged, 2);
    assert.equal(counters.requests, 2);
    assert.equal(counters.failed, 0);
    assert.equal(counters.handshakes, 1, 'the second report reuses the keep-alive connection');
    const served = await h.stats(server);
    assert.equal(served.accepted, 2);
    assert.equal(served.rejected, 0);
    handle.close();
  } finally {
    await server.stop();
  }
});

test('headers() and sign() are what a server accepts from an agent with its own HTTP client', async () => {
  const server = await h.startServer();
  try {
    const handle = h.handleFor(server);
    const https = require('node:https');
    const url = `${server.url}${REPORT_PATH}`;
    const status = await new Promise((resolve, reject) => {
      const request = https.request(url, {
        method: 'POST',
        ca: fs.readFileSync(server.caFile),
        headers: { ...handle.headers(), ...handle.sign('POST', url, 'application/json', h.REPORT), 'Content-Type': 'application/json' },
      }, (response) => { response.resume(); resolve(response.statusCode); });
      request.on('error', reject);
      request.end(h.REPORT);
    });
    assert.equal(status, 200);
    handle.close();
  } finally {
    await server.stop();
  }
});

test('after a rotation reports go with the new keys', async () => {
  const server = await h.startServer({ accept: [
    `${h.USER_NAME}:${h.SERVICE_KEY}:${h.API_KEY}`, `${h.USER_NAME}:NEWSERVICEKEY:NEWAPIKEY`] });
  try {
    const handle = h.handleFor(server);
    const before = handle.fingerprints();
    handle.rotate({ serviceKey: 'NEWSERVICEKEY', apiKey: 'NEWAPIKEY' });
    const after = handle.fingerprints();
    assert.equal(after.generation, before.generation + 1);
    assert.notEqual(after.serviceKey, before.serviceKey);
    assert.notEqual(after.apiKey, before.apiKey);
    assert.equal(after.userName, before.userName);
    assert.equal(handle.apiKeyHeader(), 'NEWAPIKEY');
    const outcome = await handle.send('POST', REPORT_PATH, 'application/json', h.REPORT);
    assert.equal(outcome.generation, after.generation);
    handle.rotate({ apiKey: 'ONLYAPI' });
    assert.equal(handle.apiKeyHeader(), 'ONLYAPI');
    assert.equal(handle.fingerprints().serviceKey, after.serviceKey, 'a layer not given is kept');
    handle.close();
  } finally {
    await server.stop();
  }
});

test('a 401 reloads the configuration: the key fixed in contrast_security.yaml is picked up', async () => {
  const server = await h.startServer();
  try {
    // The API key comes from the YAML file in the working directory (the environment is read
    // once, when the handle is made; reload() re-reads the file).
    h.configure({ URL: server.url, USER_NAME: h.USER_NAME, SERVICE_KEY: h.SERVICE_KEY, TIMEOUT_MS: '10000' });
    const yaml = (apiKey) => fs.writeFileSync('contrast_security.yaml', `api:\n  api_key: ${apiKey}\n`);
    yaml('STALEAPIKEY');
    const handle = ContrastAuth.fromEnvironment({ trustAnchors: [fs.readFileSync(server.caDerFile)] });
    assert.deepEqual(handle.reload(), [], 'nothing changed yet');
    yaml(h.API_KEY); // the operator fixes the key
    const outcome = await handle.send('POST', REPORT_PATH, 'application/json', h.REPORT);
    assert.equal(outcome.status, 200);
    assert.equal(outcome.reloaded, true);
    assert.equal(outcome.attempts, 2);
    assert.equal(outcome.generation, 2);
    assert.equal(handle.apiKeyHeader(), h.API_KEY, 'the header values read after the send are the reloaded ones');
    const counters = handle.counters();
    assert.equal(counters.reloads, 1);
    assert.equal(counters.rejections, 1);
    yaml('ROTATEDAPIKEY');
    assert.deepEqual(handle.reload().sort(), ['api_key', 'signing_key']);
    assert.equal(handle.apiKeyHeader(), 'ROTATEDAPIKEY');
    handle.close();
  } finally {
    await server.stop();
  }
});

test('a forged key is refused with CredentialsRejectedError (status, attempts, fingerprints)', async () => {
  const server = await h.startServer();
  try {
    const handle = h.handleFor(server, { serviceKey: 'FORGEDSERVICEKEY' });
    const error = await handle.send('POST', REPORT_PATH, 'application/json', h.REPORT).then(
      () => assert.fail('a forged key was accepted'), (e) => e);
    assert.ok(error instanceof CredentialsRejectedError, `${error}`);
    assert.ok(error instanceof ContrastAuthError);
    assert.equal(error.code, 'CREDENTIALS_REJECTED');
    assert.equal(error.status, 401);
    assert.ok(error.attempts >= 1);
    assert.equal(error.fingerprints.serviceKey, handle.fingerprints().serviceKey);
    assert.ok(!error.message.includes('FORGEDSERVICEKEY'));
    assert.equal(handle.counters().failed, 1);
    handle.close();
  } finally {
    await server.stop();
  }
});

test('a 503 is retried (with a fresh signature) and the report acknowledged', async () => {
  const server = await h.startServer({ args: ['--fault', '503'] });
  try {
    const handle = h.handleFor(server);
    const outcome = await handle.send('POST', REPORT_PATH, 'application/json', h.REPORT);
    assert.equal(outcome.status, 200);
    assert.equal(outcome.attempts, 2);
    assert.equal(handle.counters().retries, 1);
    handle.close();
  } finally {
    await server.stop();
  }
});

test('a status that is not retried is an HttpStatusError', async () => {
  const server = await h.startServer({ args: ['--fault', '400'] });
  try {
    const handle = h.handleFor(server);
    const error = await handle.send('POST', REPORT_PATH, 'application/json', h.REPORT).catch((e) => e);
    assert.ok(error instanceof HttpStatusError, `${error}`);
    assert.equal(error.status, 400);
    handle.close();
  } finally {
    await server.stop();
  }
});

test('plain http:// is refused as TlsRequiredError, from every factory', () => {
  assert.throws(() => ContrastAuth.fromCredentials('http://127.0.0.1:1/Contrast', 'u', 's', 'a'),
    (e) => e instanceof TlsRequiredError && e.code === 'TLS_REQUIRED');
  h.configure({ URL: 'http://127.0.0.1:1/Contrast', USER_NAME: 'u', SERVICE_KEY: 's', API_KEY: 'a' });
  assert.throws(() => ContrastAuth.fromEnvironment(), TlsRequiredError);
  const token = Buffer.from(JSON.stringify({ url: 'http://127.0.0.1:1/Contrast', api_key: 'a', service_key: 's', user_name: 'u' })).toString('base64');
  assert.throws(() => ContrastAuth.fromToken(token), TlsRequiredError);
});

test('trust: the server is refused without its CA, accepted with it as a trust anchor or ca_file', async () => {
  const server = await h.startServer();
  try {
    h.configure({ URL: server.url, USER_NAME: h.USER_NAME, SERVICE_KEY: h.SERVICE_KEY, API_KEY: h.API_KEY });
    const untrusted = ContrastAuth.fromEnvironment();
    const error = await untrusted.send('POST', REPORT_PATH, 'application/json', h.REPORT).catch((e) => e);
    assert.ok(error instanceof TlsError, `${error}`);
    assert.equal(error.code, 'TLS');
    const anchored = ContrastAuth.fromEnvironment({ trustAnchors: [fs.readFileSync(server.caDerFile)] });
    assert.equal((await anchored.send('POST', REPORT_PATH, 'application/json', h.REPORT)).status, 200);
    process.env.CONTRAST__API__CERTIFICATE__CA_FILE = server.caFile;
    const caFile = ContrastAuth.fromEnvironment();
    assert.equal((await caFile.send('POST', REPORT_PATH, 'application/json', h.REPORT)).status, 200);
    assert.throws(() => ContrastAuth.fromEnvironment({ trustAnchors: [new Uint8Array([1, 2, 3])] }),
      (e) => e instanceof ContrastAuthError && /trust/i.test(e.message));
    for (const handle of [untrusted, anchored, caFile]) handle.close();
  } finally {
    await server.stop();
  }
});

test('the event loop keeps running while 200 sends to a slow server are in flight', async () => {
  const server = await h.startServer();
  const relay = await h.slowRelay(server, 20);
  try {
    const handle = h.handleFor(relay);
    let ticks = 0;
    const timer = setInterval(() => { ticks += 1; }, 5);
    let settled = 0;
    const sends = Array.from({ length: 200 }, (_, i) =>
      handle.send('POST', REPORT_PATH, 'application/json', `{"report": ${i}}`).finally(() => { settled += 1; }));
    // Ticks happen while sends are still outstanding (not only once they are all done).
    const ticksWhileInFlight = await new Promise((resolve) => {
      const check = setInterval(() => {
        if (ticks >= 5) { clearInterval(check); resolve({ ticks, settled }); }
      }, 1);
    });
    assert.ok(ticksWhileInFlight.settled < 200, `every send had finished before 5 ticks: ${JSON.stringify(ticksWhileInFlight)}`);
    const outcomes = await Promise.all(sends);
    clearInterval(timer);
    assert.ok(outcomes.every((o) => o.status === 200));
    assert.equal(handle.counters().acknowledged, 200);
    handle.close();
  } finally {
    await relay.stop();
    await server.stop();
  }
});

test('16 concurrent sends on one handle are all acknowledged', async () => {
  const server = await h.startServer();
  try {
    const handle = h.handleFor(server);
    const outcomes = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      handle.send('POST', REPORT_PATH, 'application/json', Buffer.from(`{"n": ${i}}`))));
    assert.equal(outcomes.length, 16);
    assert.ok(outcomes.every((o) => o.status === 200 && o.attempts === 1));
    assert.equal(handle.counters().acknowledged, 16);
    assert.equal((await h.stats(server)).accepted, 16);
    handle.close();
  } finally {
    await server.stop();
  }
});

test('close() while sends are in flight: they finish, later calls throw ClosedError', async () => {
  const server = await h.startServer();
  try {
    const handle = h.handleFor(server);
    const inFlight = handle.send('POST', REPORT_PATH, 'application/json', h.REPORT);
    handle.close();
    handle.close(); // idempotent
    assert.equal((await inFlight).status, 200);
    const error = await handle.send('POST', REPORT_PATH, 'application/json', h.REPORT).catch((e) => e);
    assert.equal(error.code, 'CLOSED');
  } finally {
    await server.stop();
  }
});

test('fromEnvironment also reads contrast_security.yaml from <system dir>/node/', () => {
  // The public factory searches /etc/contrast/node/; the native factory takes the system
  // directory so a test can point it at a temporary one.
  const { load } = require(path.join(h.PACKAGE, 'lib', 'loader.js'));
  const native = load();
  const system = h.tempDir();
  fs.mkdirSync(path.join(system, 'node'));
  fs.writeFileSync(path.join(system, 'node', 'contrast_security.yaml'),
    'api:\n  url: https://yaml.example.com/Contrast\n  user_name: yamluser\n  service_key: yamlsvc\n  api_key: yamlapi\n');
  h.configure({});
  const handle = native.NativeAuth.fromEnvironment([], system);
  assert.equal(handle.apiKeyHeader(), 'yamlapi');
  assert.equal(handle.authorizationHeader(), Buffer.from('yamluser:yamlsvc').toString('base64'));
  handle.close();
  fs.renameSync(path.join(system, 'node'), path.join(system, 'java'));
  assert.throws(() => native.NativeAuth.fromEnvironment([], system), (e) => e.code === 'CONFIG');
});

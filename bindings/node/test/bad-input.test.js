'use strict';
// Bad input of every kind gets a typed error naming what is wrong, never a crash, never a
// secret in the message: wrong types (TypeError), NUL/CR/LF, empty strings, malformed tokens,
// options, a closed handle, a huge body.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const h = require('./helpers');

const {
  ContrastAuth, ContrastAuthError, ConfigError, InvalidTokenError, SigningError, ClosedError,
  InvalidArgumentError, setLogger,
} = h.auth();
const URL = 'https://contrast.example.com/Contrast';
const SECRET = 'S3CRET-do-not-print';

function typeErrorNaming(name) {
  return (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE' && e.message.includes(`\`${name}\``);
}

test('wrong argument types throw TypeError naming the argument', () => {
  const good = ['https://x.example.com/Contrast', 'user', 'svc', 'api'];
  const names = ['url', 'userName', 'serviceKey', 'apiKey'];
  for (let i = 0; i < 4; i += 1) {
    for (const wrong of [undefined, null, 1, {}, [], Buffer.from('x'), Symbol('s')]) {
      const args = [...good];
      args[i] = wrong;
      assert.throws(() => ContrastAuth.fromCredentials(...args), typeErrorNaming(names[i]));
    }
  }
  assert.throws(() => ContrastAuth.fromToken(42), typeErrorNaming('token'));
  assert.throws(() => ContrastAuth.fromEnvironment(5), typeErrorNaming('options'));
  assert.throws(() => ContrastAuth.fromEnvironment({ trustAnchors: ['pem text'] }), typeErrorNaming('options.trustAnchors'));
  assert.throws(() => ContrastAuth.fromEnvironment({ trustAnchors: new Uint8Array(3) }), typeErrorNaming('options.trustAnchors'));
  const handle = ContrastAuth.fromCredentials(...good);
  assert.throws(() => handle.sign(1, URL, 'a/b', ''), typeErrorNaming('method'));
  assert.throws(() => handle.sign('POST', null, 'a/b', ''), typeErrorNaming('url'));
  assert.throws(() => handle.sign('POST', URL, undefined, ''), typeErrorNaming('contentType'));
  assert.throws(() => handle.sign('POST', URL, 'a/b', 12), typeErrorNaming('body'));
  assert.throws(() => handle.sign('POST', URL, 'a/b', [1, 2]), typeErrorNaming('body'));
  assert.throws(() => handle.sign('POST', URL, 'a/b', '', { created: '1', nonce: new Uint8Array(16) }), typeErrorNaming('options.created'));
  assert.throws(() => handle.sign('POST', URL, 'a/b', '', { created: 1, nonce: 'AAAA' }), typeErrorNaming('options.nonce'));
  assert.throws(() => handle.sign('POST', URL, 'a/b', '', 'options'), typeErrorNaming('options'));
  assert.throws(() => handle.rotate('newkey'), typeErrorNaming('keys'));
  assert.throws(() => handle.rotate({ serviceKey: 5 }), typeErrorNaming('keys.serviceKey'));
  assert.throws(() => handle.rotate({ apiKey: Buffer.from('k') }), typeErrorNaming('keys.apiKey'));
  assert.throws(() => setLogger('console'), typeErrorNaming('logger'));
  assert.throws(() => setLogger(null, 'verbose'), typeErrorNaming('maxLevel'));
  handle.close();
});

test('send rejects (never throws) on wrong types', async () => {
  const handle = ContrastAuth.fromCredentials(URL, 'user', 'svc', 'api');
  const pending = handle.send('POST', '/x', 'a/b', 5);
  assert.ok(pending instanceof Promise);
  await assert.rejects(pending, typeErrorNaming('body'));
  await assert.rejects(handle.send(null, '/x', 'a/b', ''), typeErrorNaming('method'));
  handle.close();
});

test('NUL, CR and LF in credentials are ConfigErrors that name the key, not the value', () => {
  for (const bad of ['a\u0000b', 'a\rb', 'a\nb', `${SECRET}\r\n`]) {
    for (const [args, key] of [
      [[URL, bad, 'svc', 'api'], 'user_name'],
      [[URL, 'user', bad, 'api'], 'service_key'],
      [[URL, 'user', 'svc', bad], 'api_key'],
    ]) {
      assert.throws(() => ContrastAuth.fromCredentials(...args), (e) =>
        e instanceof ConfigError && e.code === 'CONFIG' && e.message.includes(key) && !e.message.includes(SECRET));
    }
  }
  const handle = ContrastAuth.fromCredentials(URL, 'user', 'svc', 'api');
  assert.throws(() => handle.rotate({ apiKey: `${SECRET}\n` }), (e) => e instanceof ConfigError && !e.message.includes(SECRET));
  assert.equal(handle.fingerprints().generation, 1, 'a refused rotation changes nothing');
  handle.close();
});

test('empty strings are refused with the key named', () => {
  for (const [args, key] of [
    [['', 'user', 'svc', 'api'], 'url'],
    [[URL, '', 'svc', 'api'], 'user_name'],
    [[URL, 'user', '', 'api'], 'service_key'],
    [[URL, 'user', 'svc', ''], 'api_key'],
  ]) {
    assert.throws(() => ContrastAuth.fromCredentials(...args), (e) => e instanceof ContrastAuthError && e.message.includes(key), key);
  }
  assert.throws(() => ContrastAuth.fromToken(''), ContrastAuthError);
});

test('a malformed token is an InvalidTokenError without its content', () => {
  for (const token of [`${SECRET}!!`, Buffer.from(`{"url": "${SECRET}"}`).toString('base64'), 'e30=']) {
    assert.throws(() => ContrastAuth.fromToken(token), (e) =>
      e instanceof InvalidTokenError && e.code === 'INVALID_TOKEN' && !e.message.includes(SECRET));
  }
});

test('unusable methods, URLs and sign options are typed errors', async () => {
  const handle = ContrastAuth.fromCredentials(URL, 'user', 'svc', 'api');
  for (const [method, url] of [['PO ST', `${URL}/a`], ['POST\r\n', `${URL}/a`], ['', `${URL}/a`], ['POST', 'not a url'], ['POST', '']]) {
    assert.throws(() => handle.sign(method, url, 'application/json', '{}'), (e) => e instanceof SigningError && e.code === 'SIGNING', `${method} ${url}`);
  }
  assert.throws(() => handle.sign('POST', `${URL}/a`, 'application/json\r\nX: y', '{}'), SigningError);
  assert.throws(() => handle.sign('POST', `${URL}/a`, 'a/b', '', { created: 1, nonce: new Uint8Array(15) }),
    (e) => e instanceof InvalidArgumentError && e.message.includes('nonce'));
  for (const created of [-1, 1.5, Infinity, NaN]) {
    assert.throws(() => handle.sign('POST', `${URL}/a`, 'a/b', '', { created, nonce: new Uint8Array(16) }), InvalidArgumentError);
  }
  await assert.rejects(handle.send('POST\n', '/a', 'a/b', ''), (e) => e instanceof ContrastAuthError && e.code === 'INVALID_ARGUMENT');
  await assert.rejects(handle.send('POST', '/a', 'a/b\r\n', ''), ContrastAuthError);
  handle.close();
});

test('a closed handle throws ClosedError from every method; close() is idempotent', async () => {
  const handle = ContrastAuth.fromCredentials(URL, 'user', 'svc', 'api');
  handle.close();
  handle.close();
  for (const call of [
    () => handle.authorizationHeader(), () => handle.apiKeyHeader(), () => handle.headers(),
    () => handle.sign('POST', `${URL}/a`, 'a/b', ''), () => handle.rotate({ apiKey: 'k' }),
    () => handle.reload(), () => handle.fingerprints(), () => handle.counters(),
  ]) {
    assert.throws(call, (e) => e instanceof ClosedError && e.code === 'CLOSED');
  }
  await assert.rejects(handle.send('POST', '/a', 'a/b', ''), ClosedError);
});

test('a huge body is signed (64 MiB) and its copy for send is refused or sent, never a crash', async () => {
  const handle = ContrastAuth.fromCredentials(URL, 'user', 'svc', 'api');
  const huge = Buffer.alloc(64 * 1024 * 1024, 0x61);
  const large = huge.subarray(0, 20 * 1024 * 1024); // over the test server's 16 MiB limit
  const signed = handle.sign('POST', `${URL}/a`, 'application/octet-stream', huge);
  const digest = require('node:crypto').createHash('sha256').update(huge).digest('base64');
  assert.equal(signed['Content-Digest'], `sha-256=:${digest}:`);
  // No server: the huge report fails as a typed network error, after the body was taken.
  h.configure({});
  const server = await h.startServer();
  try {
    const sender = h.handleFor(server);
    const outcome = await sender.send('POST', '/api/ng/agents/report', 'application/octet-stream', large)
      .then((o) => o, (e) => e);
    assert.ok(outcome instanceof ContrastAuthError || outcome.status === 200, `${outcome}`);
    // The handle still works afterwards.
    assert.equal((await sender.send('POST', '/api/ng/agents/report', 'application/json', '{}')).status, 200);
    sender.close();
  } finally {
    await server.stop();
  }
  handle.close();
});

test('the constructor is not public', () => {
  assert.throws(() => new ContrastAuth({}), TypeError);
});

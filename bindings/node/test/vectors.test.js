'use strict';
// The shared vectors, read in place: tests/vectors/headers.json through authorizationHeader,
// apiKeyHeader and headers(), and every signing case through sign() with its fixed created and
// nonce, byte for byte (non-ASCII user names included).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { VECTORS, auth, configure } = require('./helpers');

const { ContrastAuth } = auth();
const VECTOR_URL = 'https://app.contrastsecurity.com/Contrast';
const HEADERS = JSON.parse(fs.readFileSync(path.join(VECTORS, 'headers.json'), 'utf8'));
const CASES = fs.readdirSync(VECTORS).filter((name) => fs.existsSync(path.join(VECTORS, name, 'case.json'))).sort();

test('the vectors are there', () => {
  assert.ok(HEADERS.cases.length >= 5);
  assert.ok(CASES.length >= 20, `expected the shared signing vectors under ${VECTORS}`);
  assert.ok(HEADERS.cases.some((c) => /[^\x00-\x7f]/.test(c.user_name)), 'a non-ASCII user name');
});

for (const vector of HEADERS.cases) {
  test(`header vector ${vector.name}`, () => {
    const handle = ContrastAuth.fromCredentials(HEADERS.url, vector.user_name, vector.service_key, vector.api_key);
    assert.equal(handle.authorizationHeader(), vector.authorization);
    assert.equal(handle.apiKeyHeader(), vector.api_key_header);
    const headers = handle.headers();
    assert.deepEqual(Object.keys(headers), ['Authorization', 'API-Key', 'Accept', 'User-Agent']);
    assert.equal(headers.Authorization, vector.authorization);
    assert.equal(headers['API-Key'], vector.api_key_header);
    assert.equal(headers.Accept, 'application/json');
    assert.match(headers['User-Agent'], /^contrast-auth\//);
    // Each call gives a new object (the values are kept between calls, the object is not).
    headers.Authorization = 'changed by the caller';
    assert.equal(handle.headers().Authorization, vector.authorization);
    assert.notEqual(handle.headers(), handle.headers());
    handle.close();
  });
}

function signerFor(vector) {
  const { credentials: creds, previous_credentials: previous } = vector;
  if (creds.signing_key !== null) {
    // A dedicated signing key is configuration (api.signing_key): loaded as an agent does.
    assert.equal(previous, null, 'no vector combines a signing key and a rotation');
    configure({ URL: VECTOR_URL, USER_NAME: creds.user_name, SERVICE_KEY: creds.service_key,
      API_KEY: creds.api_key, SIGNING_KEY: creds.signing_key });
    return ContrastAuth.fromEnvironment();
  }
  const first = previous || creds;
  const handle = ContrastAuth.fromCredentials(VECTOR_URL, first.user_name, first.service_key, first.api_key);
  if (previous !== null) {
    assert.equal(previous.user_name, creds.user_name);
    handle.rotate({ serviceKey: creds.service_key, apiKey: creds.api_key });
  }
  return handle;
}

for (const name of CASES) {
  test(`signing vector ${name}`, () => {
    const vector = JSON.parse(fs.readFileSync(path.join(VECTORS, name, 'case.json'), 'utf8'));
    const { expected, request } = vector;
    const body = fs.readFileSync(path.join(VECTORS, name, request.body_file));
    const handle = signerFor(vector);
    try {
      assert.equal(handle.authorizationHeader(), expected.authorization);
      assert.equal(handle.apiKeyHeader(), expected.api_key);
      assert.equal(handle.fingerprints().signingKey, expected.keyid.slice(0, 8));
      const nonce = Buffer.from(vector.nonce, 'base64url');
      const signed = handle.sign(request.method, request.url, request.content_type, body,
        { created: vector.created, nonce });
      assert.deepEqual(Object.keys(signed), ['Content-Digest', 'Signature-Input', 'Signature']);
      assert.equal(signed['Content-Digest'], expected.content_digest);
      assert.equal(signed['Signature-Input'], expected.signature_input);
      assert.equal(signed.Signature, expected.signature);
      for (const value of Object.values(signed)) assert.ok(!value.includes(vector.credentials.user_name));
      // A string body is signed as its UTF-8: the same headers when the bytes are UTF-8.
      const text = body.toString('utf8');
      if (Buffer.from(text, 'utf8').equals(body)) {
        assert.deepEqual(handle.sign(request.method, request.url, request.content_type, text,
          { created: vector.created, nonce }), signed);
      }
    } finally {
      handle.close();
    }
  });
}

test('signing without fixed options uses a fresh nonce and the current time', () => {
  const handle = ContrastAuth.fromCredentials(VECTOR_URL, 'agent', 'svc', 'api');
  const url = `${VECTOR_URL}/api/ng/agents/report`;
  const first = handle.sign('POST', url, 'application/json', '{"report": 1}');
  const second = handle.sign('POST', url, 'application/json', '{"report": 1}');
  assert.equal(first['Content-Digest'], second['Content-Digest']);
  assert.notEqual(first['Signature-Input'], second['Signature-Input']);
  const created = Number(/created=(\d+)/.exec(first['Signature-Input'])[1]);
  assert.ok(Math.abs(created - Date.now() / 1000) < 60, `created=${created}`);
});

'use strict';
// Benchmarks of @contrast/auth against a pure Node implementation of the same work, measured
// in the same run (ratios in BENCHMARKS.md). Outputs are checked equal before any timing.
//   sign 1 KiB / 64 KiB: the RFC 9421 signature (crypto.createHash / createHmac, the same base)
//   headers: authorizationHeader() + apiKeyHeader() vs Buffer.from(user + ':' + key).toString('base64')
//   send: 1,000 reports over one keep-alive connection to the loopback test server
// Usage: bindings/node/bench.sh (builds the release addon and the CLI, then runs this).

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const h = require('./test/helpers');

const { ContrastAuth } = h.auth();
const URL_BASE = 'https://app.contrastsecurity.com/Contrast';
const REPORT_URL = `${URL_BASE}/api/ng/agents/report`;
const USER = 'agent_0f3c9a1e@ExampleOrg';
const SERVICE_KEY = 'SVCKEY4Q7Z2M9X1B';
const API_KEY = 'APIKEYd8f2a61c0e9b47';
const VALIDITY = 300;

// -- the pure Node baseline: the same wire format (DESIGN.md), from the credentials ---------
const hmacKey = Buffer.from(crypto.hkdfSync('sha256', Buffer.from(SERVICE_KEY), Buffer.from(API_KEY),
  Buffer.from(`contrast-auth/v1 ${USER}`), 32));
const keyid = crypto.createHash('sha256').update(hmacKey).digest('hex').slice(0, 16);
const COMPONENTS = '("@method" "@authority" "@path" "@query" "content-type" "content-digest")';

function pureSign(method, url, contentType, body, created, nonce) {
  const digest = `sha-256=:${crypto.createHash('sha256').update(body).digest('base64')}:`;
  const target = new URL(url);
  const params = `${COMPONENTS};created=${created};expires=${created + VALIDITY};` +
    `nonce="${nonce.toString('base64url')}";keyid="${keyid}";tag="contrast-auth/v1"`;
  const base = `"@method": ${method}\n"@authority": ${target.host}\n"@path": ${target.pathname}\n` +
    `"@query": ?${target.search.slice(1)}\n"content-type": ${contentType}\n"content-digest": ${digest}\n` +
    `"@signature-params": ${params}`;
  const signature = crypto.createHmac('sha256', hmacKey).update(base).digest('base64');
  return { 'Content-Digest': digest, 'Signature-Input': `contrast=${params}`, Signature: `contrast=:${signature}:` };
}

function pureAuthorization(user, key) {
  return Buffer.from(`${user}:${key}`).toString('base64');
}

// -- timing: the two sides in alternating rounds, the best round of each (a shared machine's
// load slows rounds, never speeds them up) ------------------------------------------------
function nsPerCall(sides, iterations, rounds = 30) {
  const best = sides.map(() => Infinity);
  for (let round = 0; round < rounds; round += 1) {
    sides.forEach((fn, i) => {
      const start = process.hrtime.bigint();
      for (let n = 0; n < iterations; n += 1) fn();
      best[i] = Math.min(best[i], Number(process.hrtime.bigint() - start) / iterations);
    });
  }
  return best;
}

function report(name, native, pure) {
  console.log(`${name.padEnd(34)} native ${native.toFixed(0).padStart(8)} ns   pure Node ${pure.toFixed(0).padStart(8)} ns   ratio ${(native / pure).toFixed(2)}x`);
}

async function main() {
  const handle = ContrastAuth.fromCredentials(URL_BASE, USER, SERVICE_KEY, API_KEY);
  assert.equal(handle.fingerprints().signingKey, keyid.slice(0, 8));
  const nonce = crypto.randomBytes(16);
  const created = Math.floor(Date.now() / 1000);
  for (const size of [1024, 64 * 1024]) {
    const body = crypto.randomBytes(size);
    // Equal outputs first (fixed created and nonce), then time both with fresh nonces.
    assert.deepEqual(handle.sign('POST', REPORT_URL, 'application/json', body, { created, nonce }),
      pureSign('POST', REPORT_URL, 'application/json', body, created, nonce));
    const iterations = size === 1024 ? 2000 : 200;
    const [native, pure] = nsPerCall([
      () => handle.sign('POST', REPORT_URL, 'application/json', body),
      () => pureSign('POST', REPORT_URL, 'application/json', body, Math.floor(Date.now() / 1000), crypto.randomBytes(16)),
    ], iterations);
    report(`sign ${size / 1024} KiB`, native, pure);
  }

  assert.equal(handle.authorizationHeader(), pureAuthorization(USER, SERVICE_KEY));
  assert.equal(handle.apiKeyHeader(), API_KEY);
  let sink = 0;
  const [nativeHeaders, nativeAll, pureHeaders] = nsPerCall([
    () => { sink += handle.authorizationHeader().length + handle.apiKeyHeader().length; },
    () => { sink += handle.headers().Authorization.length; },
    () => { sink += pureAuthorization(USER, SERVICE_KEY).length + API_KEY.length; },
  ], 20000);
  report('both header values', nativeHeaders, pureHeaders);
  report('headers() (4 headers) vs base64', nativeAll, pureHeaders);
  // Uncached: what the first read after a change costs (one Node-API call for all four values).
  const raw = require('./lib/loader').load().NativeAuth.fromCredentials(URL_BASE, USER, SERVICE_KEY, API_KEY);
  const [uncached, pureAgain] = nsPerCall([
    () => { const h = raw.headers(); sink += h.Authorization.length + h['API-Key'].length; },
    () => { sink += pureAuthorization(USER, SERVICE_KEY).length + API_KEY.length; },
  ], 20000);
  report('both values, uncached (native headers())', uncached, pureAgain);
  raw.close();
  handle.close();

  const server = await h.startServer();
  try {
    const sender = h.handleFor(server);
    const body = JSON.stringify({ application: 'bench', findings: Array.from({ length: 20 }, (_, i) => i) });
    await sender.send('POST', '/api/ng/agents/report', 'application/json', body); // connect first
    const start = process.hrtime.bigint();
    for (let i = 0; i < 1000; i += 1) {
      await sender.send('POST', '/api/ng/agents/report', 'application/json', body);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const counters = sender.counters();
    assert.equal(counters.acknowledged, 1001);
    console.log(`1,000 sends, one after another, one keep-alive connection: ${seconds.toFixed(2)} s, ` +
      `${(seconds * 1000).toFixed(0)} µs per report, ${counters.handshakes} TLS handshake(s) in all`);
    sender.close();
  } finally {
    await server.stop();
  }
  if (sink === 0) console.log('');
}

main().catch((error) => { console.error(error); process.exit(1); });

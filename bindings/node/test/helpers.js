'use strict';
// Shared by the tests: the package under test, the shared vectors, and the crate's real
// loopback HTTPS test server (`contrast-auth test-server`, certificates made when it starts).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const REPOSITORY = path.resolve(__dirname, '..', '..', '..');
const VECTORS = path.join(REPOSITORY, 'tests', 'vectors');
const CLI = process.env.CONTRAST_AUTH_CLI || path.join(REPOSITORY, 'target', 'release', 'contrast-auth');
// The package under test: the source tree (run-tests.sh puts the host build in native/), or
// an installed copy named by CONTRAST_AUTH_NODE_PACKAGE.
const PACKAGE = process.env.CONTRAST_AUTH_NODE_PACKAGE || path.resolve(__dirname, '..');

const USER_NAME = 'agent_0f1e2d3c@Exämple';
const SERVICE_KEY = 'SERVICEKEY0123';
const API_KEY = 'APIKEY9876';
const REPORT = JSON.stringify({ application: 'demo', findings: [1, 2, 3] });

function auth() {
  return require(PACKAGE);
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'contrast-auth-node-'));
}

/**
 * Starts the test server (signatures required) accepting `accept` (USER:SERVICE_KEY:API_KEY
 * specs) with extra CLI arguments; resolves { url, caFile, caDerFile, stop() }. It serves until
 * its stdin closes: stop() closes it and waits for the exit.
 */
async function startServer({ accept = [`${USER_NAME}:${SERVICE_KEY}:${API_KEY}`], args = [] } = {}) {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run cargo build --release`);
  const dir = tempDir();
  const argv = ['test-server', '--ca-out', path.join(dir, 'ca.pem'), '--require-signature', ...args];
  for (const spec of accept) argv.push('--accept', spec);
  const child = spawn(CLI, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const line = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (first) => { lines.close(); resolve(first); });
    child.once('exit', (code) => reject(new Error(`the test server exited (${code}): ${stderr}`)));
  });
  const started = JSON.parse(line);
  return {
    url: started.url,
    caFile: started.ca_file,
    caDerFile: started.ca_der_file,
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

/** Configures the process like an agent (CONTRAST__API__* only; no YAML file is found). */
function configure(settings) {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('CONTRAST__') || name === 'CONTRAST_CONFIG_PATH') delete process.env[name];
  }
  process.chdir(tempDir());
  for (const [key, value] of Object.entries(settings)) {
    process.env[`CONTRAST__API__${key}`] = value;
  }
}

/** A handle on `server` configured from the environment, trusting its CA as a trust anchor. */
function handleFor(server, { serviceKey = SERVICE_KEY, apiKey = API_KEY, extra = {} } = {}) {
  configure({ URL: server.url, USER_NAME, SERVICE_KEY: serviceKey, API_KEY: apiKey, TIMEOUT_MS: '10000', ...extra });
  return auth().ContrastAuth.fromEnvironment({ trustAnchors: [fs.readFileSync(server.caDerFile)] });
}

/**
 * A slow server: a TCP relay on another loopback port in front of `server` that holds every
 * chunk from the server for `delayMs` (TLS stays end to end, so certificates still match).
 */
async function slowRelay(server, delayMs) {
  const target = new URL(server.url);
  const sockets = new Set();
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk) => {
      upstream.pause();
      setTimeout(() => { client.write(chunk); upstream.resume(); }, delayMs);
    });
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
    for (const socket of [client, upstream]) {
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
      socket.on('close', () => sockets.delete(socket));
    }
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const url = new URL(server.url);
  url.port = String(relay.address().port);
  return {
    url: url.toString().replace(/\/$/, ''),
    caDerFile: server.caDerFile,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    },
  };
}

/** The server's counters (GET /Contrast/__test/stats). */
async function stats(server) {
  const https = require('node:https');
  const url = new URL('/Contrast/__test/stats', server.url);
  return new Promise((resolve, reject) => {
    https.get(url, { ca: fs.readFileSync(server.caFile) }, (response) => {
      let data = '';
      response.on('data', (chunk) => { data += chunk; });
      response.on('end', () => resolve(JSON.parse(data)));
    }).on('error', reject);
  });
}

module.exports = {
  REPOSITORY, VECTORS, CLI, PACKAGE, USER_NAME, SERVICE_KEY, API_KEY, REPORT,
  auth, tempDir, startServer, configure, handleFor, slowRelay, stats,
};

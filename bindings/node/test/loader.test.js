'use strict';
// The loader: picks the binary by platform, arch and C library (musl detected from files, no
// process spawned), refuses a binary of another version, and when nothing fits throws one
// error naming the detected platform and the platforms the package carries.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { test } = require('node:test');
const h = require('./helpers');

const loader = require(path.join(h.PACKAGE, 'lib', 'loader.js'));
const { platforms } = require(path.join(h.PACKAGE, 'platforms.json'));

test('this machine is detected as a platform of the list, with its C library', () => {
  const detected = loader.detectPlatform();
  assert.ok(platforms.some((p) => p.name === detected), detected);
  const expectedLibc = fs.readFileSync('/usr/bin/ldd', 'latin1').includes('musl') ? 'musl' : 'glibc';
  assert.equal(loader.detectLibc(), expectedLibc);
  assert.equal(detected, `${process.platform}-${process.arch}-${expectedLibc === 'glibc' ? 'gnu' : 'musl'}`);
});

test('detection spawns no process', () => {
  const childProcess = require('node:child_process');
  const spied = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];
  const saved = Object.fromEntries(spied.map((name) => [name, childProcess[name]]));
  const calls = [];
  for (const name of spied) childProcess[name] = (...args) => { calls.push(name); return saved[name](...args); };
  try {
    loader.detectLibc();
    loader.detectPlatform();
  } finally {
    Object.assign(childProcess, saved);
  }
  assert.deepEqual(calls, []);
});

test('the platform list names each platform once, with a release build and a binary type', () => {
  const names = platforms.map((p) => p.name);
  assert.equal(new Set(names).size, names.length);
  for (const p of platforms) {
    assert.match(p.name, /^(linux|win32|darwin)-(x64|arm64)(-(gnu|musl))?$/);
    assert.ok(p.release && p.file && p.os && p.cpu, p.name);
  }
});

test('the package has a binary entry for every shipped platform (scripts/platforms.txt), no other', () => {
  // platforms.txt's columns: platform ... node (7th) ...; '#' lines are comments.
  const shipped = fs.readFileSync(path.join(h.REPOSITORY, 'scripts', 'platforms.txt'), 'utf8')
    .split('\n').filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.trim().split(/\s+/)).map((f) => ({ release: f[0], name: f[7] }));
  assert.equal(shipped.length, 8);
  assert.deepEqual(
    platforms.map((p) => `${p.name} ${p.release}`).sort(),
    shipped.map((p) => `${p.name} ${p.release}`).sort(),
  );
  const pkg = JSON.parse(fs.readFileSync(path.join(h.PACKAGE, 'package.json'), 'utf8'));
  for (const p of platforms) {
    assert.ok(pkg.os.includes(p.os), `package.json "os" lacks ${p.os}: npm would refuse to install there`);
    assert.ok(pkg.cpu.includes(p.cpu), `package.json "cpu" lacks ${p.cpu}`);
  }
});

test('macOS and Windows are matched by platform and arch alone (no C library)', () => {
  // detectPlatform as it runs in a process of each platform (process.platform and
  // process.arch read-only properties replaced in a child process).
  for (const [platform, arch, expected] of [['darwin', 'arm64', 'darwin-arm64'], ['darwin', 'x64', 'darwin-x64'],
    ['win32', 'arm64', 'win32-arm64'], ['win32', 'x64', 'win32-x64'], ['freebsd', 'x64', 'freebsd-x64']]) {
    const script = `Object.defineProperty(process, 'platform', { value: ${JSON.stringify(platform)} });
      Object.defineProperty(process, 'arch', { value: ${JSON.stringify(arch)} });
      process.stdout.write(require(${JSON.stringify(path.join(h.PACKAGE, 'lib', 'loader.js'))}).detectPlatform());`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, expected);
  }
});

/** A copy of the package (lib, index, platforms.json, package.json, native/) in a temp dir. */
function copyPackage(edit) {
  const dir = h.tempDir();
  for (const entry of ['index.js', 'index.mjs', 'lib', 'platforms.json', 'package.json', 'native']) {
    fs.cpSync(path.join(h.PACKAGE, entry), path.join(dir, entry), { recursive: true });
  }
  edit(dir);
  return dir;
}

function loadIn(dir) {
  return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(dir)})`], { encoding: 'utf8' });
}

test('a binary of another version is refused, naming both versions', () => {
  const dir = copyPackage((d) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
    pkg.version = '9.9.9';
    fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify(pkg));
  });
  const result = loadIn(dir);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /is version \d+\.\d+\.\d+, the package 9\.9\.9/);
});

test('no binary for this platform: one error naming the detected platform and those carried', () => {
  const detected = loader.detectPlatform();
  const dir = copyPackage((d) => {
    fs.rmSync(path.join(d, 'native'), { recursive: true });
    fs.mkdirSync(path.join(d, 'native'));
    // Carries only the other platforms (empty files stand for them: never loaded).
    for (const p of platforms.filter((q) => q.name !== detected).slice(0, 2)) {
      fs.writeFileSync(path.join(d, 'native', `contrast_auth.${p.name}.node`), '');
    }
  });
  const result = loadIn(dir);
  assert.notEqual(result.status, 0);
  const carried = platforms.filter((q) => q.name !== detected).slice(0, 2).map((p) => p.name).join(', ');
  assert.ok(result.stderr.includes(`detected ${detected}`), result.stderr);
  assert.ok(result.stderr.includes(`this package carries: ${carried}`), result.stderr);
});

test('the native version is the crate version and the package version', () => {
  const cargo = fs.readFileSync(path.join(h.REPOSITORY, 'Cargo.toml'), 'utf8');
  const crateVersion = /^version = "([^"]+)"/m.exec(cargo)[1];
  assert.equal(h.auth().version, crateVersion);
  assert.equal(loader.load().nativeVersion(), crateVersion);
});

test('CommonJS and ESM faces export the same objects', async () => {
  const esm = await import(path.join(h.PACKAGE, 'index.mjs'));
  const cjs = h.auth();
  for (const name of Object.keys(cjs)) assert.equal(esm[name], cjs[name], name);
  assert.equal(esm.default, cjs);
});

'use strict';
// Loads the native addon that fits this process: by process.platform, process.arch and, on
// Linux, the C library (musl detected by reading files, never by spawning a process). The
// package carries one binary per platform in native/ (the list: platforms.json). Refuses a
// binary whose version differs from the package's. When nothing fits, throws one error that
// names the detected platform and the platforms carried.

const fs = require('node:fs');
const path = require('node:path');

const PACKAGE_DIR = path.join(__dirname, '..');
const { platforms: PLATFORMS } = require('../platforms.json');
const { version: PACKAGE_VERSION } = require('../package.json');

/** 'musl' or 'glibc' on Linux (null elsewhere, or when neither can be told). */
function detectLibc() {
  if (process.platform !== 'linux') return null;
  // The ldd script names its C library (what detect-libc reads first; no process spawned).
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return 'musl';
    if (ldd.includes('GNU C Library') || ldd.includes('GLIBC')) return 'glibc';
  } catch {
    // no ldd (slim images): ask the process itself
  }
  // Node's diagnostic report says which C library this process runs on.
  const report = process.report && typeof process.report.getReport === 'function'
    ? process.report.getReport()
    : null;
  const header = report && (typeof report === 'string' ? JSON.parse(report) : report).header;
  if (header && header.glibcVersionRuntime) return 'glibc';
  const objects = report && report.sharedObjects;
  if (Array.isArray(objects) && objects.some((o) => o.includes('musl'))) return 'musl';
  // Alpine and other musl systems have the musl loader.
  try {
    if (fs.readdirSync('/lib').some((f) => f.startsWith('ld-musl-'))) return 'musl';
  } catch {
    // no /lib
  }
  return null;
}

/** The platform this process runs on, in platforms.json's terms (e.g. linux-x64-musl). */
function detectPlatform() {
  const libc = detectLibc();
  const match = PLATFORMS.find((p) => p.os === process.platform && p.cpu === process.arch &&
    (p.libc === null || p.libc === libc));
  if (match) return match.name;
  const suffix = process.platform === 'linux' ? `-${libc === 'glibc' ? 'gnu' : libc || 'unknown-libc'}` : '';
  return `${process.platform}-${process.arch}${suffix}`;
}

/** native/<file> of a platform. */
function binaryPath(name) {
  return path.join(PACKAGE_DIR, 'native', `contrast_auth.${name}.node`);
}

/** The platforms whose binary is in this copy of the package. */
function carriedPlatforms() {
  return PLATFORMS.map((p) => p.name).filter((name) => fs.existsSync(binaryPath(name)));
}

function load() {
  const detected = detectPlatform();
  const file = binaryPath(detected);
  if (!fs.existsSync(file)) {
    const carried = carriedPlatforms();
    throw new Error(`@contrast/auth: no native binary for this platform: detected ${detected} ` +
      `(process.platform ${process.platform}, process.arch ${process.arch}); this package carries: ` +
      `${carried.length ? carried.join(', ') : 'none'}`);
  }
  // eslint-disable-next-line import/no-dynamic-require
  const native = require(file);
  const nativeVersion = native.nativeVersion();
  if (nativeVersion !== PACKAGE_VERSION) {
    throw new Error(`@contrast/auth: the native binary ${path.basename(file)} is version ` +
      `${nativeVersion}, the package ${PACKAGE_VERSION}: reinstall @contrast/auth`);
  }
  return native;
}

module.exports = { load, detectLibc, detectPlatform, carriedPlatforms, PLATFORMS };

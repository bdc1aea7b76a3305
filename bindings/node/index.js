'use strict';
// @contrast/auth: Contrast agent authentication (both credential layers, hot key rotation,
// RFC 9421 report signing, TLS-only sending) from the contrast-auth Rust library.

const { load } = require('./lib/loader');
const errors = require('./lib/errors');
const log = require('./lib/log');
const { bind } = require('./lib/auth');

const native = load();
log.install(native, null);

module.exports = {
  ContrastAuth: bind(native),
  setLogger: (logger, maxLevel) => log.setLogger(native, logger, maxLevel),
  version: require('./package.json').version,
  ContrastAuthError: errors.ContrastAuthError,
  ConfigError: errors.ConfigError,
  InvalidTokenError: errors.InvalidTokenError,
  TlsRequiredError: errors.TlsRequiredError,
  InvalidArgumentError: errors.InvalidArgumentError,
  CredentialsRejectedError: errors.CredentialsRejectedError,
  HttpStatusError: errors.HttpStatusError,
  NetworkError: errors.NetworkError,
  TlsError: errors.TlsError,
  SigningError: errors.SigningError,
  ClosedError: errors.ClosedError,
};

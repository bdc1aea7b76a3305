'use strict';
// The typed errors. The native addon throws (or, for send, resolves with) a `code`; this module
// turns it into one of these classes. Messages never hold a secret (the core's rule).

/** Every error the library reports; `code` names its kind. */
class ContrastAuthError extends Error {
  constructor(message, code) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The configuration or credentials are missing or invalid (empty values, CR/LF/NUL, ...). */
class ConfigError extends ContrastAuthError {}
/** The agent token is not standard base64 of the expected JSON object. */
class InvalidTokenError extends ContrastAuthError {}
/** `api.url` is not https://: credentials only travel over TLS. */
class TlsRequiredError extends ContrastAuthError {}
/** An argument has the right type but an unusable value (a method with CR/LF, a short nonce). */
class InvalidArgumentError extends ContrastAuthError {}
/** The server refused the credentials (401, 403, 412), after a reload. */
class CredentialsRejectedError extends ContrastAuthError {
  constructor(message, code, status, attempts, fingerprints) {
    super(message, code);
    this.status = status;
    this.attempts = attempts;
    this.fingerprints = fingerprints;
  }
}
/** The server answered an error status (not retried, or retries ran out). */
class HttpStatusError extends ContrastAuthError {
  constructor(message, code, status, attempts) {
    super(message, code);
    this.status = status;
    this.attempts = attempts;
  }
}
/** The server could not be reached, or the exchange failed or timed out. */
class NetworkError extends ContrastAuthError {
  constructor(message, code, attempts) {
    super(message, code);
    this.attempts = attempts;
  }
}
/** The TLS handshake failed (untrusted server certificate, refused client certificate). */
class TlsError extends ContrastAuthError {}
/** A request could not be signed (an unusable method, URL or content type). */
class SigningError extends ContrastAuthError {}
/** The handle was closed. */
class ClosedError extends ContrastAuthError {}

const CLASSES = {
  CONFIG: ConfigError,
  INVALID_TOKEN: InvalidTokenError,
  TLS_REQUIRED: TlsRequiredError,
  INVALID_ARGUMENT: InvalidArgumentError,
  CREDENTIALS_REJECTED: CredentialsRejectedError,
  HTTP_STATUS: HttpStatusError,
  NETWORK: NetworkError,
  TLS: TlsError,
  SIGNING: SigningError,
  CLOSED: ClosedError,
};

/** The typed error for a native error (or a send's failure object). */
function typed(native) {
  const { code, message } = native.error !== undefined
    ? { code: native.error, message: native.message }
    : native;
  const Class = CLASSES[code];
  if (Class === CredentialsRejectedError) {
    return new Class(message, code, native.status, native.attempts, native.fingerprints);
  }
  if (Class === HttpStatusError) return new Class(message, code, native.status, native.attempts);
  if (Class === NetworkError) return new Class(message, code, native.attempts);
  if (Class) return new Class(message, code);
  if (code === 'PANIC' || code === 'NAPI') return new ContrastAuthError(message, code);
  return native; // not ours (e.g. a RangeError from Node itself)
}

/** A TypeError naming the argument and what it should be, as Node's own (ERR_INVALID_ARG_TYPE). */
function typeError(name, expected, value) {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  const error = new TypeError(`contrast-auth: \`${name}\` must be ${expected} (got ${got})`);
  error.code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

module.exports = {
  ContrastAuthError,
  ConfigError,
  InvalidTokenError,
  TlsRequiredError,
  InvalidArgumentError,
  CredentialsRejectedError,
  HttpStatusError,
  NetworkError,
  TlsError,
  SigningError,
  ClosedError,
  typed,
  typeError,
};

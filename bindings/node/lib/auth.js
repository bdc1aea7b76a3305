'use strict';
// ContrastAuth: checks argument types (TypeError), calls the native handle, turns native
// errors into the typed classes of ./errors. No logic of its own: headers, signatures,
// rotation and sending are the Rust core's.

const errors = require('./errors');

const { typed, typeError } = errors;

function string(name, value) {
  if (typeof value !== 'string') throw typeError(name, 'a string', value);
}

function body(name, value) {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw typeError(name, 'a string or a Uint8Array (Buffer)', value);
  }
}

function optionsObject(name, value) {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw typeError(name, 'an object', value);
  }
}

/** Runs a native call, rethrowing its error as a typed one. */
function call(fn) {
  try {
    return fn();
  } catch (error) {
    throw typed(error);
  }
}

function bind(native) {
  const { NativeAuth } = native;

  class ContrastAuth {
    #native;

    /** @private Use the static factories. */
    constructor(handle) {
      if (!(handle instanceof NativeAuth)) {
        throw new TypeError('contrast-auth: use ContrastAuth.fromCredentials, fromToken or fromEnvironment');
      }
      this.#native = handle;
    }

    static fromCredentials(url, userName, serviceKey, apiKey) {
      string('url', url);
      string('userName', userName);
      string('serviceKey', serviceKey);
      string('apiKey', apiKey);
      return new ContrastAuth(call(() => NativeAuth.fromCredentials(url, userName, serviceKey, apiKey)));
    }

    static fromToken(token) {
      string('token', token);
      return new ContrastAuth(call(() => NativeAuth.fromToken(token)));
    }

    static fromEnvironment(options) {
      optionsObject('options', options);
      const anchors = options === undefined || options.trustAnchors === undefined ? [] : options.trustAnchors;
      if (!Array.isArray(anchors) || !anchors.every((a) => a instanceof Uint8Array)) {
        throw typeError('options.trustAnchors', 'an array of Uint8Array (DER certificates)', anchors);
      }
      return new ContrastAuth(call(() => NativeAuth.fromEnvironment(anchors, undefined)));
    }

    authorizationHeader() {
      return call(() => this.#native.authorizationHeader());
    }

    apiKeyHeader() {
      return call(() => this.#native.apiKeyHeader());
    }

    headers() {
      return call(() => this.#native.headers());
    }

    sign(method, url, contentType, payload, options) {
      string('method', method);
      string('url', url);
      string('contentType', contentType);
      body('body', payload);
      if (options === undefined) {
        return call(() => this.#native.sign(method, url, contentType, payload, undefined, undefined));
      }
      optionsObject('options', options);
      if (typeof options.created !== 'number') throw typeError('options.created', 'a number', options.created);
      if (!(options.nonce instanceof Uint8Array)) throw typeError('options.nonce', 'a Uint8Array', options.nonce);
      return call(() => this.#native.sign(method, url, contentType, payload, options.created, options.nonce));
    }

    send(method, path, contentType, payload) {
      try {
        string('method', method);
        string('path', path);
        string('contentType', contentType);
        body('body', payload);
        return call(() => this.#native.send(method, path, contentType, payload)).then((outcome) => {
          if (outcome.error !== undefined) throw typed(outcome);
          return outcome;
        });
      } catch (error) {
        return Promise.reject(error);
      }
    }

    rotate(keys) {
      if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) throw typeError('keys', 'an object', keys);
      const { serviceKey, apiKey } = keys;
      if (serviceKey !== undefined) string('keys.serviceKey', serviceKey);
      if (apiKey !== undefined) string('keys.apiKey', apiKey);
      call(() => this.#native.rotate(serviceKey, apiKey));
    }

    reload() {
      return call(() => this.#native.reload());
    }

    fingerprints() {
      return call(() => this.#native.fingerprints());
    }

    counters() {
      return call(() => this.#native.counters());
    }

    close() {
      this.#native.close();
    }
  }

  return ContrastAuth;
}

module.exports = { bind };

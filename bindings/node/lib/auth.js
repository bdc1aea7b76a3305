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

    // The header values of the current credentials, kept between calls (a Node-API call costs
    // more than base64 does): dropped by rotate(), reload(), close() and when a send settles,
    // and not used while a send is in flight (a refused key reloads the credentials on libuv's
    // pool). docs/node.md says which copies of secrets this keeps.
    #headers = null;
    #sending = 0;

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

    #current() {
      if (this.#headers !== null && this.#sending === 0) return this.#headers;
      const headers = call(() => this.#native.headers());
      if (this.#sending === 0) this.#headers = headers;
      return headers;
    }

    authorizationHeader() {
      return this.#current().Authorization;
    }

    apiKeyHeader() {
      return this.#current()['API-Key'];
    }

    headers() {
      const h = this.#current();
      return { Authorization: h.Authorization, 'API-Key': h['API-Key'], Accept: h.Accept, 'User-Agent': h['User-Agent'] };
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
        const sent = call(() => this.#native.send(method, path, contentType, payload));
        this.#sending += 1;
        const settled = () => {
          this.#sending -= 1;
          this.#headers = null;
        };
        return sent.then((outcome) => {
          settled();
          if (outcome.error !== undefined) throw typed(outcome);
          return outcome;
        }, (error) => {
          settled();
          throw typed(error);
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
      this.#headers = null;
      call(() => this.#native.rotate(serviceKey, apiKey));
    }

    reload() {
      this.#headers = null;
      return call(() => this.#native.reload());
    }

    fingerprints() {
      return call(() => this.#native.fingerprints());
    }

    counters() {
      return call(() => this.#native.counters());
    }

    close() {
      this.#headers = null;
      this.#native.close();
    }
  }

  return ContrastAuth;
}

module.exports = { bind };

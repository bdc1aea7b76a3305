// Types of @contrast/auth (CommonJS and ES module faces alike).

/** Log levels, most important first. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A report the server acknowledged. */
export interface SendOutcome {
  /** The 2xx status. */
  status: number;
  /** Requests made (1 when the first succeeded). */
  attempts: number;
  /** The generation of the credentials that were accepted. */
  generation: number;
  /** Whether credentials were reloaded because the server refused a key. */
  reloaded: boolean;
}

/** Fingerprints of the current keys (first 8 hex digits of SHA-256: safe to log). */
export interface Fingerprints {
  userName: string;
  serviceKey: string;
  apiKey: string;
  signingKey: string;
  /** Increases with every change of credentials. */
  generation: number;
}

/** Running totals of one handle's reports. */
export interface Counters {
  /** Reports acknowledged. */
  acknowledged: number;
  /** Reports that ended in an error. */
  failed: number;
  /** Requests made, retries included. */
  requests: number;
  /** Requests that were retries. */
  retries: number;
  /** Credential reloads after a refused key. */
  reloads: number;
  /** New connections, each with a TLS handshake. */
  handshakes: number;
  /** Responses refusing the credentials (401, 403, 412). */
  rejections: number;
  /** Failures on a reused keep-alive connection (closed by the server while idle) sent again at once on a fresh one. */
  reconnects: number;
}

/** Authentication to the Contrast server: both credential layers, rotation, signing, sending. */
export class ContrastAuth {
  private constructor();
  static fromCredentials(url: string, userName: string, serviceKey: string, apiKey: string): ContrastAuth;
  static fromToken(token: string): ContrastAuth;
  /** Environment, then contrast_security.yaml (CONTRAST_CONFIG_PATH, the working directory, /etc/contrast/node/, /etc/contrast/). */
  static fromEnvironment(options?: { trustAnchors?: Uint8Array[] }): ContrastAuth;
  /** The `Authorization` value: base64 of `user_name:service_key` (a secret). */
  authorizationHeader(): string;
  /** The `API-Key` value (a secret). */
  apiKeyHeader(): string;
  /** Authorization, API-Key, Accept, User-Agent, from one snapshot. */
  headers(): Record<string, string>;
  /** Content-Digest, Signature-Input, Signature (RFC 9421/9530); `options` fixes time and nonce (test vectors). */
  sign(method: string, url: string, contentType: string, body: Uint8Array | string,
       options?: { created: number, nonce: Uint8Array }): Record<string, string>;
  /** Sends one report on libuv's thread pool; rejects with a typed ContrastAuthError. */
  send(method: string, path: string, contentType: string, body: Uint8Array | string): Promise<SendOutcome>;
  /** Replaces one or both keys atomically. */
  rotate(keys: { serviceKey?: string, apiKey?: string }): void;
  /** Re-reads the configuration; the names of what changed. */
  reload(): string[];
  fingerprints(): Fingerprints;
  counters(): Counters;
  /** Idempotent; any later call throws ClosedError. */
  close(): void;
}

/** Where log records go (`null`: Node's conventions, process.emitWarning and util.debuglog('contrast_auth')). */
export function setLogger(logger: ((level: LogLevel, event: string, message: string) => void) | null,
                          maxLevel?: LogLevel): void;

/** The package's (and the native library's) version. */
export const version: string;

export class ContrastAuthError extends Error {
  /** The kind of error, e.g. 'TLS_REQUIRED', 'CREDENTIALS_REJECTED'. */
  code: string;
}
export class ConfigError extends ContrastAuthError {}
export class InvalidTokenError extends ContrastAuthError {}
export class TlsRequiredError extends ContrastAuthError {}
export class InvalidArgumentError extends ContrastAuthError {}
export class CredentialsRejectedError extends ContrastAuthError {
  status: number;
  attempts: number;
  fingerprints: Omit<Fingerprints, 'generation'>;
}
export class HttpStatusError extends ContrastAuthError {
  status: number;
  attempts: number;
}
export class NetworkError extends ContrastAuthError {
  attempts?: number;
}
export class TlsError extends ContrastAuthError {}
export class SigningError extends ContrastAuthError {}
export class ClosedError extends ContrastAuthError {}

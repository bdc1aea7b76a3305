// The ES module face of @contrast/auth: the same objects as the CommonJS one (one native
// addon per process, loaded once).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const auth = require('./index.js');

export const {
  ContrastAuth,
  setLogger,
  version,
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
} = auth;
export default auth;

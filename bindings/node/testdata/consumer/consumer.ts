// A TypeScript consumer: type-checked with `tsc --noEmit --strict` against the shipped index.d.ts.
import {
  ContrastAuth, ContrastAuthError, CredentialsRejectedError, HttpStatusError, setLogger, version,
  type Counters, type Fingerprints, type SendOutcome,
} from '@contrast/auth';

setLogger((level, event, message) => console.log(level, event, message), 'debug');
setLogger(null);
const auth: ContrastAuth = ContrastAuth.fromCredentials('https://x.example/Contrast', 'u', 's', 'a');
const fromEnvironment: ContrastAuth = ContrastAuth.fromEnvironment({ trustAnchors: [new Uint8Array(0)] });
const headers: Record<string, string> = { ...auth.headers(), ...auth.sign('POST', 'https://x.example/Contrast/r', 'application/json', new Uint8Array(0), { created: 1, nonce: new Uint8Array(16) }) };
const authorization: string = auth.authorizationHeader() + auth.apiKeyHeader();
auth.rotate({ apiKey: 'b' });
const changed: string[] = auth.reload();
const fingerprints: Fingerprints = auth.fingerprints();
const generation: number = fingerprints.generation;
const counters: Counters = auth.counters();
const total: number = counters.acknowledged + counters.failed + counters.requests + counters.retries +
  counters.reloads + counters.handshakes + counters.rejections;
async function report(): Promise<number> {
  try {
    const outcome: SendOutcome = await auth.send('POST', '/r', 'application/json', '{}');
    return outcome.status + outcome.attempts + outcome.generation + (outcome.reloaded ? 1 : 0);
  } catch (error) {
    if (error instanceof CredentialsRejectedError) return error.status + error.attempts + error.fingerprints.apiKey.length;
    if (error instanceof HttpStatusError) return error.status;
    if (error instanceof ContrastAuthError) return error.code.length;
    throw error;
  }
}
// Misuse must not type-check (each line below fails the run if it does: the types are not `any`).
// @ts-expect-error: a body is a string or a Uint8Array
auth.sign('POST', 'https://x.example/Contrast/r', 'application/json', 42);
// @ts-expect-error: no such level
setLogger(() => {}, 'verbose');
// @ts-expect-error: the constructor is private
new ContrastAuth();
// @ts-expect-error: rotate takes an object
auth.rotate('newkey');
auth.close();
fromEnvironment.close();
void [headers, authorization, changed, generation, total, report, version.length];

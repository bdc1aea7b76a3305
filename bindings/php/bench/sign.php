<?php
// sign() through the extension against PHP's own hash('sha256') + hash_hmac('sha256') over
// the same signature base (RFC 9421 + RFC 9530, docs/wire-format.md), 1 KiB and 64 KiB bodies.
// The outputs are checked equal first (fixed time and nonce); then each side signs with the
// current time and a fresh random nonce, as in production. Same process, same run.
// Run by bindings/php/bench.sh.
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;

const URL = 'https://app.contrastsecurity.com/Contrast/api/ng/agents/report';
const CONTENT_TYPE = 'application/json';

/** The derived HMAC key (HKDF-SHA256, salt = API key, IKM = service key, info = tag + user). */
function derived_key(): string
{
    return hash_hkdf('sha256', SERVICE_KEY, 32, 'contrast-auth/v1 ' . USER_NAME, API_KEY);
}

/** The three headers, computed by PHP alone. */
function php_sign(string $key, string $keyid, string $method, string $url, string $content_type, string $body,
                  int $created, string $nonce): array
{
    $parts = parse_url($url);
    $authority = strtolower($parts['host']) . (isset($parts['port']) && $parts['port'] !== 443 ? ':' . $parts['port'] : '');
    $digest = 'sha-256=:' . base64_encode(hash('sha256', $body, true)) . ':';
    $params = '("@method" "@authority" "@path" "@query" "content-type" "content-digest");created=' . $created
        . ';expires=' . ($created + 300) . ';nonce="' . rtrim(strtr(base64_encode($nonce), '+/', '-_'), '=')
        . '";keyid="' . $keyid . '";tag="contrast-auth/v1"';
    $base = '"@method": ' . $method . "\n\"@authority\": " . $authority . "\n\"@path\": " . $parts['path']
        . "\n\"@query\": ?" . ($parts['query'] ?? '') . "\n\"content-type\": " . $content_type
        . "\n\"content-digest\": " . $digest . "\n\"@signature-params\": " . $params;
    return ['Content-Digest' => $digest, 'Signature-Input' => 'contrast=' . $params,
        'Signature' => 'contrast=:' . base64_encode(hash_hmac('sha256', $base, $key, true)) . ':'];
}

$auth = ContrastAuth::fromCredentials('https://app.contrastsecurity.com/Contrast', USER_NAME, SERVICE_KEY, API_KEY);
$key = derived_key();
$keyid = substr(hash('sha256', $key), 0, 16);
$rounds = 7;
printf("%-8s %14s %14s %8s\n", 'body', 'extension', 'PHP hash', 'ratio');
foreach ([1024 => 20000, 65536 => 1000] as $size => $iterations) {
    $body = random_bytes($size);
    $nonce = random_bytes(16);
    $created = time();
    $expected = php_sign($key, $keyid, 'POST', URL, CONTENT_TYPE, $body, $created, $nonce);
    if ($auth->sign('POST', URL, CONTENT_TYPE, $body, $created, $nonce) !== $expected) {
        fwrite(STDERR, "the two signers differ at $size bytes\n");
        exit(1);
    }
    $extension = $php = [];
    for ($round = 0; $round < $rounds; $round++) {
        $start = hrtime(true);
        for ($i = 0; $i < $iterations; $i++) {
            $auth->sign('POST', URL, CONTENT_TYPE, $body);
        }
        $extension[] = (hrtime(true) - $start) / $iterations;
        $start = hrtime(true);
        for ($i = 0; $i < $iterations; $i++) {
            php_sign($key, $keyid, 'POST', URL, CONTENT_TYPE, $body, time(), random_bytes(16));
        }
        $php[] = (hrtime(true) - $start) / $iterations;
    }
    sort($extension);
    sort($php);
    $e = $extension[intdiv($rounds, 2)];
    $p = $php[intdiv($rounds, 2)];
    printf("%-8s %11.2f us %11.2f us %7.2fx\n", ($size / 1024) . ' KiB', $e / 1000, $p / 1000, $e / $p);
}
echo "(median of $rounds rounds; ratio = extension / PHP, below 1.0 is faster)\n";

--TEST--
Bad input: NUL bytes refused (never truncated), CR/LF, empty strings, wrong types, a nonce of the wrong length, bad levels
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;
use function Contrast\Auth\set_logger;

function attempt(string $what, callable $call): void
{
    try {
        $call();
        echo "$what: ACCEPTED\n";
    } catch (Throwable $e) {
        $leak = false;
        foreach (forbidden_forms([SERVICE_KEY, API_KEY]) as $secret) {
            $leak = $leak || str_contains($e->getMessage(), $secret);
        }
        echo "$what: ", get_class($e), ': ', $e->getMessage(), $leak ? ' [SECRET IN MESSAGE]' : '', "\n";
    }
}

$url = VECTOR_URL;
$auth = ContrastAuth::fromCredentials($url, USER_NAME, SERVICE_KEY, API_KEY);
$signing_url = "$url/api/ng/agents/report";

// A NUL inside a PHP string: the C library would stop reading there. Refused, never truncated.
attempt('NUL in url', fn () => ContrastAuth::fromCredentials("$url\0.evil", USER_NAME, SERVICE_KEY, API_KEY));
attempt('NUL in user name', fn () => ContrastAuth::fromCredentials($url, USER_NAME . "\0x", SERVICE_KEY, API_KEY));
attempt('NUL in service key', fn () => ContrastAuth::fromCredentials($url, USER_NAME, SERVICE_KEY . "\0", API_KEY));
attempt('NUL in API key', fn () => ContrastAuth::fromCredentials($url, USER_NAME, SERVICE_KEY, "\0" . API_KEY));
attempt('NUL in token', fn () => ContrastAuth::fromToken("eyJ1\0"));
attempt('NUL in method', fn () => $auth->sign("POST\0GET", $signing_url, 'application/json', ''));
attempt('NUL in content type', fn () => $auth->sign('POST', $signing_url, "application/json\0", ''));
attempt('NUL in path', fn () => $auth->send('POST', "/api\0/x", 'application/json', ''));
attempt('NUL in rotated key', fn () => $auth->rotate(SERVICE_KEY . "\0tail"));
echo 'after the refused rotation: generation ', $auth->fingerprints()->generation, ', Authorization ',
    $auth->authorizationHeader() === base64_encode(USER_NAME . ':' . SERVICE_KEY) ? 'unchanged' : 'CHANGED', "\n";

// CR/LF (header injection) and empty values.
attempt('CR/LF in service key', fn () => ContrastAuth::fromCredentials($url, USER_NAME, "KEY\r\nX-Evil: 1", API_KEY));
attempt('LF in API key', fn () => $auth->rotate(null, "KEY\nX"));
attempt('empty user name', fn () => ContrastAuth::fromCredentials($url, '', SERVICE_KEY, API_KEY));
attempt('empty url', fn () => ContrastAuth::fromCredentials('', USER_NAME, SERVICE_KEY, API_KEY));
attempt('empty token', fn () => ContrastAuth::fromToken(''));
attempt('invalid UTF-8 in user name', fn () => ContrastAuth::fromCredentials($url, "agent_\xff\xfe", SERVICE_KEY, API_KEY));
attempt('invalid UTF-8 in API key', fn () => $auth->rotate(null, "key\xc3("));
attempt('colon in user name', fn () => ContrastAuth::fromCredentials($url, 'a:b', SERVICE_KEY, API_KEY));
attempt('nothing to rotate', fn () => $auth->rotate());
attempt('empty method', fn () => $auth->sign('', $signing_url, 'application/json', ''));
attempt('CR/LF in path', fn () => $auth->send('POST', "/api\r\nX-Evil: 1", 'application/json', ''));
attempt('relative path', fn () => $auth->send('POST', 'api/x', 'application/json', ''));
attempt('signing an http URL', fn () => $auth->sign('POST', 'http://app.contrastsecurity.com/x', 'application/json', ''));
attempt('malformed token', fn () => ContrastAuth::fromToken('not base64!'));
attempt('token of the wrong JSON', fn () => ContrastAuth::fromToken(base64_encode('{"url":"https://x/Contrast"}')));

// Wrong types, as for internal functions (strict and coercive modes alike for arrays/objects).
attempt('array url', fn () => ContrastAuth::fromCredentials([], USER_NAME, SERVICE_KEY, API_KEY));
attempt('null user name', fn () => ContrastAuth::fromCredentials($url, null, SERVICE_KEY, API_KEY));
attempt('object body', fn () => $auth->sign('POST', $signing_url, 'application/json', new stdClass()));
attempt('string created', fn () => $auth->sign('POST', $signing_url, 'application/json', '', 'now', str_repeat('n', 16)));
attempt('string anchors', fn () => ContrastAuth::fromEnvironment('cert'));
attempt('missing argument', fn () => ContrastAuth::fromToken());
attempt('uncallable logger', fn () => set_logger('no_such_function'));

// The nonce: exactly 16 bytes, with created; created not negative.
attempt('15-byte nonce', fn () => $auth->sign('POST', $signing_url, 'application/json', '', 1700000000, str_repeat('n', 15)));
attempt('17-byte nonce', fn () => $auth->sign('POST', $signing_url, 'application/json', '', 1700000000, str_repeat('n', 17)));
attempt('nonce without created', fn () => $auth->sign('POST', $signing_url, 'application/json', '', null, str_repeat('n', 16)));
attempt('created without nonce', fn () => $auth->sign('POST', $signing_url, 'application/json', '', 1700000000));
attempt('negative created', fn () => $auth->sign('POST', $signing_url, 'application/json', '', -1, str_repeat('n', 16)));
$with_nul = $auth->sign('POST', $signing_url, 'application/json', '', 1700000000, str_repeat("\0", 16));
echo 'a 16-byte nonce of NUL bytes is bytes: ', str_contains($with_nul['Signature-Input'], 'nonce="AAAAAAAAAAAAAAAAAAAAAA"') ? 'signed' : 'WRONG', "\n";
attempt('level 0', fn () => set_logger(fn () => null, 0));
attempt('level 6', fn () => set_logger(fn () => null, 6));
echo "the handle still works: ", $auth->headers()['API-Key'] === API_KEY ? 'yes' : 'no', "\n";
?>
--EXPECTF--
NUL in url: ValueError: Contrast\Auth\ContrastAuth::fromCredentials(): Argument #1 ($url) must not contain any null bytes
NUL in user name: ValueError: Contrast\Auth\ContrastAuth::fromCredentials(): Argument #2 ($userName) must not contain any null bytes
NUL in service key: ValueError: Contrast\Auth\ContrastAuth::fromCredentials(): Argument #3 ($serviceKey) must not contain any null bytes
NUL in API key: ValueError: Contrast\Auth\ContrastAuth::fromCredentials(): Argument #4 ($apiKey) must not contain any null bytes
NUL in token: ValueError: Contrast\Auth\ContrastAuth::fromToken(): Argument #1 ($token) must not contain any null bytes
NUL in method: ValueError: Contrast\Auth\ContrastAuth::sign(): Argument #1 ($method) must not contain any null bytes
NUL in content type: ValueError: Contrast\Auth\ContrastAuth::sign(): Argument #3 ($contentType) must not contain any null bytes
NUL in path: ValueError: Contrast\Auth\ContrastAuth::send(): Argument #2 ($path) must not contain any null bytes
NUL in rotated key: ValueError: Contrast\Auth\ContrastAuth::rotate(): Argument #1 ($serviceKey) must not contain any null bytes
after the refused rotation: generation 1, Authorization unchanged
CR/LF in service key: ValueError: Contrast\Auth\ContrastAuth::fromCredentials(): %s
LF in API key: ValueError: Contrast\Auth\ContrastAuth::rotate(): %s
empty user name: ValueError: Contrast\Auth\ContrastAuth::fromCredentials(): %s
empty url: ValueError: Contrast\Auth\ContrastAuth::fromCredentials(): %s
empty token: %s: Contrast\Auth\ContrastAuth::fromToken(): %s
invalid UTF-8 in user name: ValueError: Contrast\Auth\ContrastAuth::fromCredentials(): %s
invalid UTF-8 in API key: ValueError: Contrast\Auth\ContrastAuth::rotate(): %s
colon in user name: ValueError: Contrast\Auth\ContrastAuth::fromCredentials(): %s
nothing to rotate: ValueError: Contrast\Auth\ContrastAuth::rotate(): %s
empty method: %s: Contrast\Auth\ContrastAuth::sign(): %s
CR/LF in path: ValueError: Contrast\Auth\ContrastAuth::send(): %s
relative path: ValueError: Contrast\Auth\ContrastAuth::send(): %s
signing an http URL: %s: Contrast\Auth\ContrastAuth::sign(): %s
malformed token: Contrast\Auth\InvalidTokenException: Contrast\Auth\ContrastAuth::fromToken(): %s
token of the wrong JSON: Contrast\Auth\InvalidTokenException: Contrast\Auth\ContrastAuth::fromToken(): %s
array url: TypeError: Contrast\Auth\ContrastAuth::fromCredentials(): Argument #1 ($url) must be of type string, array given
null user name: TypeError: Contrast\Auth\ContrastAuth::fromCredentials(): Argument #2 ($userName) must be of type string, null given
object body: TypeError: Contrast\Auth\ContrastAuth::sign(): Argument #4 ($body) must be of type string, stdClass given
string created: TypeError: Contrast\Auth\ContrastAuth::sign(): Argument #5 ($created) must be of type ?int, string given
string anchors: TypeError: Contrast\Auth\ContrastAuth::fromEnvironment(): Argument #1 ($trustAnchors) must be of type array, string given
missing argument: ArgumentCountError: Contrast\Auth\ContrastAuth::fromToken() expects exactly 1 argument, 0 given
uncallable logger: TypeError: Contrast\Auth\set_logger(): Argument #1 ($logger) must be a valid callback or null, function "no_such_function" not found or invalid function name
15-byte nonce: ValueError: Contrast\Auth\ContrastAuth::sign(): Argument #6 ($nonce) must be exactly 16 bytes, 15 given
17-byte nonce: ValueError: Contrast\Auth\ContrastAuth::sign(): Argument #6 ($nonce) must be exactly 16 bytes, 17 given
nonce without created: ValueError: Contrast\Auth\ContrastAuth::sign(): Argument #5 ($created) must be given when $nonce is
created without nonce: ValueError: Contrast\Auth\ContrastAuth::sign(): Argument #6 ($nonce) must be given when $created is
negative created: ValueError: Contrast\Auth\ContrastAuth::sign(): Argument #5 ($created) must be greater than or equal to 0
a 16-byte nonce of NUL bytes is bytes: signed
level 0: ValueError: Contrast\Auth\set_logger(): Argument #2 ($maxLevel) must be between Contrast\Auth\LOG_ERROR (1) and Contrast\Auth\LOG_TRACE (5)
level 6: ValueError: Contrast\Auth\set_logger(): Argument #2 ($maxLevel) must be between Contrast\Auth\LOG_ERROR (1) and Contrast\Auth\LOG_TRACE (5)
the handle still works: yes

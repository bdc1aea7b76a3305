--TEST--
The shared vectors (tests/vectors/): header values and signatures byte for byte, non-ASCII user names included
--FILE--
<?php
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;

$vectors = REPOSITORY . '/tests/vectors';
$headers = json_decode(file_get_contents("$vectors/headers.json"), true, 16, JSON_THROW_ON_ERROR);
$checked = 0;
foreach ($headers['cases'] as $case) {
    $auth = ContrastAuth::fromCredentials($headers['url'], $case['user_name'], $case['service_key'], $case['api_key']);
    $all = $auth->headers();
    $same = $auth->authorizationHeader() === $case['authorization'] && $auth->apiKeyHeader() === $case['api_key_header']
        && $all['Authorization'] === $case['authorization'] && $all['API-Key'] === $case['api_key_header'];
    if (!$same) {
        echo "header case {$case['name']}: MISMATCH\n";
    }
    $checked++;
}
echo "header cases: $checked, non-ASCII among them: ",
    count(array_filter($headers['cases'], fn ($c) => preg_match('/[^\x00-\x7f]/', $c['user_name']))) >= 2 ? 'yes' : 'no', "\n";

function signer_for(array $case): ContrastAuth
{
    $credentials = $case['credentials'];
    $previous = $case['previous_credentials'];
    if ($credentials['signing_key'] !== null) {
        // A dedicated signing key is configuration (api.signing_key): loaded as an agent does.
        foreach (array_keys(getenv()) as $name) {
            if (str_starts_with($name, 'CONTRAST')) {
                putenv($name);
            }
        }
        chdir(scratch_dir());
        foreach (['USER_NAME' => 'user_name', 'SERVICE_KEY' => 'service_key', 'API_KEY' => 'api_key', 'SIGNING_KEY' => 'signing_key'] as $env => $key) {
            putenv("CONTRAST__API__$env={$credentials[$key]}");
        }
        putenv('CONTRAST__API__URL=' . VECTOR_URL);
        return ContrastAuth::fromEnvironment();
    }
    $first = $previous ?? $credentials;
    $auth = ContrastAuth::fromCredentials(VECTOR_URL, $first['user_name'], $first['service_key'], $first['api_key']);
    if ($previous !== null) {
        $auth->rotate($credentials['service_key'], $credentials['api_key']);
    }
    return $auth;
}

$cases = glob("$vectors/*/case.json");
$signed = 0;
foreach ($cases as $file) {
    $name = basename(dirname($file));
    $case = json_decode(file_get_contents($file), true, 32, JSON_THROW_ON_ERROR);
    $expected = $case['expected'];
    $request = $case['request'];
    $body = file_get_contents(dirname($file) . '/' . $request['body_file']);
    $auth = signer_for($case);
    $nonce = base64_decode(strtr($case['nonce'], '-_', '+/'), true);
    $signature = $auth->sign($request['method'], $request['url'], $request['content_type'], $body, $case['created'], $nonce);
    $want = ['Content-Digest' => $expected['content_digest'], 'Signature-Input' => $expected['signature_input'], 'Signature' => $expected['signature']];
    $problems = [];
    if ($signature !== $want) {
        $problems[] = 'signature headers differ: ' . json_encode($signature);
    }
    if ($auth->authorizationHeader() !== $expected['authorization'] || $auth->apiKeyHeader() !== $expected['api_key']) {
        $problems[] = 'header values differ';
    }
    if (!str_contains($expected['keyid'], $auth->fingerprints()->signingKey) || strlen($auth->fingerprints()->signingKey) !== 8) {
        $problems[] = 'the signing key fingerprint is not the keyid prefix';
    }
    if (preg_match('/[^\x00-\x7f]/', $case['credentials']['user_name'])) {
        // A non-ASCII user name only enters the derived key; no signature header carries it.
        foreach ($signature as $value) {
            if (preg_match('/[^\x00-\x7f]/', $value) || str_contains($value, $case['credentials']['user_name'])) {
                $problems[] = 'a signature header carries the user name';
            }
        }
        echo "$name: non-ASCII user name\n";
    }
    foreach ($problems as $problem) {
        echo "$name: $problem\n";
    }
    $signed++;
}
echo "signing cases: $signed of ", count($cases), ", all byte for byte\n";
?>
--EXPECTF--
header cases: %d, non-ASCII among them: yes
four_byte_user_name: non-ASCII user name
latin1_user_name: non-ASCII user name
signing cases: 31 of 31, all byte for byte

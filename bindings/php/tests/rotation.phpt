--TEST--
Rotation (rotate(), new fingerprints, the server accepts the new keys), reload after a 401 from the YAML file, a 503 retried
--FILE--
<?php
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;
use Contrast\Auth\CredentialsRejectedException;

// rotate(): the administrator moved the agent to new keys; the server accepts old and new.
$server = start_test_server([USER_NAME . ':' . SERVICE_KEY . ':' . API_KEY, USER_NAME . ':NEWSERVICEKEY:NEWAPIKEY']);
configure_environment($server);
$auth = ContrastAuth::fromEnvironment();
$before = $auth->fingerprints();
$auth->rotate('NEWSERVICEKEY', 'NEWAPIKEY');
$after = $auth->fingerprints();
echo "generation {$before->generation} -> {$after->generation}; user name ", $before->userName === $after->userName ? 'same' : 'changed',
    '; service key ', $before->serviceKey === $after->serviceKey ? 'same' : 'changed',
    '; API key ', $before->apiKey === $after->apiKey ? 'same' : 'changed',
    '; signing key ', $before->signingKey === $after->signingKey ? 'same' : 'changed', "\n";
echo 'API-Key now: ', $auth->apiKeyHeader(), "\n";
$outcome = $auth->send('POST', '/api/ng/agents/report', 'application/json', REPORT);
echo "sent with the new keys: {$outcome->status}, generation {$outcome->generation}\n";
$auth->rotate(apiKey: 'NEWAPIKEY');   // one layer only
echo 'one layer: generation ', $auth->fingerprints()->generation, "\n";

// Reload after a 401: the server only accepts the new API key; the YAML file gets it.
$server = start_test_server([USER_NAME . ':' . SERVICE_KEY . ':NEWAPIKEY']);
configure_environment($server, ['API_KEY' => null]);
$config = scratch_dir() . '/contrast_security.yaml';
file_put_contents($config, "api:\n  api_key: OLDAPIKEY\n");
putenv("CONTRAST_CONFIG_PATH=$config");
$auth = ContrastAuth::fromEnvironment();
try {
    $auth->send('POST', '/api/ng/agents/report', 'application/json', REPORT);
} catch (CredentialsRejectedException $e) {
    echo get_class($e), ' (code ', $e->getCode(), '): mentions 401: ', str_contains($e->getMessage(), '401') ? 'yes' : 'no',
        '; a key in the message: ', str_contains($e->getMessage(), 'OLDAPIKEY') || str_contains($e->getMessage(), SERVICE_KEY) ? 'YES' : 'no', "\n";
}
file_put_contents($config, "api:\n  api_key: NEWAPIKEY\n");
$outcome = $auth->send('POST', '/api/ng/agents/report', 'application/json', REPORT);
echo "after the file changed: status {$outcome->status}, attempts {$outcome->attempts}, reloaded ", var_export($outcome->reloaded, true), "\n";
echo 'API-Key now: ', $auth->apiKeyHeader(), "\n";
file_put_contents($config, "api:\n  api_key: NEWERAPIKEY\n");
echo 'reload(): ', json_encode($auth->reload()), "\n";
$counters = $auth->counters();
echo "counters: acknowledged {$counters->acknowledged}, failed {$counters->failed}, reloads {$counters->reloads}, rejections {$counters->rejections}\n";

// 503 once: retried, then acknowledged.
$server = start_test_server([], ['--require-signature', '--fault', '503']);
configure_environment($server);
$auth = ContrastAuth::fromEnvironment();
$outcome = $auth->send('POST', '/api/ng/agents/report', 'application/json', REPORT);
echo "503 then: status {$outcome->status}, attempts {$outcome->attempts}, retries ", $auth->counters()->retries, "\n";
$stats = server_stats($server);
echo "server: faults {$stats['faults']}, accepted {$stats['accepted']}\n";
?>
--EXPECT--
generation 1 -> 2; user name same; service key changed; API key changed; signing key changed
API-Key now: NEWAPIKEY
sent with the new keys: 200, generation 2
one layer: generation 3
Contrast\Auth\CredentialsRejectedException (code 7): mentions 401: yes; a key in the message: no
after the file changed: status 200, attempts 2, reloaded true
API-Key now: NEWAPIKEY
reload(): ["apiKey","signingKey"]
counters: acknowledged 1, failed 1, reloads 2, rejections 2
503 then: status 200, attempts 2, retries 1
server: faults 1, accepted 1

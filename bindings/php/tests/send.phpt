--TEST--
send() to the test server with signatures required; the library's headers on PHP's own client; a non-ASCII user name end to end; a token
--FILE--
<?php
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;

$server = start_test_server();
configure_environment($server);
$auth = ContrastAuth::fromEnvironment();
$outcome = $auth->send('POST', '/api/ng/agents/report', 'application/json', REPORT);
var_dump($outcome);
echo 'PUT with a query: ', $auth->send('PUT', '/api/ng/agents/activity?x=1', 'application/json', '')->status, "\n";
$counters = $auth->counters();
echo "acknowledged {$counters->acknowledged}, failed {$counters->failed}, requests {$counters->requests}, handshakes {$counters->handshakes}\n";
// A body with NUL bytes is bytes, not text: sent whole.
echo 'binary body: ', $auth->send('POST', '/api/ng/agents/report', 'application/octet-stream', "a\0b\0" . random_bytes(100))->status, "\n";
echo 'PHP https client with headers() + sign(): ', post_signed($auth, $server, '/api/ng/agents/report', REPORT), "\n";
$stats = server_stats($server);
echo "server: accepted {$stats['accepted']}, rejected {$stats['rejected']}\n";

// Non-ASCII user names (Latin-1 and a 4-byte UTF-8 character): configuration, headers, signing, sending.
foreach (["agent_\u{00fc}7f3a", "agent_\u{1D11E}7f3a@Org"] as $user_name) {
    $server = start_test_server(["$user_name:" . SERVICE_KEY . ':' . API_KEY]);
    configure_environment($server, ['USER_NAME' => $user_name]);
    $auth = ContrastAuth::fromEnvironment();
    $ok = $auth->authorizationHeader() === base64_encode("$user_name:" . SERVICE_KEY);
    $signed = $auth->sign('POST', $server['url'] . '/api/ng/agents/report', 'application/json', REPORT);
    foreach ($signed as $value) {
        $ok = $ok && !str_contains($value, $user_name) && !preg_match('/[^\x00-\x7f]/', $value);
    }
    $status = $auth->send('POST', '/api/ng/agents/report', 'application/json', REPORT)->status;
    $posted = post_signed($auth, $server, '/api/ng/agents/report', REPORT);
    $stats = server_stats($server);
    echo strlen($user_name), "-byte user name: headers ", $ok ? 'ok' : 'WRONG', ", send $status, own client $posted, accepted {$stats['accepted']}, rejected {$stats['rejected']}\n";
}

// An agent token (base64 of the JSON object): the same credentials.
$token = base64_encode(json_encode(['url' => VECTOR_URL, 'api_key' => API_KEY, 'service_key' => SERVICE_KEY, 'user_name' => USER_NAME]));
$from_token = ContrastAuth::fromToken($token);
echo 'token: ', $from_token->headers() === ContrastAuth::fromCredentials(VECTOR_URL, USER_NAME, SERVICE_KEY, API_KEY)->headers() ? 'same headers' : 'DIFFERENT', "\n";
?>
--EXPECTF--
object(Contrast\Auth\SendOutcome)#%d (4) {
  ["status"]=>
  int(200)
  ["attempts"]=>
  int(1)
  ["generation"]=>
  int(1)
  ["reloaded"]=>
  bool(false)
}
PUT with a query: 200
acknowledged 2, failed 0, requests 2, handshakes 1
binary body: 200
PHP https client with headers() + sign(): 200
server: accepted 4, rejected 0
12-byte user name: headers ok, send 200, own client 200, accepted 2, rejected 0
18-byte user name: headers ok, send 200, own client 200, accepted 2, rejected 0
token: same headers

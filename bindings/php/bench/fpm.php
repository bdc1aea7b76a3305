<?php
// Requests per second through php-fpm (pm = static, 4 workers, cgi-fcgi in 4 parallel lanes,
// each request one report to the loopback test server): ContrastAuth::persistent() (one handle
// and one TLS connection per worker) against a handle made per request (fromEnvironment(): a
// configuration read and a TLS handshake every time). cgi-fcgi starts a process per request,
// which both sides pay alike. Run by bindings/php/bench.sh.
require __DIR__ . '/fpm.inc';

const REQUESTS = 800;
const PER_REQUEST_SCRIPT = <<<'PHP'
    <?php
    $start = hrtime(true);
    $auth = Contrast\Auth\ContrastAuth::fromEnvironment();
    $outcome = $auth->send('POST', '/api/ng/agents/report', 'application/json', '{"findings":[1]}');
    $micros = (hrtime(true) - $start) / 1000;
    $counters = $auth->counters();
    echo json_encode(['pid' => getmypid(), 'status' => $outcome->status, 'acknowledged' => $counters->acknowledged,
        'handshakes' => $counters->handshakes, 'failed' => $counters->failed, 'micros' => $micros]);
    PHP;

$server = start_test_server();
configure_environment($server);
$results = [];
$in_request = [];
foreach (['persistent()' => PERSISTENT_REPORT_SCRIPT, 'handle per request' => PER_REQUEST_SCRIPT] as $name => $script) {
    $fpm = start_fpm($script);
    fpm_requests($fpm, 40);   // warm-up: workers started, first connections made
    [$bodies, $seconds] = fpm_requests($fpm, REQUESTS);
    $ok = count(array_filter($bodies, fn ($b) => (json_decode($b, true)['status'] ?? 0) === 200));
    stop_fpm($fpm);
    if ($ok !== REQUESTS) {
        fwrite(STDERR, "$name: $ok of " . REQUESTS . " acknowledged\n");
        exit(1);
    }
    $results[$name] = REQUESTS / $seconds;
    $micros = array_map(fn ($b) => json_decode($b, true)['micros'], $bodies);
    sort($micros);
    $in_request[$name] = $micros[intdiv(count($micros), 2)];
}
$stats = server_stats($server);
foreach ($results as $name => $rate) {
    printf("%-20s %8.0f requests/s, handle + send() in the request: median %7.0f us\n", $name, $rate, $in_request[$name]);
}
printf("persistent() / per request: %.2fx the requests/s, %.2fx the time in the request (%d requests each, 4 workers; the server saw %d TLS handshakes in all)\n",
    $results['persistent()'] / $results['handle per request'], $in_request['persistent()'] / $in_request['handle per request'],
    REQUESTS, $stats['tls_handshakes']);

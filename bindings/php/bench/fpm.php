<?php
// Requests per second through php-fpm (pm = static, 4 workers, each request one report to the
// loopback test server): ContrastAuth::persistent() (one handle and one TLS connection per
// worker) against a handle made per request (fromEnvironment(): a configuration read and a TLS
// handshake every time). Two drivers: cgi-fcgi (libfcgi-bin, what the tests use; it starts a
// process per request, which both sides pay alike) and a FastCGI client in this script (4
// forked lanes, one connection per request, no process start). Run by bindings/php/bench.sh.
require __DIR__ . '/fpm.inc';

const REQUESTS = 200;   // per round
const ROUNDS = 7;

/** One FastCGI record (version 1). */
function fcgi_record(int $type, string $content): string
{
    return pack('CCnnCx', 1, $type, 1, strlen($content), 0) . $content;
}

/** A FastCGI name-value pair (lengths below 128 bytes: one byte each). */
function fcgi_pair(string $name, string $value): string
{
    return chr(strlen($name)) . chr(strlen($value)) . $name . $value;
}

/** One request over a new connection to php-fpm's socket; returns the response body. */
function fcgi_request(string $socket, string $script): string
{
    $connection = stream_socket_client("unix://$socket", $code, $message, 30);
    $params = fcgi_pair('SCRIPT_FILENAME', $script) . fcgi_pair('SCRIPT_NAME', '/report.php')
        . fcgi_pair('REQUEST_METHOD', 'GET') . fcgi_pair('SERVER_PROTOCOL', 'HTTP/1.1')
        . fcgi_pair('GATEWAY_INTERFACE', 'CGI/1.1') . fcgi_pair('QUERY_STRING', '');
    fwrite($connection, fcgi_record(1, pack('nCx5', 1, 0)) . fcgi_record(4, $params) . fcgi_record(4, '')
        . fcgi_record(5, ''));
    $stdout = '';
    while (($header = fread($connection, 8)) !== false && strlen($header) === 8) {
        $record = unpack('Cversion/Ctype/nid/nlength/Cpadding', $header);
        $content = $record['length'] + $record['padding'] > 0 ? stream_get_contents($connection, $record['length'] + $record['padding']) : '';
        if ($record['type'] === 6) {
            $stdout .= substr($content, 0, $record['length']);
        } elseif ($record['type'] === 3) {
            break;   // END_REQUEST
        }
    }
    fclose($connection);
    return substr($stdout, strpos($stdout, "\r\n\r\n") + 4);
}

/** $count requests in FPM_WORKERS forked lanes; returns the bodies and the wall time. */
function fcgi_requests(array $fpm, int $count): array
{
    $start = microtime(true);
    $lanes = [];
    for ($lane = 0; $lane < FPM_WORKERS; $lane++) {
        $pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $pid = pcntl_fork();
        if ($pid === 0) {
            fclose($pair[0]);
            $bodies = [];
            for ($i = $lane; $i < $count; $i += FPM_WORKERS) {
                $bodies[] = fcgi_request($fpm['socket'], $fpm['script']);
            }
            fwrite($pair[1], json_encode($bodies));
            fclose($pair[1]);
            posix_kill(getmypid(), SIGKILL);   // no shutdown functions of the parent's in the lane
        }
        fclose($pair[1]);
        $lanes[$pid] = $pair[0];
    }
    $bodies = [];
    foreach ($lanes as $pid => $pipe) {
        $bodies = array_merge($bodies, json_decode(stream_get_contents($pipe), true));
        pcntl_waitpid($pid, $status);
    }
    return [$bodies, microtime(true) - $start];
}
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
$sides = ['persistent()' => PERSISTENT_REPORT_SCRIPT, 'handle per request' => PER_REQUEST_SCRIPT];
$pools = [];
foreach ($sides as $name => $script) {
    $pools[$name] = start_fpm($script);   // both pools run side by side; rounds alternate
}
$median = function (array $values): float {
    sort($values);
    return $values[intdiv(count($values), 2)];
};
$results = [];
foreach (['cgi-fcgi' => 'fpm_requests', 'FastCGI client' => 'fcgi_requests'] as $driver => $send) {
    $rates = $micros = [];
    foreach ($pools as $name => $fpm) {
        $send($fpm, 40);   // warm-up: workers started, first connections made
    }
    for ($round = 0; $round < ROUNDS; $round++) {
        foreach ($pools as $name => $fpm) {
            [$bodies, $seconds] = $send($fpm, REQUESTS);
            $ok = count(array_filter($bodies, fn ($b) => (json_decode($b, true)['status'] ?? 0) === 200));
            if ($ok !== REQUESTS) {
                fwrite(STDERR, "$driver, $name: $ok of " . REQUESTS . " acknowledged\n");
                exit(1);
            }
            $rates[$name][] = REQUESTS / $seconds;
            $micros[$name][] = $median(array_map(fn ($b) => json_decode($b, true)['micros'], $bodies));
        }
    }
    foreach ($sides as $name => $script) {
        $results[$driver][$name] = [$median($rates[$name]), $median($micros[$name])];
    }
}
foreach ($pools as $fpm) {
    stop_fpm($fpm);
}
$stats = server_stats($server);
foreach ($results as $driver => $row) {
    foreach ($row as $name => [$rate, $time]) {
        printf("%-15s %-20s %6.0f requests/s, handle + send() in the request: median %6.0f us\n", $driver, $name, $rate, $time);
    }
    printf("%-15s persistent() / per request: %.2fx the requests/s, %.3fx the time in the request\n", $driver,
        $row['persistent()'][0] / $row['handle per request'][0], $row['persistent()'][1] / $row['handle per request'][1]);
}
printf("(medians of %d alternating rounds of %d requests, 4 workers per pool; the server saw %d TLS handshakes in all)\n",
    ROUNDS, REQUESTS, $stats['tls_handshakes']);

--TEST--
persistent(): one handle per process from the environment, reused; a forked child never uses its parent's but makes its own
--FILE--
<?php
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;

$server = start_test_server();
configure_environment($server);
$first = ContrastAuth::persistent();
$first->send('POST', '/api/ng/agents/report', 'application/json', REPORT);
$first->rotate(SERVICE_KEY, API_KEY);
unset($first);   // the object goes, the process's handle stays
$again = ContrastAuth::persistent();
$again->send('POST', '/api/ng/agents/report', 'application/json', REPORT);
$counters = $again->counters();
echo "same handle: generation ", $again->fingerprints()->generation, ", acknowledged {$counters->acknowledged}, handshakes {$counters->handshakes}\n";
echo 'a handle from fromEnvironment() is another one: acknowledged ', ContrastAuth::fromEnvironment()->counters()->acknowledged, "\n";

// fork(): the child gets a handle of its own (its counters start at 0, its own connection).
$channel = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
$pid = pcntl_fork();
if ($pid === 0) {
    fclose($channel[0]);
    $child = ContrastAuth::persistent();
    $before = $child->counters()->acknowledged;
    $sent = 0;
    for ($i = 0; $i < 5; $i++) {
        $sent += $child->send('POST', '/api/ng/agents/report', 'application/json', REPORT)->status === 200 ? 1 : 0;
    }
    $again->send('POST', '/api/ng/agents/report', 'application/json', REPORT);  // an object made before the fork: also the child's own
    $counters = $child->counters();
    fwrite($channel[1], json_encode(['before' => $before, 'sent' => $sent, 'acknowledged' => $counters->acknowledged,
        'handshakes' => $counters->handshakes, 'failed' => $counters->failed, 'generation' => $child->fingerprints()->generation]));
    fclose($channel[1]);
    exit(0);   // module shutdown in the child frees the child's handle only
}
fclose($channel[1]);
$report = json_decode(stream_get_contents($channel[0]), true);
pcntl_waitpid($pid, $status);
echo 'child: ', json_encode($report), ', exit ', pcntl_wexitstatus($status), "\n";
for ($i = 0; $i < 3; $i++) {
    $again->send('POST', '/api/ng/agents/report', 'application/json', REPORT);
}
$counters = $again->counters();
echo "parent after the fork: acknowledged {$counters->acknowledged}, failed {$counters->failed}, handshakes {$counters->handshakes}\n";
$stats = server_stats($server);
echo "server: accepted {$stats['accepted']}, handshakes {$stats['tls_handshakes']}, connections {$stats['connections']}\n";
?>
--EXPECT--
same handle: generation 2, acknowledged 2, handshakes 1
a handle from fromEnvironment() is another one: acknowledged 0
child: {"before":0,"sent":5,"acknowledged":6,"handshakes":1,"failed":0,"generation":1}, exit 0
parent after the fork: acknowledged 5, failed 0, handshakes 1
server: accepted 11, handshakes 2, connections 2

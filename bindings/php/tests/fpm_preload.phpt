--TEST--
php-fpm with a first report sent from the master (opcache.preload) before the workers fork: the workers never use the master's handle or connection
--FILE--
<?php
require __DIR__ . '/fpm.inc';

$server = start_test_server();
configure_environment($server);
$report_dir = scratch_dir();
chmod($report_dir, 0777);   // written by the master, which runs as nobody when the suite runs as root
$report = "$report_dir/master.json";
$preload = <<<PHP
    <?php
    \$auth = Contrast\Auth\ContrastAuth::persistent();
    \$outcome = \$auth->send('POST', '/api/ng/agents/startup', 'application/json', '{"startup":true}');
    file_put_contents('$report', json_encode(['pid' => getmypid(), 'status' => \$outcome->status,
        'handshakes' => \$auth->counters()->handshakes]));
    PHP;
$fpm = start_fpm(PERSISTENT_REPORT_SCRIPT, $preload);
$master = json_decode((string) file_get_contents($report), true);
echo 'the master sent its report: ', ($master['status'] ?? null) === 200 && $master['pid'] === $fpm['master'] && $master['handshakes'] === 1
    ? 'yes, from the master pid, on 1 connection' : 'NO: ' . json_encode($master) . " master pid {$fpm['master']}", "\n";
[$bodies] = fpm_requests($fpm, 400);
check_fpm_run($fpm, $server, $bodies, 400, $master);
?>
--EXPECT--
the master sent its report: yes, from the master pid, on 1 connection
400 requests, all acknowledged
served by 1 to 4 workers, never the master
each worker's handle counted exactly its own reports, none failed
at most one TLS handshake per worker
the server's handshakes and connections are exactly the processes' own (none shared)
the server accepted every report

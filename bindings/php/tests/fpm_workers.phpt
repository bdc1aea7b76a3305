--TEST--
php-fpm (pm = static, 4 workers, loopback socket, cgi-fcgi): persistent()->send() per request, 400 requests, one TLS handshake at most per worker, none shared
--FILE--
<?php
require __DIR__ . '/fpm.inc';

$server = start_test_server();
configure_environment($server);
$fpm = start_fpm(PERSISTENT_REPORT_SCRIPT);
[$bodies] = fpm_requests($fpm, 400);
check_fpm_run($fpm, $server, $bodies, 400, null);
?>
--EXPECT--
400 requests, all acknowledged
served by 1 to 4 workers, never the master
each worker's handle counted exactly its own reports, none failed
at most one TLS handshake per worker
the server's handshakes and connections are exactly the processes' own (none shared)
the server accepted every report

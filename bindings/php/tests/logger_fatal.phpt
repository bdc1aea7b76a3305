--TEST--
A fatal error inside the logger is held at the C boundary and resumed after the library call: it never unwinds through the library, and the script ends as after any fatal error
--FILE--
<?php
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;
use function Contrast\Auth\set_logger;
use const Contrast\Auth\LOG_TRACE;

$auth = ContrastAuth::fromCredentials(VECTOR_URL, USER_NAME, SERVICE_KEY, API_KEY);
$calls = 0;
set_logger(function () use (&$calls): void {
    $calls++;
    trigger_error('fatal in the logger', E_USER_ERROR);
}, LOG_TRACE);
register_shutdown_function(function () use (&$calls, $auth): void {
    set_logger(null);
    echo "shutdown ran after $calls logger call(s); the rotation completed: generation ", $auth->fingerprints()->generation, "\n";
});
$auth->rotate('FATALKEY');
echo "NOT REACHED\n";
?>
--EXPECTF--
Fatal error: fatal in the logger in %s on line %d
shutdown ran after 1 logger call(s); the rotation completed: generation 2

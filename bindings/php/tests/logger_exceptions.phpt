--TEST--
A logger that throws: the exception comes out of the library call; a logger that calls the library: no recursion
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
    throw new DomainException('from the logger');
}, LOG_TRACE);
try {
    $auth->rotate('OTHERKEY');
} catch (DomainException $e) {
    echo 'caught: ', $e->getMessage(), " after $calls call(s)\n";
}
echo 'the rotation happened: generation ', $auth->fingerprints()->generation, "\n";
set_logger(null);
echo 'still usable: ', strlen($auth->authorizationHeader()) > 0 ? 'yes' : 'no', "\n";

// A logger that calls the library itself: its own records are dropped (no recursion).
$events = [];
set_logger(function (int $level, string $event) use (&$events, $auth): void {
    $events[] = $event;
    $auth->rotate('NESTED' . count($events));
}, LOG_TRACE);
$auth->rotate('OUTERKEY');
set_logger(null);
echo 'records while the logger rotates: ', count($events), ', generation ', $auth->fingerprints()->generation, "\n";
?>
--EXPECT--
caught: from the logger after 1 call(s)
the rotation happened: generation 2
still usable: yes
records while the logger rotates: 1, generation 4

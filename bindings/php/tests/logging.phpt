--TEST--
set_logger() at TRACE over a whole session (load, sign, a 503 retried, a 401 reload, rotate): every step logged on the calling thread, no planted secret or any base64 form of it in any record
--FILE--
<?php
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;
use function Contrast\Auth\set_logger;
use const Contrast\Auth\LOG_TRACE;

const WRONG_SERVICE_KEY = 'WRONGSERVICEKEY4PHP';
const ROTATED_SERVICE_KEY = 'ROTATEDSERVICEKEY6PHP';

$records = [];
set_logger(function (int $level, string $event, string $message) use (&$records): void {
    $records[] = [$level, $event, $message];
}, LOG_TRACE);

$server = start_test_server([USER_NAME . ':' . SERVICE_KEY . ':' . API_KEY, USER_NAME . ':' . ROTATED_SERVICE_KEY . ':' . API_KEY],
    ['--fault', '503']);
configure_environment($server, ['SERVICE_KEY' => null]);
$config = scratch_dir() . '/contrast_security.yaml';
file_put_contents($config, "api:\n  service_key: " . WRONG_SERVICE_KEY . "\n");
putenv("CONTRAST_CONFIG_PATH=$config");
$auth = ContrastAuth::fromEnvironment();
file_put_contents($config, "api:\n  service_key: " . SERVICE_KEY . "\n");
$auth->headers();
$auth->sign('POST', $server['url'] . '/api/ng/report', 'application/json', '{}');
$outcome = $auth->send('POST', '/api/ng/report', 'application/json', '{"a":1}');
$auth->rotate(ROTATED_SERVICE_KEY);
$auth->send('POST', '/api/ng/report', 'application/json', '{}');
$counters = $auth->counters();
echo "attempts {$outcome->attempts}, reloaded ", var_export($outcome->reloaded, true),
    "; acknowledged {$counters->acknowledged}, requests {$counters->requests}, retries {$counters->retries}, reloads {$counters->reloads}, rejections {$counters->rejections}\n";

$levels = array_count_values(array_map(fn ($r) => $r[0], $records));
ksort($levels);
echo 'levels seen: ', implode(',', array_keys($levels)), "\n";
$events = array_unique(array_map(fn ($r) => $r[1], $records));
foreach (['credentials.rotated', 'config.loaded'] as $wanted) {
    echo "$wanted: ", in_array($wanted, $events, true) ? 'logged' : 'MISSING (events: ' . implode(' ', $events) . ')', "\n";
}
echo 'events about retry and reload: ', count(array_filter($events, fn ($e) => str_contains($e, 'retr'))) > 0 ? 'yes' : 'no', ', ',
    count(array_filter($events, fn ($e) => str_contains($e, 'reload'))) > 0 ? 'yes' : 'no', "\n";

$planted = [USER_NAME, SERVICE_KEY, API_KEY, WRONG_SERVICE_KEY, ROTATED_SERVICE_KEY];
foreach ([SERVICE_KEY, WRONG_SERVICE_KEY, ROTATED_SERVICE_KEY] as $key) {
    $planted[] = USER_NAME . ":$key";
}
$found = 0;
foreach ($records as [$level, $event, $message]) {
    foreach (forbidden_forms($planted) as $secret) {
        if (str_contains($message, $secret) || str_contains($event, $secret)) {
            echo "SECRET in $event: $message\n";
            $found++;
        }
    }
}
echo count($records) > 10 ? 'many records' : 'FEW RECORDS (' . count($records) . ')', ", secrets found: $found\n";

// Off: nothing more arrives.
set_logger(null);
$before = count($records);
$auth->sign('POST', $server['url'] . '/api/ng/report', 'application/json', '{}');
echo 'after set_logger(null): ', count($records) - $before, " records\n";

// The maximum level filters: at LOG_INFO no TRACE or DEBUG record.
$records = [];
set_logger(function (int $level, string $event, string $message) use (&$records): void {
    $records[] = [$level, $event, $message];
});
$auth->rotate(SERVICE_KEY);
$auth->sign('POST', $server['url'] . '/api/ng/report', 'application/json', '{}');
echo 'default level: ', count($records), ' record(s), highest level ', max(array_map(fn ($r) => $r[0], $records)), "\n";
?>
--EXPECTF--
attempts 3, reloaded true; acknowledged 2, requests 4, retries 2, reloads 1, rejections 1
levels seen: %s
credentials.rotated: logged
config.loaded: logged
events about retry and reload: yes, yes
many records, secrets found: 0
after set_logger(null): 0 records
default level: 1 record(s), highest level 3

--TEST--
The API: names, constants equal to the C header's, classes, exceptions, readonly values
--FILE--
<?php
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;

$header = file_get_contents(REPOSITORY . '/include/contrast_auth.h');
preg_match_all('/#define CONTRAST_LOG_(\w+) (\d+)/', $header, $levels, PREG_SET_ORDER);
foreach ($levels as [, $name, $value]) {
    echo "LOG_$name ", constant("Contrast\\Auth\\LOG_$name") === (int) $value ? 'equals' : 'DIFFERS', " the header\n";
}

$methods = array_map(fn ($m) => ($m->isStatic() ? 'static ' : '') . $m->getName(),
    array_filter((new ReflectionClass(ContrastAuth::class))->getMethods(), fn ($m) => $m->isPublic()));
echo implode(', ', $methods), "\n";
$class = new ReflectionClass(ContrastAuth::class);
var_dump($class->isFinal(), $class->getConstructor()->isPrivate());

// Counters carry every field of contrast_counters, in the header's order.
$end = strpos($header, '} contrast_counters;');
$struct = substr($header, strrpos(substr($header, 0, $end), 'typedef struct {'), $end);
preg_match_all('/uint64_t (\w+);/', substr($struct, 0, strpos($struct, '} contrast_counters;')), $fields);
$properties = array_map(fn ($p) => $p->getName(), (new ReflectionClass(Contrast\Auth\Counters::class))->getProperties());
echo 'Counters: ', $properties === $fields[1] ? 'every field of contrast_counters' : 'MISMATCH ' . implode(',', $properties), "\n";
foreach ([Contrast\Auth\SendOutcome::class, Contrast\Auth\Fingerprints::class, Contrast\Auth\Counters::class] as $name) {
    $reflection = new ReflectionClass($name);
    $all_readonly = array_reduce($reflection->getProperties(), fn ($ok, $p) => $ok && $p->isReadOnly() && $p->isPublic(), true);
    echo $reflection->getShortName(), ': ', implode(', ', array_map(fn ($p) => $p->getType() . ' $' . $p->getName(), $reflection->getProperties())),
        $all_readonly ? ' (public readonly)' : ' NOT ALL READONLY', "\n";
}

foreach (['Config', 'InvalidToken', 'TlsRequired', 'CredentialsRejected', 'HttpStatus', 'Network', 'Tls', 'Signing'] as $name) {
    $class = "Contrast\\Auth\\{$name}Exception";
    echo $class, is_subclass_of($class, Contrast\Auth\ContrastAuthException::class) ? ' is a ContrastAuthException' : ' IS NOT', "\n";
}
var_dump(is_subclass_of(Contrast\Auth\ContrastAuthException::class, RuntimeException::class));

$auth = ContrastAuth::fromCredentials(VECTOR_URL, USER_NAME, SERVICE_KEY, API_KEY);
foreach ([fn () => new ContrastAuth(), fn () => clone $auth, fn () => serialize($auth),
          fn () => new Contrast\Auth\Counters(), fn () => $auth->counters()->failed = 1,
          fn () => $auth->fingerprints()->apiKey = 'x', fn () => $auth->extra = 1] as $attempt) {
    try {
        $attempt();
        echo "allowed\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
$outcome = (new ReflectionClass(Contrast\Auth\SendOutcome::class))->newInstanceWithoutConstructor();
echo "SendOutcome without constructor: ", isset($outcome->status) ? 'initialized' : 'uninitialized', "\n";
var_dump(str_contains(print_r($auth, true), SERVICE_KEY), str_contains(var_export($auth, true), API_KEY));
?>
--EXPECT--
LOG_ERROR equals the header
LOG_WARN equals the header
LOG_INFO equals the header
LOG_DEBUG equals the header
LOG_TRACE equals the header
static fromCredentials, static fromToken, static fromEnvironment, static persistent, authorizationHeader, apiKeyHeader, headers, sign, send, rotate, reload, fingerprints, counters
bool(true)
bool(true)
Counters: every field of contrast_counters
SendOutcome: int $status, int $attempts, int $generation, bool $reloaded (public readonly)
Fingerprints: string $userName, string $serviceKey, string $apiKey, string $signingKey, int $generation (public readonly)
Counters: int $acknowledged, int $failed, int $requests, int $retries, int $reloads, int $handshakes, int $rejections, int $reconnects (public readonly)
Contrast\Auth\ConfigException is a ContrastAuthException
Contrast\Auth\InvalidTokenException is a ContrastAuthException
Contrast\Auth\TlsRequiredException is a ContrastAuthException
Contrast\Auth\CredentialsRejectedException is a ContrastAuthException
Contrast\Auth\HttpStatusException is a ContrastAuthException
Contrast\Auth\NetworkException is a ContrastAuthException
Contrast\Auth\TlsException is a ContrastAuthException
Contrast\Auth\SigningException is a ContrastAuthException
bool(true)
Error: Call to private Contrast\Auth\ContrastAuth::__construct() from global scope
Error: Trying to clone an uncloneable object of class Contrast\Auth\ContrastAuth
Exception: Serialization of 'Contrast\Auth\ContrastAuth' is not allowed
Error: Call to private Contrast\Auth\Counters::__construct() from global scope
Error: Cannot modify readonly property Contrast\Auth\Counters::$failed
Error: Cannot modify readonly property Contrast\Auth\Fingerprints::$apiKey
Error: Cannot create dynamic property Contrast\Auth\ContrastAuth::$extra
SendOutcome without constructor: uninitialized
bool(false)
bool(false)

--TEST--
A forged key is CredentialsRejectedException, http:// is refused before anything is sent, trust anchors from the host, another error status, an unreachable server
--FILE--
<?php
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;

function attempt(callable $call): void
{
    try {
        $result = $call();
        echo 'returned ', is_object($result) ? get_class($result) : gettype($result), "\n";
    } catch (Throwable $e) {
        $message = $e->getMessage();
        $leak = false;
        foreach (forbidden_forms([SERVICE_KEY, API_KEY, 'FORGEDAPIKEY', 'FORGEDSERVICEKEY', USER_NAME]) as $secret) {
            $leak = $leak || str_contains($message, $secret);
        }
        echo get_class($e), ' (code ', $e->getCode(), ')', $leak ? ' WITH A SECRET IN THE MESSAGE' : '', "\n";
    }
}

$server = start_test_server();
// A forged key of either layer: refused by the server, typed, no key in the message.
configure_environment($server, ['API_KEY' => 'FORGEDAPIKEY']);
attempt(fn () => ContrastAuth::fromEnvironment()->send('POST', '/api/ng/agents/report', 'application/json', REPORT));
configure_environment($server, ['SERVICE_KEY' => 'FORGEDSERVICEKEY']);
attempt(fn () => ContrastAuth::fromEnvironment()->send('POST', '/api/ng/agents/report', 'application/json', REPORT));
echo 'rejected by the server: ', server_stats($server)['rejected'], "\n";

// http:// is refused: from explicit values, the environment and a token; nothing reaches a server.
$plain = str_replace('https://', 'http://', $server['url']);
attempt(fn () => ContrastAuth::fromCredentials($plain, USER_NAME, SERVICE_KEY, API_KEY));
configure_environment($server, ['URL' => $plain]);
attempt(fn () => ContrastAuth::fromEnvironment());
attempt(fn () => ContrastAuth::fromToken(base64_encode(json_encode(['url' => $plain, 'api_key' => API_KEY, 'service_key' => SERVICE_KEY, 'user_name' => USER_NAME]))));

// The server's certificate is not trusted without its CA (explicit values: system trust store).
attempt(fn () => ContrastAuth::fromCredentials($server['url'], USER_NAME, SERVICE_KEY, API_KEY)->send('POST', '/api/ng/agents/report', 'application/json', REPORT));

// Trust anchors handed over by the host (DER), no api.certificate.ca_file.
configure_environment($server, ['CERTIFICATE__CA_FILE' => null]);
$der = file_get_contents($server['ca_der_file']);
attempt(fn () => ContrastAuth::fromEnvironment([$der])->send('POST', '/api/ng/agents/report', 'application/json', REPORT));
attempt(fn () => ContrastAuth::fromEnvironment([])->send('POST', '/api/ng/agents/report', 'application/json', REPORT));
try {
    ContrastAuth::fromEnvironment([$der, "\x30\x03\x01\x02\x03"]);
} catch (ValueError $e) {
    echo 'ValueError naming anchor 1: ', str_contains($e->getMessage(), '1') ? 'yes' : 'no', "\n";
}
attempt(fn () => ContrastAuth::fromEnvironment(['']));
attempt(fn () => ContrastAuth::fromEnvironment([$der, 42]));
echo 'accepted by the server: ', server_stats($server)['accepted'], "\n";

// Another error status (not retried), and a server that is not there (retried, then given up).
$failing = start_test_server([], ['--require-signature', '--fault', '400']);
configure_environment($failing);
attempt(fn () => ContrastAuth::fromEnvironment()->send('POST', '/api/ng/agents/report', 'application/json', REPORT));
$socket = stream_socket_server('tcp://127.0.0.1:0');
$closed = stream_socket_get_name($socket, false);
fclose($socket);   // a port nothing listens on
configure_environment($server, ['URL' => "https://$closed/Contrast"]);
attempt(fn () => ContrastAuth::fromEnvironment()->send('POST', '/api/ng/agents/report', 'application/json', REPORT));

// No configuration at all.
configure_environment($server, ['URL' => null, 'USER_NAME' => null, 'SERVICE_KEY' => null, 'API_KEY' => null]);
attempt(fn () => ContrastAuth::fromEnvironment());
?>
--EXPECT--
Contrast\Auth\CredentialsRejectedException (code 7)
Contrast\Auth\CredentialsRejectedException (code 7)
rejected by the server: 2
Contrast\Auth\TlsRequiredException (code 6)
Contrast\Auth\TlsRequiredException (code 6)
Contrast\Auth\TlsRequiredException (code 6)
Contrast\Auth\TlsException (code 11)
returned Contrast\Auth\SendOutcome
Contrast\Auth\TlsException (code 11)
ValueError naming anchor 1: yes
ValueError (code 0)
TypeError (code 0)
accepted by the server: 1
Contrast\Auth\HttpStatusException (code 12)
Contrast\Auth\NetworkException (code 8)
Contrast\Auth\ConfigException (code 5)

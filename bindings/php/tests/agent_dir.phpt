--TEST--
The configuration as the PHP agent reads it: contrast_security.yaml in <system dir>/php/ (after the working directory, before <system dir>/), for fromEnvironment() and persistent()
--INI--
contrast_auth.system_config_dir={TMP}/contrast-php-system-dir
--FILE--
<?php
require __DIR__ . '/support.inc';
use Contrast\Auth\ContrastAuth;

$system = ini_get('contrast_auth.system_config_dir');
@mkdir("$system/php", 0755, true);
register_shutdown_function(function () use ($system): void {
    @unlink("$system/php/contrast_security.yaml");
    @unlink("$system/contrast_security.yaml");
    @rmdir("$system/php");
    @rmdir($system);
});
$server = start_test_server([USER_NAME . ':' . SERVICE_KEY . ':AGENTDIRKEY']);
configure_environment($server, ['API_KEY' => null]);
file_put_contents("$system/contrast_security.yaml", "api:\n  api_key: SYSTEMDIRKEY\n");
file_put_contents("$system/php/contrast_security.yaml", "api:\n  api_key: AGENTDIRKEY\n");
echo 'fromEnvironment(): ', ContrastAuth::fromEnvironment()->apiKeyHeader(), "\n";
$auth = ContrastAuth::persistent();
echo 'persistent(): ', $auth->apiKeyHeader(), ', sent: ', $auth->send('POST', '/api/ng/agents/report', 'application/json', REPORT)->status, "\n";
unlink("$system/php/contrast_security.yaml");
echo 'without the agent file: ', ContrastAuth::fromEnvironment()->apiKeyHeader(), "\n";
file_put_contents(getcwd() . '/contrast_security.yaml', "api:\n  api_key: WORKINGDIRKEY\n");
file_put_contents("$system/php/contrast_security.yaml", "api:\n  api_key: AGENTDIRKEY\n");
echo 'the working directory first: ', ContrastAuth::fromEnvironment()->apiKeyHeader(), "\n";
?>
--EXPECT--
fromEnvironment(): AGENTDIRKEY
persistent(): AGENTDIRKEY, sent: 200
without the agent file: SYSTEMDIRKEY
the working directory first: WORKINGDIRKEY

<?php

/**
 * The PHP API of the contrast_auth extension: the declarations gen_stub.php turns into
 * contrast_auth_arginfo.h (php-src's build/gen_stub.php; see bindings/php/gen-arginfo.sh).
 *
 * @generate-class-entries
 * @generate-legacy-arginfo 80100
 */

namespace Contrast\Auth {

    /**
     * Log level of set_logger(): errors only.
     * @var int
     * @cvalue CONTRAST_LOG_ERROR
     */
    const LOG_ERROR = UNKNOWN;
    /**
     * Log level: warnings too.
     * @var int
     * @cvalue CONTRAST_LOG_WARN
     */
    const LOG_WARN = UNKNOWN;
    /**
     * Log level: information too (rotations, reloads).
     * @var int
     * @cvalue CONTRAST_LOG_INFO
     */
    const LOG_INFO = UNKNOWN;
    /**
     * Log level: debugging too (configuration sources, retries, connections).
     * @var int
     * @cvalue CONTRAST_LOG_DEBUG
     */
    const LOG_DEBUG = UNKNOWN;
    /**
     * Log level: everything (each signature, each acknowledgement).
     * @var int
     * @cvalue CONTRAST_LOG_TRACE
     */
    const LOG_TRACE = UNKNOWN;

    /**
     * Sends the library's log records to $logger($level, $event, $message) on the calling
     * thread, those at $maxLevel or more important; null turns logging off. The logger is
     * kept until the end of the request.
     */
    function set_logger(?callable $logger, int $maxLevel = \Contrast\Auth\LOG_INFO): void {}

    /**
     * Both credential layers of a Contrast agent, kept by the library.
     *
     * @strict-properties
     * @not-serializable
     */
    final class ContrastAuth
    {
        private function __construct() {}

        public static function fromCredentials(string $url, string $userName, string $serviceKey, string $apiKey): ContrastAuth {}

        public static function fromToken(string $token): ContrastAuth {}

        public static function fromEnvironment(array $trustAnchors = []): ContrastAuth {}

        public static function persistent(): ContrastAuth {}

        public function authorizationHeader(): string {}

        public function apiKeyHeader(): string {}

        public function headers(): array {}

        public function sign(string $method, string $url, string $contentType, string $body, ?int $created = null, ?string $nonce = null): array {}

        public function send(string $method, string $path, string $contentType, string $body): SendOutcome {}

        public function rotate(?string $serviceKey = null, ?string $apiKey = null): void {}

        public function reload(): array {}

        public function fingerprints(): Fingerprints {}

        public function counters(): Counters {}
    }

    /**
     * What the server said to an accepted report.
     *
     * @strict-properties
     */
    final class SendOutcome
    {
        /** The HTTP status of the acknowledgement (2xx). */
        public readonly int $status;
        /** Requests made, retries included (at least 1). */
        public readonly int $attempts;
        /** The credential generation that was accepted. */
        public readonly int $generation;
        /** Whether a rejection made the library reload the credentials first. */
        public readonly bool $reloaded;

        private function __construct() {}
    }

    /**
     * Fingerprints (first 8 hex digits of SHA-256) of the keys in use: safe to log.
     *
     * @strict-properties
     */
    final class Fingerprints
    {
        public readonly string $userName;
        public readonly string $serviceKey;
        public readonly string $apiKey;
        public readonly string $signingKey;
        /** 1 at creation, +1 with every change. */
        public readonly int $generation;

        private function __construct() {}
    }

    /**
     * Running totals of a handle's reports (each only grows). Its readonly int properties
     * are declared in C from the fields of contrast_counters (CONTRAST_PHP_COUNTERS in
     * php_contrast_auth.h), so a new counter is one line there.
     *
     * @strict-properties
     */
    final class Counters
    {
        private function __construct() {}
    }

    /** Every error the library reports; getCode() is the contrast_result value. */
    class ContrastAuthException extends \RuntimeException {}

    /** The configuration is missing or invalid (CONTRAST_RESULT_CONFIG). */
    class ConfigException extends ContrastAuthException {}

    /** The agent token is malformed (CONTRAST_RESULT_INVALID_TOKEN). */
    class InvalidTokenException extends ContrastAuthException {}

    /** The URL is not https:// (CONTRAST_RESULT_TLS_REQUIRED). */
    class TlsRequiredException extends ContrastAuthException {}

    /** The server refused the credentials: 401, 403 or 412 (CONTRAST_RESULT_CREDENTIALS_REJECTED). */
    class CredentialsRejectedException extends ContrastAuthException {}

    /** Another error status (CONTRAST_RESULT_HTTP_STATUS). */
    class HttpStatusException extends ContrastAuthException {}

    /** The server could not be reached (CONTRAST_RESULT_NETWORK). */
    class NetworkException extends ContrastAuthException {}

    /** The TLS handshake failed (CONTRAST_RESULT_TLS). */
    class TlsException extends ContrastAuthException {}

    /** The request could not be signed (CONTRAST_RESULT_SIGNING). */
    class SigningException extends ContrastAuthException {}
}

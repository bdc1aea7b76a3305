using System;

namespace Contrast.Auth
{
    /// <summary>A failure reported by the contrast-auth library. Messages name what is wrong
    /// (which key, which argument, which HTTP status, key fingerprints), never a secret.</summary>
    public class ContrastAuthException : Exception
    {
        /// <summary>Creates the exception for a result code of the C library.</summary>
        /// <param name="code">The <c>contrast_result</c> value.</param>
        /// <param name="message">What failed and why.</param>
        public ContrastAuthException(int code, string message) : base(message)
        {
            Code = code;
        }

        /// <summary>The <c>contrast_result</c> of the failure (e.g. 5 for a configuration error),
        /// as in <c>include/contrast_auth.h</c>.</summary>
        public int Code { get; private set; }
    }

    /// <summary>The configuration could not be loaded: a required key is missing, a file is
    /// unreadable or malformed, a setting is invalid (<c>CONTRAST_RESULT_CONFIG</c>).</summary>
    public class ConfigException : ContrastAuthException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="message">What failed and why.</param>
        public ConfigException(int code, string message) : base(code, message) { }
    }

    /// <summary>The agent token is not standard base64 of the expected JSON object
    /// (<c>CONTRAST_RESULT_INVALID_TOKEN</c>).</summary>
    public class InvalidTokenException : ContrastAuthException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="message">What failed and why.</param>
        public InvalidTokenException(int code, string message) : base(code, message) { }
    }

    /// <summary>The URL is not <c>https://</c>: credentials are only ever sent over TLS
    /// (<c>CONTRAST_RESULT_TLS_REQUIRED</c>).</summary>
    public class TlsRequiredException : ContrastAuthException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="message">What failed and why.</param>
        public TlsRequiredException(int code, string message) : base(code, message) { }
    }

    /// <summary>The server refused the credentials (HTTP 401, 403 or 412): a wrong, rotated
    /// or revoked key of either layer, also after reloading the configuration
    /// (<c>CONTRAST_RESULT_CREDENTIALS_REJECTED</c>).</summary>
    public class CredentialsRejectedException : ContrastAuthException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="message">What failed and why.</param>
        /// <param name="status">The HTTP status of the refusal.</param>
        /// <param name="attempts">Requests made, retries included.</param>
        /// <param name="fingerprints">Fingerprints of the credentials that were refused.</param>
        public CredentialsRejectedException(int code, string message, int status, int attempts, Fingerprints fingerprints)
            : base(code, message)
        {
            Status = status;
            Attempts = attempts;
            Fingerprints = fingerprints;
        }

        /// <summary>The HTTP status of the refusal (401, 403 or 412; 0 if unknown).</summary>
        public int Status { get; private set; }

        /// <summary>Requests made, retries included (0 if unknown).</summary>
        public int Attempts { get; private set; }

        /// <summary>Fingerprints of the credentials in use when the server refused them
        /// (null if the handle could not be read).</summary>
        public Fingerprints Fingerprints { get; private set; }
    }

    /// <summary>The server answered with an error status other than a credential rejection,
    /// after the retries (<c>CONTRAST_RESULT_HTTP_STATUS</c>).</summary>
    public class HttpStatusException : ContrastAuthException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="message">What failed and why.</param>
        /// <param name="status">The HTTP status.</param>
        public HttpStatusException(int code, string message, int status) : base(code, message)
        {
            Status = status;
        }

        /// <summary>The HTTP status the server answered with (0 if unknown).</summary>
        public int Status { get; private set; }
    }

    /// <summary>The server could not be reached: connection, DNS, timeout, proxy
    /// (<c>CONTRAST_RESULT_NETWORK</c>).</summary>
    public class NetworkException : ContrastAuthException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="message">What failed and why.</param>
        public NetworkException(int code, string message) : base(code, message) { }
    }

    /// <summary>The TLS handshake failed: an untrusted certificate, a protocol error
    /// (<c>CONTRAST_RESULT_TLS</c>).</summary>
    public class TlsException : ContrastAuthException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="message">What failed and why.</param>
        public TlsException(int code, string message) : base(code, message) { }
    }

    /// <summary>The request could not be signed, e.g. an unsupported method or URL
    /// (<c>CONTRAST_RESULT_SIGNING</c>).</summary>
    public class SigningException : ContrastAuthException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="message">What failed and why.</param>
        public SigningException(int code, string message) : base(code, message) { }
    }
}

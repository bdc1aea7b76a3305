using System;
using System.Text.RegularExpressions;

namespace Contrast.Auth
{
    /// <summary>Turns a failed result into the exception the API documents, with the library's
    /// description of the failure (read on the failing thread, right after the call).</summary>
    internal static unsafe class Errors
    {
        private static readonly Regex StatusAndAttempts = new Regex(@"HTTP (\d{3}) after (\d+) attempt");

        /// <summary>The calling thread's last failure detail (never a secret), by the header's
        /// buffer convention: a first buffer, then exactly the size the library asks for.</summary>
        internal static string LastError(NativeApi api)
        {
            byte* first = stackalloc byte[512];
            UIntPtr length;
            NativeResult result = api.LastError(first, (UIntPtr)512, out length);
            if (result == NativeResult.Ok) return Utf8.Decode(first, (int)length.ToUInt64());
            for (int attempt = 0; attempt < 4 && result == NativeResult.BufferTooSmall; attempt++)
            {
                var buffer = new byte[checked((int)length.ToUInt64() + 1)];
                fixed (byte* p = buffer)
                {
                    result = api.LastError(p, (UIntPtr)buffer.Length, out length);
                    if (result == NativeResult.Ok) return Utf8.Decode(p, (int)length.ToUInt64());
                }
            }
            return "";
        }

        /// <summary>The exception for <paramref name="result"/>; <paramref name="fingerprints"/>
        /// is asked for only when the credentials were rejected.</summary>
        internal static Exception For(NativeResult result, string operation, Func<Fingerprints> fingerprints)
        {
            NativeApi api = NativeLoader.Api;
            string detail = LastError(api);
            string summary = Utf8.FromNative(api.ResultMessage((uint)result)) ?? "unknown error";
            string message = detail.Length > 0 ? operation + ": " + detail + " (" + summary + ")" : operation + ": " + summary;
            int code = (int)result;
            switch (result)
            {
                case NativeResult.NullArgument:
                    return new ArgumentNullException(null, message);
                case NativeResult.InvalidUtf8:
                case NativeResult.InvalidArgument:
                    return new ArgumentException(message);
                case NativeResult.Config:
                    return new ConfigException(code, message);
                case NativeResult.TlsRequired:
                    return new TlsRequiredException(code, message);
                case NativeResult.InvalidToken:
                    return new InvalidTokenException(code, message);
                case NativeResult.CredentialsRejected:
                {
                    Match match = StatusAndAttempts.Match(detail);
                    int status = match.Success ? int.Parse(match.Groups[1].Value) : 0;
                    int attempts = match.Success ? int.Parse(match.Groups[2].Value) : 0;
                    Fingerprints current = null;
                    try
                    {
                        if (fingerprints != null) current = fingerprints();
                    }
                    catch (Exception)
                    {
                        // The exception describes the refusal; fingerprints are a bonus.
                    }
                    return new CredentialsRejectedException(code, message, status, attempts, current);
                }
                case NativeResult.HttpStatus:
                {
                    Match match = StatusAndAttempts.Match(detail);
                    return new HttpStatusException(code, message, match.Success ? int.Parse(match.Groups[1].Value) : 0);
                }
                case NativeResult.Network:
                    return new NetworkException(code, message);
                case NativeResult.Tls:
                    return new TlsException(code, message);
                case NativeResult.Signing:
                    return new SigningException(code, message);
                default:
                    return new ContrastAuthException(code, message);
            }
        }
    }
}

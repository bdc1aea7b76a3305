// The C ABI of include/contrast_auth.h, bound at run time from the loaded native library (one
// code path for CoreCLR, Mono and .NET Framework: see NativeLoader). Every function is called
// through a delegate made from its exported address; strings cross as NUL-terminated UTF-8.
using System;
using System.Runtime.InteropServices;
using System.Security;

namespace Contrast.Auth
{
    /// <summary>The C result codes (<c>contrast_result</c>), values as in the header.</summary>
    internal enum NativeResult : uint
    {
        Ok = 0,
        NullArgument = 1,
        InvalidUtf8 = 2,
        InvalidArgument = 3,
        BufferTooSmall = 4,
        Config = 5,
        TlsRequired = 6,
        CredentialsRejected = 7,
        Network = 8,
        Panic = 9,
        InvalidToken = 10,
        Tls = 11,
        HttpStatus = 12,
        Signing = 13,
        NotFound = 14,
    }

    /// <summary><c>contrast_fingerprints</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NativeFingerprints
    {
        public fixed byte UserName[9];
        public fixed byte ServiceKey[9];
        public fixed byte ApiKey[9];
        public fixed byte SigningKey[9];
        public ulong Generation;
    }

    /// <summary><c>contrast_send_outcome</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeSendOutcome
    {
        public ushort Status;
        public uint Attempts;
        public ulong Generation;
        [MarshalAs(UnmanagedType.U1)] public bool Reloaded;
    }

    /// <summary><c>contrast_bytes</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NativeBytes
    {
        public byte* Data;
        public UIntPtr Len;
    }

    /// <summary><c>contrast_setting</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NativeSetting
    {
        public byte* Key;
        public byte* Value;
    }

    /// <summary><c>contrast_environment_options</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NativeEnvironmentOptions
    {
        public byte* Agent;
        public NativeSetting* Settings;
        public UIntPtr SettingCount;
        public NativeBytes* TrustAnchors;
        public UIntPtr TrustAnchorCount;
        public byte* SystemConfigDir;
    }

    /// <summary>The exported functions, as delegates over their addresses.</summary>
    [SuppressUnmanagedCodeSecurity]
    internal sealed unsafe class NativeApi
    {
        // Every delegate type mirrors one prototype of include/contrast_auth.h.
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr VersionFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr ResultMessageFn(uint result);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult LastErrorFn(byte* buf, UIntPtr len, out UIntPtr outLen);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult NewFn(byte* url, byte* userName, byte* serviceKey, byte* apiKey, out IntPtr auth);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult FromTokenFn(byte* token, out IntPtr auth);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult FromEnvironmentWithOptionsFn(NativeEnvironmentOptions* options, out IntPtr auth);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult HeadersFn(IntPtr auth, out IntPtr headers);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult RotateFn(IntPtr auth, byte* serviceKey, byte* apiKey);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult ReloadFn(IntPtr auth, out uint changed);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult FingerprintsFn(IntPtr auth, NativeFingerprints* fingerprints);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult CountersFn(IntPtr auth, ulong* counters);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate void FreeFn(IntPtr pointer);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate UIntPtr HeadersCountFn(IntPtr headers);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult HeadersGetFn(IntPtr headers, UIntPtr index, out IntPtr name, out IntPtr value);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult SignFn(IntPtr auth, byte* method, byte* url, byte* contentType, byte* body, UIntPtr bodyLen, out IntPtr headers);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult SignWithNonceFn(IntPtr auth, byte* method, byte* url, byte* contentType, byte* body, UIntPtr bodyLen, ulong created, byte* nonce, out IntPtr headers);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate NativeResult SendFn(IntPtr auth, byte* method, byte* path, byte* contentType, byte* body, UIntPtr bodyLen, NativeSendOutcome* outcome);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate void LogCallback(IntPtr userdata, uint level, IntPtr eventName, IntPtr message, UIntPtr messageLen);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate void SetLogCallbackFn(IntPtr callback, IntPtr userdata, uint maxLevel);

        internal readonly VersionFn Version;
        internal readonly ResultMessageFn ResultMessage;
        internal readonly LastErrorFn LastError;
        internal readonly NewFn New;
        internal readonly FromTokenFn FromToken;
        internal readonly FromEnvironmentWithOptionsFn FromEnvironmentWithOptions;
        internal readonly HeadersFn Headers;
        internal readonly RotateFn Rotate;
        internal readonly ReloadFn Reload;
        internal readonly FingerprintsFn Fingerprints;
        internal readonly CountersFn Counters;
        internal readonly FreeFn AuthFree;
        internal readonly HeadersCountFn HeadersCount;
        internal readonly HeadersGetFn HeadersGet;
        internal readonly FreeFn HeadersFree;
        internal readonly SignFn Sign;
        internal readonly SignWithNonceFn SignWithNonce;
        internal readonly SendFn Send;
        internal readonly SetLogCallbackFn SetLogCallback;

        /// <summary>The C names of every function bound here (the tests compare them with the header).</summary>
        internal static readonly string[] BoundFunctions =
        {
            "contrast_version", "contrast_result_message", "contrast_last_error", "contrast_auth_new",
            "contrast_auth_from_token", "contrast_auth_from_environment_with_options",
            "contrast_auth_headers",
            "contrast_auth_rotate", "contrast_auth_reload", "contrast_auth_fingerprints",
            "contrast_auth_counters", "contrast_auth_free", "contrast_headers_count",
            "contrast_headers_get", "contrast_headers_free", "contrast_auth_sign",
            "contrast_auth_sign_with_nonce", "contrast_auth_send", "contrast_set_log_callback",
        };

        internal NativeApi(Func<string, IntPtr> export)
        {
            Version = Bind<VersionFn>(export, "contrast_version");
            ResultMessage = Bind<ResultMessageFn>(export, "contrast_result_message");
            LastError = Bind<LastErrorFn>(export, "contrast_last_error");
            New = Bind<NewFn>(export, "contrast_auth_new");
            FromToken = Bind<FromTokenFn>(export, "contrast_auth_from_token");
            FromEnvironmentWithOptions = Bind<FromEnvironmentWithOptionsFn>(export, "contrast_auth_from_environment_with_options");
            Headers = Bind<HeadersFn>(export, "contrast_auth_headers");
            Rotate = Bind<RotateFn>(export, "contrast_auth_rotate");
            Reload = Bind<ReloadFn>(export, "contrast_auth_reload");
            Fingerprints = Bind<FingerprintsFn>(export, "contrast_auth_fingerprints");
            Counters = Bind<CountersFn>(export, "contrast_auth_counters");
            AuthFree = Bind<FreeFn>(export, "contrast_auth_free");
            HeadersCount = Bind<HeadersCountFn>(export, "contrast_headers_count");
            HeadersGet = Bind<HeadersGetFn>(export, "contrast_headers_get");
            HeadersFree = Bind<FreeFn>(export, "contrast_headers_free");
            Sign = Bind<SignFn>(export, "contrast_auth_sign");
            SignWithNonce = Bind<SignWithNonceFn>(export, "contrast_auth_sign_with_nonce");
            Send = Bind<SendFn>(export, "contrast_auth_send");
            SetLogCallback = Bind<SetLogCallbackFn>(export, "contrast_set_log_callback");
        }

        private static T Bind<T>(Func<string, IntPtr> export, string name) where T : class
        {
            IntPtr address = export(name);
            if (address == IntPtr.Zero)
            {
                throw new EntryPointNotFoundException(
                    "contrast-auth: the native library does not export " + name + " (an older library?)");
            }
            return (T)(object)Marshal.GetDelegateForFunctionPointer(address, typeof(T));
        }
    }
}

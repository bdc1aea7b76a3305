using System;
using System.Runtime.InteropServices;

namespace Contrast.Auth
{
    /// <summary>Levels of the library's log records, most important first (the values of
    /// <c>CONTRAST_LOG_*</c>).</summary>
    public enum ContrastLogLevel
    {
        /// <summary>No records at all (as a maximum level).</summary>
        Off = 0,
        /// <summary>A TLS handshake or a report failed.</summary>
        Error = 1,
        /// <summary>Unknown configuration keys, disabled verification, rejections.</summary>
        Warn = 2,
        /// <summary>Rotations, reloads, clock corrections.</summary>
        Info = 3,
        /// <summary>Configuration sources, retries, new connections.</summary>
        Debug = 4,
        /// <summary>Everything: each signature, each acknowledgement.</summary>
        Trace = 5,
    }

    /// <summary>Where the library's log records go. Without a logger it logs nothing (it never
    /// writes to the console). Records carry key fingerprints, never a secret.</summary>
    public static class ContrastAuthLog
    {
        private static readonly object Gate = new object();
        // Kept here while registered: native code calls it, so the collector must not take it.
        private static NativeApi.LogCallback callback;
        private static Action<ContrastLogLevel, string, string> logger;

        /// <summary>Sends every record at <paramref name="maxLevel"/> or more important to
        /// <paramref name="logger"/> (level, event name such as <c>transport.retry</c>,
        /// message), replacing the previous logger; null turns logging off. Process-wide, for
        /// every handle. The logger runs on the thread that made the record (several at once),
        /// so it must be thread-safe; an exception it throws is caught and dropped (it never
        /// reaches native code).</summary>
        /// <param name="logger">Receives the records, or null for none.</param>
        /// <param name="maxLevel">The least important level delivered.</param>
        public static void SetLogger(Action<ContrastLogLevel, string, string> logger, ContrastLogLevel maxLevel = ContrastLogLevel.Info)
        {
            if (maxLevel < ContrastLogLevel.Off || maxLevel > ContrastLogLevel.Trace)
            {
                throw new ArgumentOutOfRangeException("maxLevel", "must be Off to Trace");
            }
            NativeApi api = NativeLoader.Api;
            lock (Gate)
            {
                if (logger == null || maxLevel == ContrastLogLevel.Off)
                {
                    api.SetLogCallback(IntPtr.Zero, IntPtr.Zero, 0);
                    // The previous delegate stays referenced: a record in flight on another
                    // thread may still be delivered to it.
                    ContrastAuthLog.logger = null;
                    return;
                }
                ContrastAuthLog.logger = logger;
                if (callback == null) callback = Deliver;
                api.SetLogCallback(Marshal.GetFunctionPointerForDelegate(callback), IntPtr.Zero, (uint)maxLevel);
            }
        }

        /// <summary>Called by native code: must never let an exception escape.</summary>
        private static unsafe void Deliver(IntPtr userdata, uint level, IntPtr eventName, IntPtr message, UIntPtr messageLen)
        {
            try
            {
                Action<ContrastLogLevel, string, string> target = logger;
                if (target == null) return;
                string name = Utf8.FromNative(eventName) ?? "";
                string text = Utf8.Decode((byte*)message, checked((int)messageLen.ToUInt64()));
                target((ContrastLogLevel)level, name, text);
            }
            catch (Exception)
            {
                // A throwing logger loses its record; nothing crosses into native code.
            }
        }
    }
}

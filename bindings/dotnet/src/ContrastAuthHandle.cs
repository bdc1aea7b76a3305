using System;
using System.Runtime.ConstrainedExecution;
using System.Runtime.InteropServices;
using System.Threading;

namespace Contrast.Auth
{
    /// <summary>Owns one native <c>contrast_auth *</c>: released exactly once, by Dispose or
    /// by the finalizer, and never while a call that borrowed it is still running.</summary>
    internal sealed class ContrastAuthHandle : SafeHandle
    {
        private static long live;

        internal ContrastAuthHandle() : base(IntPtr.Zero, true)
        {
        }

        /// <summary>Native handles made and not yet released, in this process (for tests and
        /// diagnostics: a finalized handle brings it back down).</summary>
        internal static long LiveCount
        {
            get { return Interlocked.Read(ref live); }
        }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        /// <summary>Takes ownership of a pointer the library just returned.</summary>
        [ReliabilityContract(Consistency.WillNotCorruptState, Cer.Success)]
        internal void Adopt(IntPtr pointer)
        {
            SetHandle(pointer);
            Interlocked.Increment(ref live);
        }

        protected override bool ReleaseHandle()
        {
            NativeLoader.Api.AuthFree(handle);
            Interlocked.Decrement(ref live);
            return true;
        }
    }
}

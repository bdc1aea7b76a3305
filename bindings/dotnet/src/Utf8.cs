// Explicit UTF-8 both ways (never the platform's ANSI code page), with the argument checks every
// text argument gets before it reaches native code.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Contrast.Auth
{
    internal static unsafe class Utf8
    {
        /// <summary>Strict UTF-8: a lone surrogate is an error, not a replacement character.</summary>
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>NUL-terminated UTF-8 of <paramref name="value"/> (not checked: internal names).</summary>
        internal static byte[] ToNative(string value)
        {
            byte[] bytes = new byte[Strict.GetByteCount(value) + 1];
            Strict.GetBytes(value, 0, value.Length, bytes, 0);
            return bytes;
        }

        /// <summary>A text argument as NUL-terminated UTF-8: null is an ArgumentNullException,
        /// a NUL inside or a lone surrogate an ArgumentException naming the parameter (never
        /// the value). Wipe the result when it held a secret.</summary>
        internal static byte[] Argument(string value, string name)
        {
            if (value == null) throw new ArgumentNullException(name);
            if (value.IndexOf('\0') >= 0) throw new ArgumentException("contains a NUL character", name);
            try
            {
                return ToNative(value);
            }
            catch (EncoderFallbackException)
            {
                throw new ArgumentException("is not valid Unicode (a lone surrogate)", name);
            }
        }

        /// <summary>Like <see cref="Argument"/>, but null stays null (a C NULL).</summary>
        internal static byte[] OptionalArgument(string value, string name)
        {
            return value == null ? null : Argument(value, name);
        }

        /// <summary>The NUL-terminated UTF-8 string at <paramref name="pointer"/> (null for NULL).</summary>
        internal static string FromNative(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero) return null;
            byte* start = (byte*)pointer;
            int length = 0;
            while (start[length] != 0) length++;
            return Decode(start, length);
        }

        /// <summary><paramref name="length"/> bytes of UTF-8 at <paramref name="bytes"/>.</summary>
        internal static string Decode(byte* bytes, int length)
        {
            return length == 0 ? string.Empty : Strict.GetString(bytes, length);
        }

        /// <summary>Zeroes a buffer that held a secret.</summary>
        internal static void Wipe(byte[] bytes)
        {
            if (bytes != null) Array.Clear(bytes, 0, bytes.Length);
        }
    }
}

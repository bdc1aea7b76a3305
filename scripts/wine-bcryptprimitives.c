/* TEST ONLY, never shipped: bcryptprimitives.dll for Wine 8 (Debian bookworm), which lacks
 * it. Rust's std (1.78+) draws its randomness from ProcessPrng in bcryptprimitives.dll, part
 * of every Windows 10+; Wine added it after 8.0. scripts/test-platforms builds this next to
 * the Windows test executables so the shipped contrast_auth.dll loads under wine. It asks
 * the system RNG (BCryptGenRandom) for the bytes, as Windows' own ProcessPrng does. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
    if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}

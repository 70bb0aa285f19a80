/*
 * Paths and whole files, as every part of the probe uses them: a path
 * joined, resolved, or taken below a base; a file descriptor read to its
 * end, a file read whole or written only when its content changes; a
 * directory made with its parents; a modification time; and xasprintf,
 * which formats into a newly allocated string.
 */
/* realpath(3). */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = hf_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Read fd to its end, appending to s; returns 0, or -1 on an error. */
int
slurpfd(int fd, struct hf_str *s)
{
	ssize_t n;

	for (;;) {
		hf_strreserve(s, 65536);
		n = read(fd, s->s + s->len, s->cap - s->len - 1);
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s->len += (size_t)n;
	}
	s->s[s->len] = '\0';
	return 0;
}

int
readfile(const char *path, struct hf_str *s, size_t max)
{
	int fd;
	struct stat st;

	s->len = 0;
	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (slurpfd(fd, s) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* mkdir -p: the directory itself first, its parents only when missing. */
void
mkdirs(const char *path)
{
	char *p, *q;

	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return;
	if (errno != ENOENT)
		hf_dieio("%s", path);
	p = hf_strdup(path);
	if ((q = strrchr(p, '/')) != NULL && q != p) {
		*q = '\0';
		mkdirs(p);
	}
	free(p);
	if (mkdir(path, 0777) == -1 && errno != EEXIST)
		hf_dieio("%s", path);
}

/*
 * Write len bytes to path unless it already holds them: through a
 * temporary file beside it and a rename, so path is whole at all times
 * and its modification time changes only with its content.
 */
void
putfile(const char *path, const char *data, size_t len)
{
	struct hf_str old = { 0 };
	char *tmp;
	int fd;
	mode_t um;

	if (readfile(path, &old, len + 1) == 0 && old.len == len &&
	    (len == 0 || memcmp(old.s, data, len) == 0)) {
		hf_strfree(&old);
		return;
	}
	hf_strfree(&old);
	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1)
		hf_dieio("%s", tmp);
	um = umask(0);
	umask(um);
	fchmod(fd, 0666 & ~um);
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			unlink(tmp);
			hf_dieio("%s", tmp);
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		unlink(tmp);
		hf_dieio("%s", path);
	}
	free(tmp);
}

char *
joinpath(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (n == 0 || (n == 1 && a[0] == '.'))
		return hf_strdup(b);
	return xasprintf("%s%s%s", a, a[n - 1] == '/' ? "" : "/", b);
}

/* The real path of p, or NULL. */
char *
real(const char *p)
{
	char buf[PATH_MAX];

	return realpath(p, buf) != NULL ? hf_strdup(buf) : NULL;
}

/* The part of abs below base ("" for base itself), or NULL if outside. */
const char *
below(const char *abs, const char *base)
{
	size_t n = strlen(base);

	if (strcmp(base, "/") == 0)
		return abs + 1;
	if (strncmp(abs, base, n) != 0)
		return NULL;
	if (abs[n] == '\0')
		return abs + n;
	return abs[n] == '/' ? abs + n + 1 : NULL;
}

long long
mtimeof(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (long long)st.st_mtime : -1;
}

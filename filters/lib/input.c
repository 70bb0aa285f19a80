/*
 * Reading input: a whole file or standard input into memory, and the small
 * parsing chores every filter repeats.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

static int
isstdin(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0;
}

/*
 * Worded as nsgen words its own bound on standard input, so every filter
 * says the same of an input that is too large.
 */
static void
toolarge(const char *name, size_t max, int status)
{
	hf_dieat(status, name, 0, 0, "more than %zu bytes of input", max);
}

const char *
hf_inname(const char *path)
{
	return isstdin(path) ? HF_STDIN_NAME : path;
}

FILE *
hf_open(const char *path)
{
	FILE *fp;

	if (isstdin(path))
		return stdin;
	if ((fp = fopen(path, "rb")) == NULL)
		hf_dieio("%s", path);
	return fp;
}

void
hf_readall(const char *path, struct hf_buf *b)
{
	hf_readmax(path, b, SIZE_MAX, HF_EDATA);
}

void
hf_readmax(const char *path, struct hf_buf *b, size_t max, int status)
{
	struct stat st;
	FILE *fp;
	size_t cap = 65536, n;

	fp = hf_open(path);
	b->name = hf_inname(path);
	b->data = NULL;
	b->len = 0;
	b->mapped = 0;
	/*
	 * A regular file's size is known: refuse it before reading when it
	 * is already too large, else read it in one go.
	 */
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0) {
		if ((uintmax_t)st.st_size > max)
			toolarge(b->name, max, status);
		if ((uintmax_t)st.st_size < SIZE_MAX / 2)
			cap = (size_t)st.st_size + 2;
	}
	/* Room for one byte past the bound is all it takes to see it. */
	if (max < SIZE_MAX - 2 && cap > max + 2)
		cap = max + 2;
	/*
	 * An input of a megabyte or more moves to memory of its own
	 * (hf_bigrealloc), which then grows by copying: its pages cost a
	 * fault per 2 MiB instead of one per 4 KiB, which is most of the
	 * time of reading it.
	 */
	b->data = hf_bigrealloc(b->data, b->len, &cap, &b->mapped);
	for (;;) {
		if (cap - b->len < 2) {
			if (cap > SIZE_MAX / 2)
				hf_die(HF_EUSAGE, "%s: input too large", b->name);
			cap *= 2;
			if (max < SIZE_MAX - 2 && cap > max + 2)
				cap = max + 2;
			b->data = hf_bigrealloc(b->data, b->len, &cap,
			    &b->mapped);
		}
		n = fread(b->data + b->len, 1, cap - b->len - 1, fp);
		b->len += n;
		if (b->len > max)
			toolarge(b->name, max, status);
		if (n == 0)
			break;
	}
	if (ferror(fp))
		hf_dieio("%s", b->name);
	if (fp != stdin)
		fclose(fp);
	b->data[b->len] = '\0';
}

void
hf_buffree(struct hf_buf *b)
{
	hf_bigfree(b->data, b->mapped);
	b->data = NULL;
	b->len = 0;
	b->mapped = 0;
}

char *
hf_splitkv(char *s)
{
	char *eq;

	if ((eq = strchr(s, '=')) == NULL || eq == s)
		return NULL;
	*eq = '\0';
	return eq + 1;
}

int
hf_nextline(const struct hf_buf *b, size_t *pos, struct hf_line *l)
{
	const char *nl;

	if (*pos >= b->len)
		return 0;
	l->s = b->data + *pos;
	nl = memchr(l->s, '\n', b->len - *pos);
	l->len = nl != NULL ? (size_t)(nl - l->s) : b->len - *pos;
	*pos += l->len + (nl != NULL);
	l->no++;
	return 1;
}

void
hf_preadall(int fd, void *buf, size_t n, off_t off, const char *name)
{
	char *p = buf;
	ssize_t r;

	while (n > 0) {
		if ((r = pread(fd, p, n, off)) == -1) {
			if (errno == EINTR)
				continue;
			hf_dieio("%s", name);
		}
		if (r == 0)
			hf_die(HF_EUSAGE, "%s: changed while being read", name);
		p += r;
		off += r;
		n -= (size_t)r;
	}
}

/*
 * Reading a tree: records of a path list or object stream, read through
 * a fixed buffer so that memory never grows with the input, and the tree
 * they make, bounded as it grows. Each record is judged as it is read, so
 * a bad first path stops the run at once, however long the input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "treehash.h"

/* Stream buffer; must hold a whole record of either kind. */
#define STREAMBUF	(256 * 1024)
/* Paths are stored in blocks of this size; a path never spans two. */
#define BLOCKSIZE	(1024 * 1024)

/*
 * One stream is read at a time. Its buffer is static so that the error
 * exits, which may come at any record, leave nothing allocated behind.
 */
static unsigned char streambuf[STREAMBUF + 1];

void
sopen(struct stream *s, const char *file)
{
	memset(s, 0, sizeof(*s));
	s->name = hf_inname(file);
	if (file == NULL || strcmp(file, "-") == 0)
		s->fd = STDIN_FILENO;
	else if ((s->fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		hf_dieio("%s", file);
	s->buf = streambuf;
}

void
sclose(struct stream *s)
{
	if (s->fd != STDIN_FILENO)
		close(s->fd);
	s->buf = NULL;
}

/* Fill the stream buffer; returns the number of bytes added. */
size_t
sfill(struct stream *s)
{
	ssize_t n;

	if (s->pos > 0) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	for (;;) {
		n = read(s->fd, s->buf + s->len, STREAMBUF - s->len);
		if (n >= 0)
			break;
		if (errno != EINTR)
			hf_dieio("%s", s->name);
	}
	s->len += (size_t)n;
	return (size_t)n;
}

/*
 * Read the next record, ended by sep, into rec (max + 1 bytes, given
 * NUL-terminated, sep removed) and its length into *len. Returns R_SEP for
 * a record ended by sep, R_LAST for one ended by the end of the input,
 * R_LONG as soon as the record is known to be longer than max bytes, and
 * R_END at the end of the input. s->line counts the record.
 */
enum rec
srecord(struct stream *s, int sep, size_t max, char *rec, size_t *len)
{
	unsigned char *end;
	size_t have;
	enum rec r = R_SEP;

	for (;;) {
		have = s->len - s->pos;
		end = memchr(s->buf + s->pos, sep, have > max ? max + 1 : have);
		if (end != NULL)
			break;
		if (have > max) {
			s->line++;
			return R_LONG;
		}
		if (sfill(s) == 0) {
			if (s->len == s->pos)
				return R_END;
			end = s->buf + s->len;
			r = R_LAST;
			break;
		}
	}
	*len = (size_t)(end - (s->buf + s->pos));
	memcpy(rec, s->buf + s->pos, *len);
	rec[*len] = '\0';
	s->pos += *len + (r == R_SEP);
	s->line++;
	return r;
}

/*
 * A path as git shows it: C-quoted when it holds a control character, a
 * quote, a backslash or a byte past ASCII, so that every diagnostic and
 * every check-mode line stays one line of plain text.
 */
const char *
showpath(const char *p, struct hf_str *b)
{
	const unsigned char *s = (const unsigned char *)p;
	char oct[8];

	b->len = 0;
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			break;
	if (*s == '\0') {
		hf_straddstr(b, p);
		return b->s != NULL ? b->s : "";
	}
	hf_straddc(b, '"');
	for (s = (const unsigned char *)p; *s != '\0'; s++) {
		switch (*s) {
		case '\a': hf_straddstr(b, "\\a"); continue;
		case '\b': hf_straddstr(b, "\\b"); continue;
		case '\t': hf_straddstr(b, "\\t"); continue;
		case '\n': hf_straddstr(b, "\\n"); continue;
		case '\v': hf_straddstr(b, "\\v"); continue;
		case '\f': hf_straddstr(b, "\\f"); continue;
		case '\r': hf_straddstr(b, "\\r"); continue;
		case '"': hf_straddstr(b, "\\\""); continue;
		case '\\': hf_straddstr(b, "\\\\"); continue;
		}
		if (*s < 0x20 || *s >= 0x7f) {
			snprintf(oct, sizeof(oct), "\\%03o", *s);
			hf_straddstr(b, oct);
		} else
			hf_straddc(b, *s);
	}
	hf_straddc(b, '"');
	return b->s;
}

/*
 * The fixed exclusions keep the package itself, repository metadata and
 * Python byte code out of the fingerprint: handoff/ at the top of the tree
 * (where the package lives), any .git or __pycache__ directory, and any
 * *.pyc file. The user's -x patterns are matched against the whole path.
 */
int
excluded(const struct tree *t, const char *path)
{
	const char *c, *e;
	size_t i, n;

	if (strncmp(path, "handoff/", 8) == 0)
		return 1;
	for (c = path; ; c = e + 1) {
		e = strchr(c, '/');
		n = e != NULL ? (size_t)(e - c) : strlen(c);
		if (n == 4 && memcmp(c, ".git", 4) == 0)
			return 1;
		if (e != NULL && n == 11 && memcmp(c, "__pycache__", 11) == 0)
			return 1;
		if (e == NULL)
			break;
	}
	n = strlen(path);
	if (n >= 4 && strcmp(path + n - 4, ".pyc") == 0)
		return 1;
	for (i = 0; i < t->nx; i++)
		if (hf_fnmatch(t->x[i], path))
			return 1;
	return 0;
}

/* Count one record read; what names the records in the error. */
void
counted(struct tree *t, const struct stream *s, const char *what)
{
	if (++t->records > TREEHASH_FILES_MAX)
		hf_dieat(HF_EDATA, s->name, s->line, 0, "more than %lu %s",
		    TREEHASH_FILES_MAX, what);
}

static char *
keep(struct tree *t, const char *path)
{
	size_t n = strlen(path) + 1;
	char *p;

	if (t->room < n) {
		t->blocks = hf_reallocarray(t->blocks, t->nblocks + 1,
		    sizeof(*t->blocks));
		t->blocks[t->nblocks++] = hf_malloc(BLOCKSIZE);
		t->room = BLOCKSIZE;
	}
	p = t->blocks[t->nblocks - 1] + (BLOCKSIZE - t->room);
	memcpy(p, path, n);
	t->room -= n;
	return p;
}

/*
 * Add a path read at the stream's current line, unless the tree holds it
 * already: then returns NULL. A tree whose JSON could not fit in
 * TREEHASH_TREE_MAX is refused here, at the path that makes it too large,
 * rather than after reading the rest.
 */
struct entry *
addentry(struct tree *t, const char *path, const struct stream *s)
{
	struct entry *e;

	if (sethas(&t->paths, path))
		return NULL;
	t->least += entryleast(strlen(path));
	if (t->least > TREEHASH_TREE_MAX)
		hf_dieat(HF_EDATA, s->name, s->line, 0, "artifact-tree.json "
		    "would be larger than %llu bytes", TREEHASH_TREE_MAX);
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 256 : t->cap * 2;
		t->v = hf_reallocarray(t->v, t->cap, sizeof(*t->v));
	}
	e = &t->v[t->n++];
	memset(e, 0, sizeof(*e));
	e->path = keep(t, path);
	e->line = s->line;
	setadd(&t->paths, e->path);
	return e;
}

static int
pathcmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	/* strcmp compares as unsigned char: bytewise order. */
	return strcmp(x->path, y->path);
}

void
sorttree(struct tree *t)
{
	if (t->n > 0)
		qsort(t->v, t->n, sizeof(*t->v), pathcmp);
}

void
freetree(struct tree *t)
{
	size_t i;

	for (i = 0; i < t->nblocks; i++)
		free(t->blocks[i]);
	free(t->blocks);
	free(t->v);
	setfree(&t->paths);
	memset(t, 0, sizeof(*t));
}

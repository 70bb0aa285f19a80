/*
 * The committed state of a tree as git cat-file --batch writes it: each
 * object announced by a header line and hashed as it streams past, so
 * that memory does not grow with the size of the files.
 */
#include <string.h>
#include <stdlib.h>

#include "treehash.h"

/*
 * Pass size bytes of object content through ctx (when not NULL), then the
 * newline git cat-file puts after every object.
 */
static void
scontent(struct stream *s, uint64_t size, struct hf_sha256 *ctx,
    unsigned long hline)
{
	const unsigned char *p, *q;
	uint64_t left = size;
	size_t n;

	for (;;) {
		n = s->len - s->pos;
		if (n == 0 && sfill(s) == 0)
			hf_dieat(HF_EDATA, s->name, hline, 0, "truncated object "
			    "stream: object of %llu bytes ends after %llu",
			    (unsigned long long)size,
			    (unsigned long long)(size - left));
		n = s->len - s->pos;
		if (left == 0)
			break;
		if (n > left)
			n = (size_t)left;
		p = s->buf + s->pos;
		if (ctx != NULL)
			hf_sha256_update(ctx, p, n);
		/* Count lines, so later diagnostics name the right one. */
		for (q = p; (q = memchr(q, '\n', n - (size_t)(q - p))) != NULL;
		    q++)
			s->line++;
		s->pos += n;
		left -= n;
	}
	if (s->buf[s->pos] != '\n')
		hf_dieat(HF_EDATA, s->name, s->line, 0, "object of %llu bytes "
		    "not followed by a newline", (unsigned long long)size);
	s->pos++;
	s->line++;
}

/*
 * Undo git's C quoting of a path ("a\nb", octal escapes for other bytes)
 * in place. Returns NULL with *why set when the quoting is broken.
 */
static char *
unquote(char *q, const char **why)
{
	char *r = q + 1, *w = q;
	int v, i;

	for (;;) {
		if (*r == '\0') {
			*why = "unterminated quoted path";
			return NULL;
		}
		if (*r == '"')
			break;
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case 'a': *w++ = '\a'; r++; continue;
		case 'b': *w++ = '\b'; r++; continue;
		case 't': *w++ = '\t'; r++; continue;
		case 'n': *w++ = '\n'; r++; continue;
		case 'v': *w++ = '\v'; r++; continue;
		case 'f': *w++ = '\f'; r++; continue;
		case 'r': *w++ = '\r'; r++; continue;
		case '"': *w++ = '"'; r++; continue;
		case '\\': *w++ = '\\'; r++; continue;
		}
		if (*r < '0' || *r > '3') {
			*why = "bad escape in quoted path";
			return NULL;
		}
		for (v = 0, i = 0; i < 3; i++, r++) {
			if (*r < '0' || *r > '7') {
				*why = "bad octal escape in quoted path";
				return NULL;
			}
			v = v * 8 + (*r - '0');
		}
		if (v == 0) {
			*why = "NUL byte in quoted path";
			return NULL;
		}
		*w++ = (char)v;
	}
	if (r[1] != '\0') {
		*why = "text after the quoted path";
		return NULL;
	}
	*w = '\0';
	return q;
}

static uint64_t
parsesize(const char *s, size_t n, const struct stream *st)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		hf_dieat(HF_EDATA, st->name, st->line, 0, "bad object size");
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			hf_dieat(HF_EDATA, st->name, st->line, 0,
			    "bad object size");
		if (v > (SIZEMAX - (uint64_t)(s[i] - '0')) / 10)
			hf_dieat(HF_EDATA, st->name, st->line, 0,
			    "object larger than %llu bytes", SIZEMAX);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v;
}

/*
 * One header of the canonical stream:
 *	OID SP TYPE SP SIZE SP MODE SP PATH
 * where MODE and PATH are ls-tree's, passed through cat-file's %(rest).
 * The mode keeps a path with leading blanks intact: cat-file drops the
 * whitespace between the object name and the rest.
 */
void
objects(const char *file, struct tree *t)
{
	static char line[LINEMAX + 1];
	struct stream s;
	struct hf_str sb = { 0 };
	struct hf_sha256 *ctx;
	struct entry *e;
	char *f[4], *path, *sp;
	const char *why;
	uint64_t size;
	size_t n;
	int i, isblob, islink;
	enum rec r;

	sopen(&s, file);
	ctx = hf_sha256_new();
	while ((r = srecord(&s, '\n', LINEMAX, line, &n)) != R_END) {
		if (r == R_LONG)
			hf_dieat(HF_EDATA, s.name, s.line, 0,
			    "header line longer than %d bytes", LINEMAX);
		if (r == R_LAST)
			hf_dieat(HF_EDATA, s.name, s.line, 0,
			    "truncated object stream: header line without "
			    "a newline");
		if (memchr(line, '\0', n) != NULL)
			hf_dieat(HF_EDATA, s.name, s.line, 0,
			    "NUL byte in header line");
		counted(t, &s, "objects");
		sp = line;
		for (i = 0; i < 4; i++) {
			f[i] = sp;
			if ((sp = strchr(sp, ' ')) == NULL)
				break;
			*sp++ = '\0';
		}
		/* An object name has the form of a commit's. */
		if (hf_badcommit(f[0]) != NULL)
			hf_dieat(HF_EDATA, s.name, s.line, 0,
			    "bad object name");
		if (i == 1 && strcmp(f[1], "missing") == 0)
			hf_dieat(HF_EDATA, s.name, s.line, 0, "object %s "
			    "missing from the repository (a submodule? drop "
			    "gitlinks as treehash(1) shows)", f[0]);
		if (i == 1 && strcmp(f[1], "ambiguous") == 0)
			hf_dieat(HF_EDATA, s.name, s.line, 0,
			    "object name %s ambiguous", f[0]);
		if (i < 4)
			hf_dieat(HF_EDATA, s.name, s.line, 0, "expected "
			    "\"object type size mode path\" (see treehash(1) "
			    "for the pipeline)");
		size = parsesize(f[2], strlen(f[2]), &s);
		path = sp;
		sp = f[3];
		if (strlen(sp) != 6 || strspn(sp, "01234567") != 6)
			hf_dieat(HF_EDATA, s.name, s.line, 0, "expected a "
			    "six-digit mode before the path");
		if (strcmp(f[1], "commit") == 0 && strcmp(sp, "160000") == 0) {
			/* A submodule's commit: not content of this tree. */
			scontent(&s, size, NULL, s.line);
			continue;
		}
		isblob = strcmp(f[1], "blob") == 0;
		islink = strcmp(sp, "120000") == 0;
		if (!isblob || !(islink || strcmp(sp, "100644") == 0 ||
		    strcmp(sp, "100755") == 0))
			hf_dieat(HF_EDATA, s.name, s.line, 0, "%s object with "
			    "mode %s: not a file (use git ls-tree -r)", f[1],
			    sp);
		if (*path == '"' && unquote(path, &why) == NULL)
			hf_dieat(HF_EDATA, s.name, s.line, 0, "%s", why);
		if (*path == '\0')
			hf_dieat(HF_EDATA, s.name, s.line, 0, "empty path");
		if (strlen(path) > PATHMAX)
			hf_dieat(HF_EDATA, s.name, s.line, 0,
			    "path longer than %d bytes", PATHMAX);
		if (excluded(t, path)) {
			scontent(&s, size, NULL, s.line);
			continue;
		}
		/* Git lists a path once; twice means a broken stream. */
		if ((e = addentry(t, path, &s)) == NULL)
			hf_dieat(HF_EDATA, s.name, s.line, 0,
			    "%s: path listed twice", showpath(path, &sb));
		hf_sha256_init(ctx);
		scontent(&s, size, ctx, e->line);
		hf_sha256_final(ctx, e->sum);
		e->size = size;
	}
	sclose(&s);
	hf_sha256_free(ctx);
	hf_strfree(&sb);
	sorttree(t);
}

/*
 * treehash: SHA-256 fingerprints of a feature tree, as artifact-tree.json.
 *
 * The tree comes either from the work tree (a list of paths read under a
 * root directory) or from git (the object stream of git cat-file --batch),
 * so that a package can be made from what is committed without a dirty
 * work tree leaking into it. A check mode compares the result with a
 * committed artifact-tree.json and names every difference.
 *
 * Hashing dominates the run time, and libmd's portable SHA-256 (the
 * default backend) is slower than coreutils' sha256sum, so in path-list
 * mode the files are hashed by a small pool of threads, each reading in
 * large blocks with a fixed buffer: memory does not grow with file size,
 * and output order does not depend on which thread finished first because
 * the entries are sorted beforehand.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

/* Longest path accepted, in bytes, as a path record or after unquoting. */
#define PATHMAX		4095
/* Longest header line of the object stream: a fully quoted PATHMAX path. */
#define LINEMAX		(4 * PATHMAX + 256)
/* Largest object size: JSON numbers are exact only up to 2^53 - 1. */
#define SIZEMAX		9007199254740991ULL
/*
 * The largest committed tree file that -c reads (64 MiB): an entry takes
 * about 300 bytes, so a feature of 100000 files makes some 30 MB, and
 * real ones are tens of kilobytes.
 */
#define TREEHASH_TREE_MAX	(64ULL * 1024 * 1024)
/*
 * The largest manifest that -m reads (4 MiB): real manifests are a few
 * kilobytes of path patterns.
 */
#define TREEHASH_MANIFEST_MAX	(4ULL * 1024 * 1024)
/* Most hashing threads, whatever the number of processors. */
#define MAXWORKERS	8
/* Read block: large enough for few system calls, small enough for L2. */
#define BLOCK		(128 * 1024)
/* Object stream buffer; must hold a whole header line. */
#define STREAMBUF	(256 * 1024)

/* Why hashing one listed path failed. */
enum fail {
	F_NONE,
	F_ERRNO,	/* a system call failed; see err */
	F_TYPE,		/* neither a regular file nor a symbolic link */
	F_LINKDIR,	/* a directory on the way is a symbolic link */
	F_SIZE		/* larger than SIZEMAX */
};

struct entry {
	char		*path;
	unsigned long	 line;		/* where the input named it */
	uint64_t	 size;
	enum fail	 fail;
	int		 err;
	unsigned char	 sum[32];
};

struct tree {
	struct entry	*v;
	size_t		 n;
	size_t		 cap;
};

/* The unique path patterns of a manifest, in manifest order. */
struct patterns {
	char		**v;
	size_t		 n;
	size_t		 cap;
};

struct pool {
	struct entry	*v;
	size_t		 n;
	int		 dirfd;
	atomic_size_t	 next;
};

/* Buffered reading of the object stream, counting lines. */
struct stream {
	int		 fd;
	const char	*name;
	unsigned char	*buf;
	size_t		 pos;
	size_t		 len;
	unsigned long	 line;
};

static const char **excludes;
static size_t nexcludes;

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	fprintf(fp, "usage: treehash [-0g] [-C dir] [-f feature_slug] "
	    "[-m manifest.json] [-r root_path]\n"
	    "                [-s source_commit] [-T captured_at] "
	    "[-t tree_commit] [-x pattern] [file]\n"
	    "       treehash -c committed.json [-0g] [-C dir] "
	    "[-m manifest.json] [-x pattern] [file]\n");
	hf_exit(status);
}

/*
 * A path as git shows it: C-quoted when it holds a control character, a
 * quote, a backslash or a byte past ASCII, so that every diagnostic and
 * every check-mode line stays one line of plain text.
 */
static const char *
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
static int
excluded(const char *path)
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
	for (i = 0; i < nexcludes; i++)
		if (hf_fnmatch(excludes[i], path))
			return 1;
	return 0;
}

static void
addentry(struct tree *t, char *path, unsigned long line)
{
	struct entry *e;

	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 256 : t->cap * 2;
		t->v = hf_reallocarray(t->v, t->cap, sizeof(*t->v));
	}
	e = &t->v[t->n++];
	memset(e, 0, sizeof(*e));
	e->path = path;
	e->line = line;
}

static int
pathcmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c;

	/* strcmp compares as unsigned char: bytewise order. */
	if ((c = strcmp(x->path, y->path)) != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/*
 * Clean one listed path in place: "./" prefixes, empty and "." components
 * go, so that find(1) and git ls-files(1) output name files alike. An
 * absolute path or a ".." component would name something outside the
 * root, and is refused. Returns NULL with *why set on refusal.
 */
static char *
cleanpath(char *p, const char **why)
{
	char *r, *w, *c;
	size_t n;

	if (*p == '/') {
		*why = "absolute path";
		return NULL;
	}
	w = p;
	for (r = p; *r != '\0'; ) {
		c = r;
		while (*r != '\0' && *r != '/')
			r++;
		n = (size_t)(r - c);
		if (*r == '/')
			r++;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			*why = "path leaves the root directory";
			return NULL;
		}
		if (w != p)
			*w++ = '/';
		memmove(w, c, n);
		w += n;
	}
	*w = '\0';
	if (w == p) {
		*why = "empty path";
		return NULL;
	}
	return p;
}

/* Split the path list into entries, dropping excluded paths. */
static void
readlist(struct hf_buf *in, int nul, struct tree *t)
{
	struct hf_str sb = { 0 };
	char *p, *end, *sep, *path;
	const char *why;
	unsigned long line = 0;
	int sepc = nul ? '\0' : '\n';

	p = in->data;
	end = in->data + in->len;
	while (p < end) {
		line++;
		if ((sep = memchr(p, sepc, (size_t)(end - p))) == NULL)
			sep = end;
		*sep = '\0';
		if (!nul && memchr(p, '\0', (size_t)(sep - p)) != NULL)
			hf_dieat(HF_EDATA, in->name, line, 0,
			    "NUL byte in path (use -0 for NUL-separated input)");
		if ((size_t)(sep - p) > PATHMAX)
			hf_dieat(HF_EDATA, in->name, line, 0,
			    "path longer than %d bytes", PATHMAX);
		if (sep == p)
			hf_dieat(HF_EDATA, in->name, line, 0, "empty path");
		showpath(p, &sb);
		if ((path = cleanpath(p, &why)) == NULL)
			hf_dieat(HF_EDATA, in->name, line, 0, "%s: %s", why,
			    sb.s);
		if (!excluded(path))
			addentry(t, path, line);
		p = sep + 1;
	}
	hf_strfree(&sb);
}

/*
 * Hash one listed path. A symbolic link is hashed as its target text, as
 * git stores it; O_NOFOLLOW makes the open itself tell links apart, which
 * saves an lstat for every regular file. O_NONBLOCK keeps a FIFO from
 * stalling the open before fstat refuses it.
 */
static void
hashpath(int dirfd, struct entry *e, struct hf_sha256 *ctx,
    unsigned char *buf)
{
	struct stat st;
	char target[PATHMAX + 2];
	ssize_t n;
	uint64_t total = 0;
	int fd, saved;

	if (e->fail != F_NONE)
		return;
	hf_sha256_init(ctx);
	fd = openat(dirfd, e->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1) {
		saved = errno;
		if (saved != ELOOP && saved != EMLINK) {
			e->fail = F_ERRNO;
			e->err = saved;
			return;
		}
		n = readlinkat(dirfd, e->path, target, sizeof(target));
		if (n == -1) {
			e->fail = F_ERRNO;
			e->err = errno == EINVAL ? saved : errno;
			return;
		}
		if ((size_t)n >= sizeof(target) - 1) {
			e->fail = F_ERRNO;
			e->err = ENAMETOOLONG;
			return;
		}
		hf_sha256_update(ctx, target, (size_t)n);
		hf_sha256_final(ctx, e->sum);
		e->size = (uint64_t)n;
		return;
	}
	if (fstat(fd, &st) == -1) {
		e->fail = F_ERRNO;
		e->err = errno;
		close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		e->fail = F_TYPE;
		close(fd);
		return;
	}
	for (;;) {
		n = read(fd, buf, BLOCK);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			e->fail = F_ERRNO;
			e->err = errno;
			close(fd);
			return;
		}
		if (n == 0)
			break;
		hf_sha256_update(ctx, buf, (size_t)n);
		total += (uint64_t)n;
		/*
		 * A short read that reaches the size fstat reported is the
		 * end of a regular file: skip the read that would return 0.
		 */
		if (n < BLOCK && total == (uint64_t)st.st_size)
			break;
	}
	close(fd);
	if (total > SIZEMAX) {
		e->fail = F_SIZE;
		return;
	}
	hf_sha256_final(ctx, e->sum);
	e->size = total;
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct hf_sha256 *ctx;
	unsigned char *buf;
	size_t i;

	/* One context a thread, started afresh for every file. */
	ctx = hf_sha256_new();
	buf = hf_malloc(BLOCK);
	while ((i = atomic_fetch_add(&p->next, 1)) < p->n)
		hashpath(p->dirfd, &p->v[i], ctx, buf);
	free(buf);
	hf_sha256_free(ctx);
	return NULL;
}

static size_t
nworkers(size_t n)
{
	long ncpu;

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > MAXWORKERS)
		ncpu = MAXWORKERS;
	return (size_t)ncpu < n ? (size_t)ncpu : n;
}

/*
 * O_NOFOLLOW guards only the last component of a path: a directory on the
 * way that is a symbolic link would lead the open out of the root, and git
 * never lists a path beyond a link. Each directory is checked once, before
 * the threads start. Every directory on the way to the last path found
 * good is good, and in sorted order a path shares most of its directories
 * with the one before it, so only those after the shared part need a look.
 */
static void
checkdirs(struct tree *t, int dirfd)
{
	struct stat st;
	const char *good = NULL;
	char *slash, *p;
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		p = t->v[i].path;
		/*
		 * A directory of p whose slash comes before the first byte
		 * where p and the good path differ is one of the good path's
		 * directories too; the others are new.
		 */
		for (k = 0; good != NULL && p[k] != '\0' && p[k] == good[k]; k++)
			continue;
		for (slash = p + k; (slash = strchr(slash, '/')) != NULL;
		    slash++) {
			*slash = '\0';
			if (fstatat(dirfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				t->v[i].fail = F_LINKDIR;
			*slash = '/';
			if (t->v[i].fail != F_NONE)
				break;
		}
		if (t->v[i].fail == F_NONE)
			good = p;
	}
}

/* Hash all entries, the calling thread taking part in the work. */
static void
hashall(struct tree *t, int dirfd)
{
	pthread_t tid[MAXWORKERS];
	struct pool p;
	size_t i, nt, started = 0;

	p.v = t->v;
	p.n = t->n;
	p.dirfd = dirfd;
	atomic_init(&p.next, 0);
	checkdirs(t, dirfd);
	nt = nworkers(t->n);
	for (i = 1; i < nt; i++) {
		if (pthread_create(&tid[started], NULL, worker, &p) != 0)
			break;
		started++;
	}
	worker(&p);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

/* Report the failure met first in input order, if any. */
static void
checkfailures(const struct tree *t, const char *name)
{
	const struct entry *e, *first = NULL;
	struct hf_str sb = { 0 };
	size_t i;

	for (i = 0; i < t->n; i++) {
		e = &t->v[i];
		if (e->fail != F_NONE && (first == NULL || e->line < first->line))
			first = e;
	}
	if (first == NULL)
		return;
	showpath(first->path, &sb);
	switch (first->fail) {
	case F_ERRNO:
		hf_dieat(HF_EDATA, name, first->line, 0, "%s: %s", sb.s,
		    strerror(first->err));
	case F_TYPE:
		hf_dieat(HF_EDATA, name, first->line, 0,
		    "%s: not a regular file or symbolic link", sb.s);
	case F_LINKDIR:
		hf_dieat(HF_EDATA, name, first->line, 0,
		    "%s: a directory on the way is a symbolic link", sb.s);
	default:
		hf_dieat(HF_EDATA, name, first->line, 0,
		    "%s: larger than %llu bytes", sb.s, SIZEMAX);
	}
}

/*
 * Sort bytewise. A path listed twice names one file (git ls-files lists
 * an unmerged path once per stage), so later duplicates are dropped.
 */
static void
sortlist(struct tree *t)
{
	size_t i, w;

	if (t->n == 0)
		return;
	qsort(t->v, t->n, sizeof(*t->v), pathcmp);
	for (i = w = 1; i < t->n; i++)
		if (strcmp(t->v[i].path, t->v[w - 1].path) != 0)
			t->v[w++] = t->v[i];
	t->n = w;
}

/*
 * Read the whole list, as hf_readall does, but stop at the first path
 * longer than PATHMAX: a list of one endless line must not fill memory
 * before readlist sees it.
 */
static void
readlistfile(const char *file, int nul, struct hf_buf *in)
{
	FILE *fp;
	size_t cap = 65536, n, seg = 0, i;
	unsigned long line = 1;
	int sepc = nul ? '\0' : '\n';

	fp = hf_open(file);
	in->name = hf_inname(file);
	in->data = hf_malloc(cap);
	in->len = 0;
	for (;;) {
		if (cap - in->len < 2) {
			if (cap > SIZE_MAX / 2)
				hf_die(HF_EUSAGE, "%s: input too large",
				    in->name);
			cap *= 2;
			in->data = hf_realloc(in->data, cap);
		}
		n = fread(in->data + in->len, 1, cap - in->len - 1, fp);
		for (i = in->len; i < in->len + n; i++) {
			if (in->data[i] == sepc) {
				seg = 0;
				line++;
			} else if (++seg > PATHMAX)
				hf_dieat(HF_EDATA, in->name, line, 0,
				    "path longer than %d bytes", PATHMAX);
		}
		in->len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp))
		hf_dieio("%s", in->name);
	if (fp != stdin)
		fclose(fp);
	in->data[in->len] = '\0';
}

static void
pathlist(const char *file, const char *dir, int nul, struct tree *t,
    struct hf_buf *in)
{
	int dirfd;

	readlistfile(file, nul, in);
	readlist(in, nul, t);
	sortlist(t);
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		hf_dieio("%s", dir);
	hashall(t, dirfd);
	close(dirfd);
	checkfailures(t, in->name);
}

/* Fill the stream buffer; returns the number of bytes added. */
static size_t
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
 * Read one header line into line (NUL-terminated, newline removed).
 * Returns 0 at a clean end of stream.
 */
static int
sheader(struct stream *s, char *line)
{
	unsigned char *nl;
	size_t n;

	for (;;) {
		nl = memchr(s->buf + s->pos, '\n', s->len - s->pos);
		if (nl != NULL)
			break;
		if (s->len - s->pos > LINEMAX)
			hf_dieat(HF_EDATA, s->name, s->line + 1, 0,
			    "header line longer than %d bytes", LINEMAX);
		if (sfill(s) == 0) {
			if (s->len == s->pos)
				return 0;
			hf_dieat(HF_EDATA, s->name, s->line + 1, 0,
			    "truncated object stream: header line without "
			    "a newline");
		}
	}
	n = (size_t)(nl - (s->buf + s->pos));
	if (n > LINEMAX)
		hf_dieat(HF_EDATA, s->name, s->line + 1, 0,
		    "header line longer than %d bytes", LINEMAX);
	memcpy(line, s->buf + s->pos, n);
	line[n] = '\0';
	s->pos += n + 1;
	s->line++;
	if (memchr(line, '\0', n) != NULL)
		hf_dieat(HF_EDATA, s->name, s->line, 0, "NUL byte in header line");
	return 1;
}

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

static int
ishex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
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
static void
objects(const char *file, struct tree *t)
{
	struct stream s;
	struct hf_str sb = { 0 };
	struct hf_sha256 *ctx;
	char *line, *f[4], *path, *sp;
	const char *why;
	uint64_t size;
	size_t oidlen, k;
	int i, isblob, islink;

	memset(&s, 0, sizeof(s));
	s.name = hf_inname(file);
	if (file == NULL || strcmp(file, "-") == 0)
		s.fd = STDIN_FILENO;
	else if ((s.fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		hf_dieio("%s", file);
	s.buf = hf_malloc(STREAMBUF + 1);
	line = hf_malloc(LINEMAX + 1);
	ctx = hf_sha256_new();
	while (sheader(&s, line)) {
		sp = line;
		for (i = 0; i < 4; i++) {
			f[i] = sp;
			if ((sp = strchr(sp, ' ')) == NULL)
				break;
			*sp++ = '\0';
		}
		oidlen = strlen(f[0]);
		if ((oidlen != 40 && oidlen != 64) || !ishex(f[0], oidlen))
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
		if (excluded(path)) {
			scontent(&s, size, NULL, s.line);
			continue;
		}
		addentry(t, hf_strdup(path), s.line);
		hf_sha256_init(ctx);
		scontent(&s, size, ctx, t->v[t->n - 1].line);
		hf_sha256_final(ctx, t->v[t->n - 1].sum);
		t->v[t->n - 1].size = size;
	}
	if (s.fd != STDIN_FILENO)
		close(s.fd);
	free(s.buf);
	free(line);
	hf_sha256_free(ctx);
	if (t->n == 0)
		return;
	qsort(t->v, t->n, sizeof(*t->v), pathcmp);
	for (k = 1; k < t->n; k++)
		if (strcmp(t->v[k].path, t->v[k - 1].path) == 0)
			hf_dieat(HF_EDATA, s.name, t->v[k].line, 0,
			    "%s: path listed twice",
			    showpath(t->v[k].path, &sb));
	hf_strfree(&sb);
}

/* Line and column of a byte offset, for JSON syntax errors. */
static void
locate(const char *text, size_t off, unsigned long *line, unsigned long *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && text[i] != '\0'; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

static int
hex4(const char *s, unsigned *v)
{
	int i, d;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return 0;
		*v = *v * 16 + (unsigned)d;
	}
	return 1;
}

/*
 * Python writes a file name byte that is not UTF-8 as a lone surrogate
 * escape, \udc80 to \udcff, which cJSON refuses. Rewrite each such escape
 * that is not the second half of a surrogate pair, in place: to \u00XX
 * (same length, so syntax errors keep their columns) when raw is 0, or to
 * the raw byte itself when raw is 1. Returns the new length.
 */
static size_t
lonesurrogates(char *s, size_t len, int raw)
{
	size_t r = 0, w = 0;
	int instr = 0, high = 0;
	unsigned v;

	while (r < len) {
		if (!instr) {
			if (s[r] == '"')
				instr = 1;
			s[w++] = s[r++];
			continue;
		}
		if (s[r] == '"') {
			instr = 0;
			high = 0;
			s[w++] = s[r++];
			continue;
		}
		if (s[r] != '\\' || r + 1 >= len) {
			high = 0;
			s[w++] = s[r++];
			continue;
		}
		if (s[r + 1] != 'u' || r + 6 > len ||
		    !hex4(s + r + 2, &v)) {
			high = 0;
			s[w++] = s[r++];
			s[w++] = s[r++];
			continue;
		}
		if (!high && v >= 0xdc80 && v <= 0xdcff) {
			if (raw)
				s[w++] = (char)(v & 0xff);
			else {
				memcpy(s + w, "\\u00", 4);
				s[w + 4] = s[r + 4];
				s[w + 5] = s[r + 5];
				w += 6;
			}
			r += 6;
			continue;
		}
		high = v >= 0xd800 && v <= 0xdbff;
		memmove(s + w, s + r, 6);
		w += 6;
		r += 6;
	}
	s[w] = '\0';
	return w;
}

/*
 * Parse a JSON file of at most max bytes with cJSON. A syntax error is
 * reported at its line and column; lone surrogate escapes survive as the
 * bytes they stand for.
 */
static cJSON *
loadjson(const char *path, struct hf_buf *b, size_t max)
{
	cJSON *root;
	const char *end = NULL;
	char *copy;
	unsigned long line, col;
	size_t n;

	hf_readmax(path, b, max, HF_EDATA);
	copy = hf_malloc(b->len + 1);
	memcpy(copy, b->data, b->len + 1);
	n = lonesurrogates(copy, b->len, 0);
	if ((root = cJSON_ParseWithLengthOpts(copy, n + 1, &end, 1)) == NULL) {
		if (end == NULL)
			end = cJSON_GetErrorPtr();
		locate(copy, end != NULL ? (size_t)(end - copy) : 0, &line,
		    &col);
		hf_dieat(HF_EDATA, b->name, line, col, "invalid JSON");
	}
	cJSON_Delete(root);
	free(copy);
	n = lonesurrogates(b->data, b->len, 1);
	if ((root = cJSON_ParseWithLengthOpts(b->data, n + 1, NULL, 1)) == NULL)
		hf_die(HF_EUSAGE, "%s: out of memory", b->name);
	return root;
}

static void
addpattern(struct patterns *p, char *pat)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i], pat) == 0)
			return;
	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 16 : p->cap * 2;
		p->v = hf_reallocarray(p->v, p->cap, sizeof(*p->v));
	}
	p->v[p->n++] = pat;
}

/* The path_pattern of each item of one manifest list, in order. */
static void
itemlist(const cJSON *list, const char *name, const char *where,
    struct patterns *p)
{
	const cJSON *it, *pat;
	int i = 0;

	if (list == NULL || cJSON_IsNull(list))
		return;
	if (!cJSON_IsArray(list))
		hf_dieat(HF_EDATA, name, 0, 0, "%s: not a list", where);
	cJSON_ArrayForEach(it, list) {
		pat = cJSON_GetObjectItemCaseSensitive(it, "path_pattern");
		if (!cJSON_IsObject(it) || !cJSON_IsString(pat) ||
		    *pat->valuestring == '\0')
			hf_dieat(HF_EDATA, name, 0, 0, "%s/%d/path_pattern: "
			    "not a non-empty string", where, i);
		addpattern(p, pat->valuestring);
		i++;
	}
}

/*
 * The manifest's path patterns in the order absent entries are listed:
 * required_always, each step of required_by_step in order, then
 * optional_always; a pattern named twice is kept at its first place.
 */
static cJSON *
loadmanifest(const char *path, struct patterns *p)
{
	struct hf_buf b;
	cJSON *root, *steps, *step;
	struct hf_str where = { 0 };

	root = loadjson(path, &b, TREEHASH_MANIFEST_MAX);
	if (!cJSON_IsObject(root))
		hf_dieat(HF_EDATA, b.name, 0, 0, "not a JSON object");
	itemlist(cJSON_GetObjectItemCaseSensitive(root, "required_always"),
	    b.name, "/required_always", p);
	steps = cJSON_GetObjectItemCaseSensitive(root, "required_by_step");
	if (steps != NULL && !cJSON_IsNull(steps)) {
		if (!cJSON_IsObject(steps))
			hf_dieat(HF_EDATA, b.name, 0, 0,
			    "/required_by_step: not a mapping");
		cJSON_ArrayForEach(step, steps) {
			where.len = 0;
			hf_straddstr(&where, "/required_by_step/");
			hf_straddstr(&where, step->string);
			itemlist(step, b.name, where.s, p);
		}
	}
	itemlist(cJSON_GetObjectItemCaseSensitive(root, "optional_always"),
	    b.name, "/optional_always", p);
	hf_strfree(&where);
	hf_buffree(&b);
	return root;
}

/* A pattern is absent when no present path matches it. */
static void
findabsent(const struct tree *t, const struct patterns *all,
    struct patterns *absent)
{
	size_t i, j;

	for (i = 0; i < all->n; i++) {
		for (j = 0; j < t->n; j++)
			if (hf_fnmatch(all->v[i], t->v[j].path))
				break;
		if (j == t->n)
			addpattern(absent, all->v[i]);
	}
}

struct header {
	const char	*slug;
	const char	*root;
	const char	*tcommit;
	const char	*scommit;
	const char	*captured;
};

/* Output is handed to stdio in pieces of about this size. */
#define CHUNK		(64 * 1024)

/* A string value, or null for NULL. */
static void
strval(struct hf_str *b, const char *s)
{
	if (s == NULL)
		hf_straddstr(b, "null");
	else
		hf_json_string(b, s, strlen(s));
}

/* A number value and what follows it. */
static void
numval(struct hf_str *b, uint64_t v, const char *next)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	hf_straddstr(b, num);
	hf_straddstr(b, next);
}

/*
 * The tree is written as it is made, in the layout of Python's
 * json.dumps(indent=2), keys in the order treehash(1) gives.  A cJSON
 * tree of it cost one allocation a value, and over a large tree building
 * and printing it took more than half the time left after hashing, on one
 * core.
 */
static void
emit(const struct tree *t, const struct patterns *absent,
    const struct header *h)
{
	struct hf_str b = { 0 };
	char sum[HF_SHA256_HEX];
	size_t i, n = t->n + absent->n;

	hf_straddstr(&b, "{\n  \"schema_version\": \"1\",\n"
	    "  \"feature_slug\": ");
	strval(&b, h->slug);
	hf_straddstr(&b, ",\n  \"root_path\": ");
	strval(&b, h->root);
	if (h->tcommit != NULL) {
		hf_straddstr(&b, ",\n  \"tree_commit\": ");
		strval(&b, h->tcommit);
	}
	hf_straddstr(&b, ",\n  \"source_commit\": ");
	strval(&b, h->scommit);
	hf_straddstr(&b, ",\n  \"captured_at\": ");
	strval(&b, h->captured);
	hf_straddstr(&b, n == 0 ? ",\n  \"entries\": []" :
	    ",\n  \"entries\": [");
	for (i = 0; i < n; i++) {
		if (i > 0)
			hf_straddc(&b, ',');
		hf_straddstr(&b, "\n    {\n      \"path\": ");
		if (i < t->n) {
			strval(&b, t->v[i].path);
			hf_sha256_tohex(t->v[i].sum, sum);
			hf_straddstr(&b, ",\n      \"sha256\": \"");
			hf_straddstr(&b, sum);
			hf_straddstr(&b, "\",\n      \"size_bytes\": ");
			numval(&b, t->v[i].size,
			    ",\n      \"status\": \"present\"\n    }");
		} else {
			strval(&b, absent->v[i - t->n]);
			hf_straddstr(&b, ",\n      \"sha256\": null,\n"
			    "      \"size_bytes\": null,\n"
			    "      \"status\": \"absent\"\n    }");
		}
		if (b.len >= CHUNK) {
			hf_write(b.s, b.len);
			b.len = 0;
		}
	}
	hf_straddstr(&b, n == 0 ? ",\n  \"total_files\": " :
	    "\n  ],\n  \"total_files\": ");
	numval(&b, n, ",\n  \"present_count\": ");
	numval(&b, t->n, ",\n  \"absent_count\": ");
	numval(&b, absent->n, "\n}\n");
	hf_write(b.s, b.len);
	hf_strfree(&b);
}

/* One entry of a committed tree. */
struct centry {
	const char	*path;
	const char	*sha;
	uint64_t	 size;
};

/* A committed tree: its present entries sorted, its absent patterns. */
struct committed {
	cJSON		*root;
	struct centry	*v;
	size_t		 n;
	struct patterns	 absent;
};

static int
centrycmp(const void *a, const void *b)
{
	const struct centry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static int
isint(const cJSON *n, uint64_t *v)
{
	double d;

	if (!cJSON_IsNumber(n))
		return 0;
	d = n->valuedouble;
	if (!(d >= 0 && d <= (double)SIZEMAX) || d != (double)(uint64_t)d)
		return 0;
	*v = (uint64_t)d;
	return 1;
}

static void
count(const cJSON *root, const char *key, uint64_t want, const char *name)
{
	uint64_t v;

	if (!isint(cJSON_GetObjectItemCaseSensitive(root, key), &v))
		hf_dieat(HF_EDATA, name, 0, 0, "/%s: not a count", key);
	if (v != want)
		hf_dieat(HF_EDATA, name, 0, 0, "/%s: %llu, but the entries "
		    "give %llu", key, (unsigned long long)v,
		    (unsigned long long)want);
}

/*
 * Read and validate a committed artifact-tree.json: every entry well
 * formed, no path twice, and the counts adding up, so that a damaged
 * file is reported as such rather than as a list of differences.
 */
static void
loadcommitted(const char *path, struct committed *cm)
{
	struct patterns *abs = &cm->absent;
	struct hf_buf b;
	cJSON *root, *list, *it, *p, *sha, *sz, *st;
	struct centry *v;
	size_t n = 0, i;
	int k = 0;

	root = loadjson(path, &b, TREEHASH_TREE_MAX);
	if (!cJSON_IsObject(root))
		hf_dieat(HF_EDATA, b.name, 0, 0, "not a JSON object");
	list = cJSON_GetObjectItemCaseSensitive(root, "entries");
	if (!cJSON_IsArray(list))
		hf_dieat(HF_EDATA, b.name, 0, 0, "/entries: not a list");
	v = hf_reallocarray(NULL, (size_t)cJSON_GetArraySize(list) + 1,
	    sizeof(*v));
	cJSON_ArrayForEach(it, list) {
		if (!cJSON_IsObject(it))
			hf_dieat(HF_EDATA, b.name, 0, 0,
			    "/entries/%d: not an object", k);
		p = cJSON_GetObjectItemCaseSensitive(it, "path");
		sha = cJSON_GetObjectItemCaseSensitive(it, "sha256");
		sz = cJSON_GetObjectItemCaseSensitive(it, "size_bytes");
		st = cJSON_GetObjectItemCaseSensitive(it, "status");
		if (!cJSON_IsString(p) || *p->valuestring == '\0')
			hf_dieat(HF_EDATA, b.name, 0, 0,
			    "/entries/%d/path: not a non-empty string", k);
		if (cJSON_IsString(st) && strcmp(st->valuestring,
		    "present") == 0) {
			if (!cJSON_IsString(sha) ||
			    strlen(sha->valuestring) != 64 ||
			    !ishex(sha->valuestring, 64))
				hf_dieat(HF_EDATA, b.name, 0, 0,
				    "/entries/%d/sha256: not a SHA-256 in "
				    "lowercase hex", k);
			if (!isint(sz, &v[n].size))
				hf_dieat(HF_EDATA, b.name, 0, 0,
				    "/entries/%d/size_bytes: not a size", k);
			v[n].path = p->valuestring;
			v[n].sha = sha->valuestring;
			n++;
		} else if (cJSON_IsString(st) && strcmp(st->valuestring,
		    "absent") == 0) {
			if (!cJSON_IsNull(sha) || !cJSON_IsNull(sz))
				hf_dieat(HF_EDATA, b.name, 0, 0,
				    "/entries/%d: an absent entry with a "
				    "sha256 or size_bytes", k);
			i = abs->n;
			addpattern(abs, p->valuestring);
			if (abs->n == i)
				hf_dieat(HF_EDATA, b.name, 0, 0,
				    "/entries/%d/path: absent twice", k);
		} else
			hf_dieat(HF_EDATA, b.name, 0, 0, "/entries/%d/status: "
			    "neither \"present\" nor \"absent\"", k);
		k++;
	}
	qsort(v, n, sizeof(*v), centrycmp);
	for (i = 1; i < n; i++)
		if (strcmp(v[i].path, v[i - 1].path) == 0)
			hf_dieat(HF_EDATA, b.name, 0, 0, "/entries: path "
			    "\"%s\" present twice", v[i].path);
	count(root, "total_files", (uint64_t)k, b.name);
	count(root, "present_count", n, b.name);
	count(root, "absent_count", abs->n, b.name);
	hf_buffree(&b);
	cm->root = root;
	cm->v = v;
	cm->n = n;
}

static int
inpatterns(const struct patterns *p, const char *s)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i], s) == 0)
			return 1;
	return 0;
}

enum { D_CHANGED, D_MISSING, D_NEW, D_NOWPRESENT, D_NOWABSENT, D_KINDS };

static void
report(struct hf_str *out, size_t *tally, int kind, const char *path)
{
	static const char *label[] = {
		"changed: ", "missing: ", "new: ", "now present: ",
		"now absent: "
	};
	struct hf_str sb = { 0 };

	hf_straddstr(out, label[kind]);
	hf_straddstr(out, showpath(path, &sb));
	hf_straddc(out, '\n');
	hf_strfree(&sb);
	tally[kind]++;
}

/*
 * Compare the tree with the committed one, like mtree -f: each present
 * path changed, missing or new, in path order; then each pattern that was
 * absent and now matches a file, and (with a manifest to tell) each
 * pattern that is absent now and was not before. Returns the exit status.
 */
static int
check(struct committed *cm, const struct tree *t, int havemanifest,
    const struct patterns *absent)
{
	const struct centry *c = cm->v;
	const struct patterns cabs = cm->absent;
	struct hf_str out = { 0 };
	size_t tally[D_KINDS] = { 0 }, nc = cm->n, i = 0, j = 0, k, total = 0;
	char sum[HF_SHA256_HEX];
	int cmp;

	while (i < nc || j < t->n) {
		if (i == nc)
			cmp = 1;
		else if (j == t->n)
			cmp = -1;
		else
			cmp = strcmp(c[i].path, t->v[j].path);
		if (cmp < 0)
			report(&out, tally, D_MISSING, c[i++].path);
		else if (cmp > 0)
			report(&out, tally, D_NEW, t->v[j++].path);
		else {
			hf_sha256_tohex(t->v[j].sum, sum);
			if (strcmp(sum, c[i].sha) != 0 ||
			    c[i].size != t->v[j].size)
				report(&out, tally, D_CHANGED, c[i].path);
			i++;
			j++;
		}
	}
	for (k = 0; k < cabs.n; k++) {
		if (havemanifest) {
			if (!inpatterns(absent, cabs.v[k]))
				report(&out, tally, D_NOWPRESENT, cabs.v[k]);
			continue;
		}
		for (i = 0; i < t->n; i++)
			if (hf_fnmatch(cabs.v[k], t->v[i].path))
				break;
		if (i < t->n)
			report(&out, tally, D_NOWPRESENT, cabs.v[k]);
	}
	for (k = 0; havemanifest && k < absent->n; k++)
		if (!inpatterns(&cabs, absent->v[k]))
			report(&out, tally, D_NOWABSENT, absent->v[k]);
	for (k = 0; k < D_KINDS; k++)
		total += tally[k];
	hf_write(out.s, out.len);
	if (total == 0)
		printf("%zu entries, no differences\n", nc + cabs.n);
	else
		printf("%zu difference%s in %zu entries: %zu changed, "
		    "%zu missing, %zu new, %zu now present, %zu now absent\n",
		    total, total == 1 ? "" : "s", nc + cabs.n,
		    tally[D_CHANGED], tally[D_MISSING], tally[D_NEW],
		    tally[D_NOWPRESENT], tally[D_NOWABSENT]);
	hf_strfree(&out);
	return total == 0 ? HF_OK : HF_EDATA;
}

static void
badusage(const char *msg)
{
	fprintf(stderr, "%s: %s\n", hf_progname(), msg);
	usage(stderr, HF_EUSAGE);
}

static int
iscommit(const char *s)
{
	size_t n = strlen(s);

	return (n == 40 || n == 64) && ishex(s, n);
}

int
main(int argc, char *argv[])
{
	struct header h = { 0 };
	struct tree t = { 0 };
	struct patterns all = { 0 }, absent = { 0 };
	struct hf_buf in = { 0 };
	struct committed cm = { 0 };
	const char *dir = NULL, *manifest = NULL, *committed = NULL, *file;
	char stamp[21];
	cJSON *mroot = NULL;
	size_t i;
	int ch, nul = 0, git = 0, status = HF_OK;
	time_t tm;

	hf_setprogname(argv[0]);
	/* main() may run more than once in a process (fuzzing builds). */
	excludes = NULL;
	nexcludes = 0;
	while ((ch = getopt(argc, argv, "0C:c:f:ghm:r:s:T:t:x:")) != -1) {
		switch (ch) {
		case '0':
			nul = 1;
			break;
		case 'C':
			dir = optarg;
			break;
		case 'c':
			committed = optarg;
			break;
		case 'f':
			h.slug = optarg;
			break;
		case 'g':
			git = 1;
			break;
		case 'h':
			usage(stdout, HF_OK);
			break;
		case 'm':
			manifest = optarg;
			break;
		case 'r':
			h.root = optarg;
			break;
		case 's':
			h.scommit = optarg;
			break;
		case 'T':
			h.captured = optarg;
			break;
		case 't':
			h.tcommit = optarg;
			break;
		case 'x':
			excludes = hf_reallocarray(excludes, nexcludes + 1,
			    sizeof(*excludes));
			excludes[nexcludes++] = optarg;
			break;
		default:
			usage(stderr, HF_EUSAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(stderr, HF_EUSAGE);
	file = argc == 1 ? argv[0] : NULL;
	if (committed != NULL && (h.slug != NULL || h.root != NULL ||
	    h.scommit != NULL || h.captured != NULL || h.tcommit != NULL))
		badusage("-c takes none of -f, -r, -s, -T, -t");
	if (git && (nul || dir != NULL))
		badusage("-0 and -C apply to path lists, not to -g");
	if (h.tcommit != NULL && !git)
		badusage("-t needs -g");
	if (h.scommit != NULL && !iscommit(h.scommit))
		badusage("-s: not a 40- or 64-digit lowercase hex commit");
	if (h.tcommit != NULL && !iscommit(h.tcommit))
		badusage("-t: not a 40- or 64-digit lowercase hex commit");
	if (h.captured != NULL && hf_parseiso(h.captured, &tm, NULL) == -1)
		badusage("-T: not an ISO 8601 UTC time such as "
		    "2026-02-23T19:45:18Z");
	if (h.captured == NULL && committed == NULL) {
		hf_isotime(hf_now(), stamp);
		h.captured = stamp;
	}

	if (committed != NULL)
		loadcommitted(committed, &cm);
	if (manifest != NULL)
		mroot = loadmanifest(manifest, &all);
	if (git)
		objects(file, &t);
	else
		pathlist(file, dir != NULL ? dir : ".", nul, &t, &in);
	findabsent(&t, &all, &absent);
	if (committed != NULL)
		status = check(&cm, &t, manifest != NULL, &absent);
	else
		emit(&t, &absent, &h);

	if (git)
		for (i = 0; i < t.n; i++)
			free(t.v[i].path);
	free(t.v);
	free(all.v);
	free(absent.v);
	free(excludes);
	excludes = NULL;
	nexcludes = 0;
	hf_buffree(&in);
	cJSON_Delete(mroot);
	cJSON_Delete(cm.root);
	free(cm.v);
	free(cm.absent.v);
	hf_exit(status);
}

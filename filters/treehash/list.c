/*
 * The path list: each path cleaned and judged as it is read, then the
 * files hashed.
 *
 * Hashing dominates the run time, and libmd's portable SHA-256 (the
 * default backend) is slower than coreutils' sha256sum, so the files are
 * hashed by a small pool of threads, each reading in large blocks with a
 * fixed buffer: memory does not grow with file size, and output order does
 * not depend on which thread finished first because the entries are sorted
 * beforehand.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "treehash.h"

/* Most hashing threads, whatever the number of processors. */
#define MAXWORKERS	8
/* Read block: large enough for few system calls, small enough for L2. */
#define BLOCK		(128 * 1024)

struct pool {
	struct entry	*v;
	size_t		 n;
	int		 dirfd;
	atomic_size_t	 next;
};

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

/*
 * Read the list record by record, each judged as it comes: a bad path
 * stops the run at its line, whatever follows. A path listed twice names
 * one file (git ls-files lists an unmerged path once per stage), so only
 * its first record counts.
 */
static void
readlist(const char *file, int nul, struct tree *t)
{
	static char rec[PATHMAX + 1];
	struct stream s;
	struct hf_str sb = { 0 };
	char *path;
	const char *why;
	size_t n;
	enum rec r;

	sopen(&s, file);
	while ((r = srecord(&s, nul ? '\0' : '\n', PATHMAX, rec, &n)) !=
	    R_END) {
		counted(t, &s, "paths");
		if (r == R_LONG)
			hf_dieat(HF_EDATA, s.name, s.line, 0,
			    "path longer than %d bytes", PATHMAX);
		if (!nul && memchr(rec, '\0', n) != NULL)
			hf_dieat(HF_EDATA, s.name, s.line, 0,
			    "NUL byte in path (use -0 for NUL-separated input)");
		if (n == 0)
			hf_dieat(HF_EDATA, s.name, s.line, 0, "empty path");
		/* Shown as listed: cleaning works in place. */
		showpath(rec, &sb);
		if ((path = cleanpath(rec, &why)) == NULL)
			hf_dieat(HF_EDATA, s.name, s.line, 0, "%s: %s", why,
			    sb.s);
		if (!excluded(t, path))
			addentry(t, path, &s);
	}
	sclose(&s);
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


void
pathlist(const char *file, const char *dir, int nul, struct tree *t)
{
	int dirfd;

	readlist(file, nul, t);
	sorttree(t);
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		hf_dieio("%s", dir);
	hashall(t, dirfd);
	close(dirfd);
	checkfailures(t, hf_inname(file));
}

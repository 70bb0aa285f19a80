/*
 * check: compare a committed package with its replay; with -v, verify it
 * first (presence, well-formedness, the invariants, no link out of the
 * repository).
 *
 * Every statement printed must be true of any package, including one
 * that another generator made: each difference is named once, and what
 * cannot be compared is said to be so rather than called different.  A
 * package whose generate.sh was not written from handoff's template is
 * such a package; its version-matrix.md is held to its versions block,
 * the part that CI reads.
 */
/* realpath(3) is an XSI interface. */
#define _XOPEN_SOURCE 700

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

/* The largest package file read. */
#define CHECK_FILE_MAX	(1024UL * 1024 * 1024)

enum { NS, MAN, TREE, EV, MATRIX, NOTE, GEN };

struct check {
	const char	*prog;		/* "check" or "verify" */
	const char	*feature;
	const char	*cdir;		/* the committed package */
	const char	*pdir;		/* its replay */
	const char	*repo;
	const char	*workdir;	/* -w: the feature in the work tree */
	char		*cpath[HF_PKG_NFILES];
	char		*ppath[HF_PKG_NFILES];
	struct hf_buf	 c[HF_PKG_NFILES];
	struct hf_buf	 p[HF_PKG_NFILES];
	int		 hasc[HF_PKG_NFILES];
	int		 hasp[HF_PKG_NFILES];
	int		 foreign;	/* generate.sh not made by handoff */
	int		 ours;		/* generate.sh made by handoff */
	int		 ndiff;		/* package files that differ */
	int		 nstray;	/* entries that are no package file */
	int		 nproblem;	/* verify's findings */
};

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status, "usage: check [-v] -F feature -c committed_dir "
	    "-p replay_dir -s outcome_file [-r repo]\n"
	    "             [-w work_dir]\n");
}

/* One line of the report: "check: F: " and the statement. */
static void
vsay(const struct check *ck, const char *fmt, va_list ap)
{
	printf("%s: %s: ", ck->prog, ck->feature);
	vprintf(fmt, ap);
	putchar('\n');
}

static void __attribute__((format(printf, 2, 3)))
say(const struct check *ck, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(ck, fmt, ap);
	va_end(ap);
}

/* A finding of verify: said, and counted. */
static void __attribute__((format(printf, 2, 3)))
problem(struct check *ck, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(ck, fmt, ap);
	va_end(ap);
	ck->nproblem++;
}

/*
 * A name or value from the package as one printable line: as it is when
 * it holds only printable ASCII, else as a JSON string.  The result
 * lives until the next call with the same slot.
 */
static const char *
shown(const char *s, size_t len, int slot)
{
	static struct hf_str buf[2];
	size_t i;

	buf[slot].len = 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < ' ' || (unsigned char)s[i] > '~')
			break;
	if (i == len && len > 0)
		hf_stradd(&buf[slot], s, len);
	else
		hf_json_string(&buf[slot], s, len);
	hf_straddc(&buf[slot], '\0');
	return buf[slot].s;
}

/* A string value as JSON writes it, quotes included. */
static const char *
quoted(const char *s)
{
	static struct hf_str buf;

	buf.len = 0;
	hf_json_string(&buf, s, strlen(s));
	hf_straddc(&buf, '\0');
	return buf.s;
}

static const char *
shows(const char *s, int slot)
{
	return shown(s, strlen(s), slot);
}


static int
readfile(const char *path, struct hf_buf *b)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		hf_dieio("%s", path);
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	hf_readmax(path, b, CHECK_FILE_MAX, HF_EDATA);
	return 1;
}

static void
load(struct check *ck)
{
	int i;

	for (i = 0; i < HF_PKG_NFILES; i++) {
		ck->cpath[i] = hf_pkg_path(ck->cdir, hf_pkg_files[i]);
		ck->ppath[i] = hf_pkg_path(ck->pdir, hf_pkg_files[i]);
		ck->hasc[i] = readfile(ck->cpath[i], &ck->c[i]);
		ck->hasp[i] = readfile(ck->ppath[i], &ck->p[i]);
	}
	ck->ours = ck->hasc[GEN] &&
	    strstr(ck->c[GEN].data, "\n" HF_GENERATE_MARK) != NULL;
	ck->foreign = ck->hasc[GEN] && !ck->ours;
}

/*
 * Every entry of the package directory that is none of the seven files:
 * stray files, directories, hidden files, links.
 */
static void
strays(struct check *ck)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	char *p;

	if ((d = opendir(ck->cdir)) == NULL) {
		if (errno == ENOENT)
			return;
		hf_dieio("%s", ck->cdir);
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = hf_pkg_path(ck->cdir, de->d_name);
		if (lstat(p, &st) == -1)
			hf_dieio("%s", p);
		if (hf_pkg_index(de->d_name) == -1)
			say(ck, "%s%s: not a file of the package",
			    shows(de->d_name, 0), S_ISDIR(st.st_mode) ? "/" :
			    "");
		else if (S_ISDIR(st.st_mode))
			say(ck, "%s/: a directory, not the package file",
			    de->d_name);
		else {
			free(p);
			continue;
		}
		ck->nstray++;
		free(p);
	}
	if (errno != 0)
		hf_dieio("%s", ck->cdir);
	closedir(d);
}

/*
 * Links: the package directory, each directory between the repository
 * and it, and each package file must stay inside the repository.
 */
static void
links(struct check *ck)
{
	struct stat st;
	char repo[PATH_MAX], where[PATH_MAX], *s;
	size_t n, i, rn;
	int f;

	if (realpath(ck->repo, repo) == NULL)
		hf_dieio("%s", ck->repo);
	rn = strlen(repo);
	n = strlen(ck->repo);
	while (n > 1 && ck->repo[n - 1] == '/')
		n--;
	s = hf_strdup(ck->cdir);
	/* The repository itself may be reached through a link. */
	i = strncmp(s, ck->repo, n) == 0 && s[n] == '/' ? n + 1 :
	    strlen(s);
	for (; ; i++) {
		if (s[i] != '/' && s[i] != '\0')
			continue;
		f = s[i] == '\0';
		s[i] = '\0';
		if (i > 0 && ck->cdir[i - 1] != '/' && lstat(s, &st) == 0 &&
		    S_ISLNK(st.st_mode) && (realpath(s, where) == NULL ||
		    strncmp(where, repo, rn) != 0 || (where[rn] != '/' &&
		    where[rn] != '\0')))
			problem(ck, "%s: a symbolic link leading out of the "
			    "repository", shows(s, 0));
		if (f)
			break;
		s[i] = '/';
	}
	free(s);
	for (f = 0; f < HF_PKG_NFILES; f++)
		if (lstat(ck->cpath[f], &st) == 0 && S_ISLNK(st.st_mode) &&
		    (realpath(ck->cpath[f], where) == NULL ||
		    strncmp(where, repo, rn) != 0 || where[rn] != '/'))
			problem(ck, "%s: a symbolic link leading out of the "
			    "repository", hf_pkg_files[f]);
}

/* A member's value as one short line: a scalar as JSON, else "{...}". */
static const char *
value(const cJSON *v, int slot)
{
	static struct hf_str buf[2];

	buf[slot].len = 0;
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		hf_straddstr(&buf[slot], cJSON_IsArray(v) ? "[...]" : "{...}");
	else
		hf_json_dump(&buf[slot], v, 0);
	hf_straddc(&buf[slot], '\0');
	return buf[slot].s;
}

static int
skipped(const char *key, const char *const *skip)
{
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(key, *skip) == 0)
			return 1;
	return 0;
}

/*
 * Name each top-level member that differs, but those of skip; returns
 * how many were named.
 */
static int
fields(const struct check *ck, const char *name, const cJSON *a,
    const cJSON *b, const char *const *skip)
{
	const cJSON *m, *o;
	int n = 0;

	cJSON_ArrayForEach(m, a) {
		if (skipped(m->string, skip))
			continue;
		o = cJSON_GetObjectItemCaseSensitive(b, m->string);
		if (o == NULL)
			say(ck, "%s: %s: in the committed file only", name,
			    shows(m->string, 0));
		else if (cJSON_Compare(m, o, 1))
			continue;
		else if (cJSON_IsArray(m) || cJSON_IsObject(m) ||
		    cJSON_IsArray(o) || cJSON_IsObject(o))
			say(ck, "%s: %s: differs", name, shows(m->string, 0));
		else
			say(ck, "%s: %s: committed %s, replayed %s", name,
			    shows(m->string, 0), value(m, 0), value(o, 1));
		n++;
	}
	cJSON_ArrayForEach(o, b)
		if (!skipped(o->string, skip) &&
		    cJSON_GetObjectItemCaseSensitive(a, o->string) == NULL) {
			say(ck, "%s: %s: not in the committed file", name,
			    shows(o->string, 0));
			n++;
		}
	return n;
}

/*
 * The first line where two texts part, or 0 when one is the other and
 * they differ only at the end.
 */
static unsigned long
firstline(const struct hf_buf *a, const struct hf_buf *b)
{
	unsigned long line = 1;
	size_t i;

	for (i = 0; i < a->len && i < b->len && a->data[i] == b->data[i]; i++)
		if (a->data[i] == '\n')
			line++;
	return line;
}

/*
 * Whether the file is present on both sides and the same but for a
 * timestamp; says so when it is.
 */
static int
same(struct check *ck, int f)
{
	const char *stamp;

	switch (hf_pkgcmp(hf_pkg_files[f], ck->c[f].data, ck->c[f].len,
	    ck->p[f].data, ck->p[f].len, &stamp)) {
	case HF_PKG_SAME:
		say(ck, "%s: %s", hf_pkg_files[f],
		    f == EV ? "identical" : "matches");
		return 1;
	case HF_PKG_STAMP:
		say(ck, "%s: matches but for its timestamp (%s)",
		    hf_pkg_files[f], stamp);
		return 1;
	default:
		return 0;
	}
}

static void
cmpjson(struct check *ck, int f)
{
	cJSON *a, *b;

	a = hf_json_load(ck->cpath[f], CHECK_FILE_MAX, HF_EDATA);
	b = hf_json_load(ck->ppath[f], CHECK_FILE_MAX, HF_EUSAGE);
	if (fields(ck, hf_pkg_files[f], a, b, NULL) == 0)
		say(ck, "%s: differs in its formatting only",
		    hf_pkg_files[f]);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* The present entries of a tree, by path, and its absent patterns. */
struct entries {
	const cJSON	**v;
	size_t		  n;
	const char	**absent;
	size_t		  nabsent;
};

static int
bypath(const void *a, const void *b)
{
	const cJSON *const *x = a, *const *y = b;

	return strcmp(cJSON_GetObjectItemCaseSensitive(*x,
	    "path")->valuestring, cJSON_GetObjectItemCaseSensitive(*y,
	    "path")->valuestring);
}

static void
entries(const cJSON *tree, struct entries *e)
{
	const cJSON *en, *path, *status, *list;
	size_t n;

	memset(e, 0, sizeof(*e));
	list = cJSON_GetObjectItemCaseSensitive(tree, "entries");
	n = (size_t)cJSON_GetArraySize(list);
	e->v = hf_calloc(n + 1, sizeof(*e->v));
	e->absent = hf_calloc(n + 1, sizeof(*e->absent));
	cJSON_ArrayForEach(en, list) {
		path = cJSON_GetObjectItemCaseSensitive(en, "path");
		status = cJSON_GetObjectItemCaseSensitive(en, "status");
		if (!cJSON_IsString(path))
			continue;
		if (cJSON_IsString(status) &&
		    strcmp(status->valuestring, "absent") == 0)
			e->absent[e->nabsent++] = path->valuestring;
		else
			e->v[e->n++] = en;
	}
	qsort(e->v, e->n, sizeof(*e->v), bypath);
}

static int
inlist(const char *s, const char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, v[i]) == 0)
			return 1;
	return 0;
}

static const char *
epath(const cJSON *en)
{
	return cJSON_GetObjectItemCaseSensitive(en, "path")->valuestring;
}

/*
 * The tree: its own members, then the files, in the words of treehash
 * -c: each path changed, missing or new, each pattern now present or
 * now absent.
 */
static void
cmptree(struct check *ck)
{
	static const char *const counts[] = { "entries", "total_files",
	    "present_count", "absent_count", NULL };
	static const char *const list[] = { "entries", NULL };
	static const char *const label[] = { "changed", "missing", "new",
	    "now present", "now absent" };
	struct entries ce, pe;
	struct hf_str lines = { 0 };
	size_t tally[5] = { 0 }, i = 0, j = 0, k;
	cJSON *a, *b;
	int c, kind, named;

	a = hf_json_load(ck->cpath[TREE], CHECK_FILE_MAX, HF_EDATA);
	b = hf_json_load(ck->ppath[TREE], CHECK_FILE_MAX, HF_EUSAGE);
	named = fields(ck, "artifact-tree.json", a, b, counts);
	entries(a, &ce);
	entries(b, &pe);
	while (i < ce.n || j < pe.n) {
		const char *path;

		if (i == ce.n)
			c = 1;
		else if (j == pe.n)
			c = -1;
		else
			c = strcmp(epath(ce.v[i]), epath(pe.v[j]));
		if (c < 0) {
			kind = 1;
			path = epath(ce.v[i++]);
		} else if (c > 0) {
			kind = 2;
			path = epath(pe.v[j++]);
		} else {
			kind = cJSON_Compare(ce.v[i], pe.v[j], 1) ? -1 : 0;
			path = epath(ce.v[i]);
			i++;
			j++;
			if (kind == -1)
				continue;
		}
		tally[kind]++;
		hf_straddstr(&lines, label[kind]);
		hf_straddstr(&lines, ": ");
		hf_straddstr(&lines, shows(path, 0));
		hf_straddc(&lines, '\n');
	}
	for (k = 0; k < ce.nabsent; k++)
		if (!inlist(ce.absent[k], pe.absent, pe.nabsent)) {
			tally[3]++;
			hf_straddstr(&lines, "now present: ");
			hf_straddstr(&lines, shows(ce.absent[k], 0));
			hf_straddc(&lines, '\n');
		}
	for (k = 0; k < pe.nabsent; k++)
		if (!inlist(pe.absent[k], ce.absent, ce.nabsent)) {
			tally[4]++;
			hf_straddstr(&lines, "now absent: ");
			hf_straddstr(&lines, shows(pe.absent[k], 0));
			hf_straddc(&lines, '\n');
		}
	if (lines.len > 0) {
		say(ck, "artifact-tree.json: stale: %zu changed, %zu missing, "
		    "%zu new, %zu now present, %zu now absent", tally[0],
		    tally[1], tally[2], tally[3], tally[4]);
		hf_straddc(&lines, '\0');
		for (char *l = lines.s, *nl; *l != '\0'; l = nl + 1) {
			nl = strchr(l, '\n');
			*nl = '\0';
			say(ck, "artifact-tree.json: %s", l);
		}
	} else if (named == 0 &&
	    fields(ck, "artifact-tree.json", a, b, list) == 0)
		say(ck, "artifact-tree.json: differs in its formatting only");
	hf_strfree(&lines);
	free(ce.v);
	free(ce.absent);
	free(pe.v);
	free(pe.absent);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void
cmpevents(struct check *ck)
{
	struct hf_evsrc old = { ck->cpath[EV], -1, 0, 0 };
	struct hf_evsrc cur = { ck->ppath[EV], -1, 0, 0 };
	struct hf_evdiff d;
	struct hf_str s = { 0 };

	/*
	 * A package made while the feature had no log holds the bootstrap
	 * event; a log kept since is news, not a rewritten history.
	 */
	if (hf_pkg_isbootstrap(ck->c[EV].data, ck->c[EV].len) &&
	    !hf_pkg_isbootstrap(ck->p[EV].data, ck->p[EV].len)) {
		say(ck, "events.jsonl: the package holds the bootstrap event "
		    "of a feature that had no event log, and it has one now");
		return;
	}
	if ((old.fd = open(old.name, O_RDONLY)) == -1)
		hf_dieio("%s", old.name);
	if ((cur.fd = open(cur.name, O_RDONLY)) == -1)
		hf_dieio("%s", cur.name);
	old.len = (long long)ck->c[EV].len;
	cur.len = (long long)ck->p[EV].len;
	hf_evlog_compare(&old, &cur, &d);
	hf_evlog_describe(&s, &old, &d);
	hf_straddc(&s, '\0');
	say(ck, "events.jsonl: %s", s.s);
	hf_strfree(&s);
	close(old.fd);
	close(cur.fd);
}

/*
 * The versions block of a version-matrix.md: the lines between the
 * "```versions" fence and the next fence.  NULL when there is none.
 */
static char *
versions(const struct hf_buf *b)
{
	struct hf_line l = { 0 };
	struct hf_str s = { 0 };
	size_t pos = 0;
	int in = 0, found = 0;

	while (hf_nextline(b, &pos, &l)) {
		if (!in && l.len == 11 && memcmp(l.s, "```versions", 11) == 0)
			in = found = 1;
		else if (in && l.len >= 3 && memcmp(l.s, "```", 3) == 0)
			break;
		else if (in) {
			hf_stradd(&s, l.s, l.len);
			hf_straddc(&s, '\n');
		}
	}
	hf_straddc(&s, '\0');
	if (!found) {
		hf_strfree(&s);
		return NULL;
	}
	return s.s;
}

static int
cmpmatrix(struct check *ck)
{
	char *a, *b;
	int eq;

	/*
	 * A matrix is handoff's when its generate.sh is: one without, or
	 * with another's, may be written by hand, and is held to its block.
	 */
	if (ck->ours) {
		say(ck, "version-matrix.md: differs from line %lu",
		    firstline(&ck->c[MATRIX], &ck->p[MATRIX]));
		return 0;
	}
	a = versions(&ck->c[MATRIX]);
	b = versions(&ck->p[MATRIX]);
	eq = a != NULL && b != NULL && strcmp(a, b) == 0;
	if (a == NULL)
		say(ck, "version-matrix.md: no versions block");
	else if (eq)
		say(ck, "version-matrix.md: the versions block matches; the "
		    "rest is not compared");
	else
		say(ck, "version-matrix.md: the versions block differs");
	free(a);
	free(b);
	return eq;
}

/* The value of a NAME=... line of a script, quotes taken off. */
static char *
constant(const struct hf_buf *b, const char *name)
{
	return hf_shconst(b->data, b->len, name);
}

/* generate.sh: each pinned constant that differs, or where they part. */
static void
cmpgenerate(struct check *ck)
{
	struct hf_line l = { 0 };
	size_t pos = 0, n;
	char name[64], *a, *b;
	int named = 0;

	if (ck->foreign) {
		say(ck, "generate.sh: not made by handoff");
		return;
	}
	while (hf_nextline(&ck->p[GEN], &pos, &l)) {
		n = strspn(l.s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
		if (n == 0 || n >= sizeof(name) || n >= l.len ||
		    l.s[n] != '=' || l.s[n + 1] != '\'')
			continue;
		memcpy(name, l.s, n);
		name[n] = '\0';
		a = constant(&ck->c[GEN], name);
		b = constant(&ck->p[GEN], name);
		if (a == NULL || strcmp(a, b) != 0) {
			say(ck, "generate.sh: %s: committed %s, replayed %s",
			    name, a == NULL ? "none" : shows(a, 0),
			    shows(b, 1));
			named++;
		}
		free(a);
		free(b);
	}
	if (named == 0)
		say(ck, "generate.sh: differs from line %lu",
		    firstline(&ck->c[GEN], &ck->p[GEN]));
}

/* The comparison with the replay, file by file. */
static void
compare(struct check *ck)
{
	int f;

	for (f = 0; f < HF_PKG_NFILES; f++) {
		if (!ck->hasc[f]) {
			say(ck, "%s: missing from the package",
			    hf_pkg_files[f]);
			ck->ndiff++;
			continue;
		}
		if (f == NOTE && !ck->hasp[f]) {
			say(ck, "verification.md: present (test evidence, "
			    "not replayed)");
			continue;
		}
		if (!ck->hasp[f] && (f != GEN || !ck->foreign))
			hf_die(HF_EUSAGE, "%s: no such file", ck->ppath[f]);
		if ((f != GEN || !ck->foreign) && same(ck, f))
			continue;
		switch (f) {
		case TREE:
			cmptree(ck);
			break;
		case EV:
			cmpevents(ck);
			break;
		case MATRIX:
			if (cmpmatrix(ck))
				continue;
			break;
		case GEN:
			cmpgenerate(ck);
			break;
		case NOTE:
			say(ck, "verification.md: differs from line %lu",
			    firstline(&ck->c[f], &ck->p[f]));
			break;
		default:
			cmpjson(ck, f);
			break;
		}
		ck->ndiff++;
	}
}

/* A string member of a JSON file, or NULL. */
static const char *
member(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
timestamp(struct check *ck, const char *file, const char *key,
    const char *v)
{
	if (v == NULL)
		problem(ck, "%s: no %s", file, key);
	else if (hf_badtime(v) != NULL)
		problem(ck, "%s: %s %s is not ISO 8601 UTC with Z", file, key,
		    quoted(v));
}

static void
samecommit(struct check *ck, const char *file, const char *what,
    const char *v, const char *sc)
{
	if (v == NULL)
		problem(ck, "%s: no %s", file, what);
	else if (sc != NULL && strcmp(v, sc) != 0)
		problem(ck, "%s: %s %s is not namespace.json's %s", file,
		    what, shows(v, 0), shows(sc, 1));
}

/* Each line a JSON object with an event_id of its own. */
static void
eventlines(struct check *ck)
{
	struct hf_line l = { 0 };
	size_t pos = 0, n = 0, i;
	char **ids = NULL;
	cJSON *ev;
	const char *id;

	while (hf_nextline(&ck->c[EV], &pos, &l)) {
		ev = cJSON_ParseWithLength(l.s, l.len);
		if (!cJSON_IsObject(ev))
			problem(ck, "events.jsonl: line %lu: not a JSON object",
			    l.no);
		else if ((id = member(ev, "event_id")) == NULL)
			problem(ck, "events.jsonl: line %lu: no event_id",
			    l.no);
		else {
			ids = hf_reallocarray(ids, n + 1, sizeof(*ids));
			ids[n++] = hf_strdup(id);
		}
		cJSON_Delete(ev);
	}
	qsort(ids, n, sizeof(*ids), hf_strpcmp);
	for (i = 1; i < n; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			problem(ck, "events.jsonl: event_id %s is not unique",
			    shows(ids[i], 0));
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* Count the entries with status st. */
static int
nstatus(const cJSON *tree, const char *st)
{
	const cJSON *en;
	const char *s;
	int n = 0;

	cJSON_ArrayForEach(en, cJSON_GetObjectItemCaseSensitive(tree,
	    "entries"))
		n += (s = member(en, "status")) != NULL && strcmp(s, st) == 0;
	return n;
}

static int
count(const cJSON *tree, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(tree, key);

	return cJSON_IsNumber(v) ? (int)v->valuedouble : -1;
}

/* The invariants of a package (DESIGN.md), on the committed files. */
static void
invariants(struct check *ck)
{
	cJSON *ns = NULL, *man = NULL, *tree = NULL, *ev;
	const cJSON *en;
	const char *sc = NULL, *p;
	char *v;
	int pres, abs;

	if (ck->hasc[NS]) {
		ns = hf_json_load(ck->cpath[NS], CHECK_FILE_MAX, HF_EDATA);
		if ((sc = member(ns, "source_commit")) == NULL)
			problem(ck, "namespace.json: no source_commit");
		timestamp(ck, "namespace.json", "generated_at",
		    member(ns, "generated_at"));
	}
	if (ck->hasc[MAN]) {
		man = hf_json_load(ck->cpath[MAN], CHECK_FILE_MAX, HF_EDATA);
		samecommit(ck, "artifact-manifest.json", "source_commit",
		    member(man, "source_commit"), sc);
		timestamp(ck, "artifact-manifest.json", "captured_at",
		    member(man, "captured_at"));
	}
	if (ck->hasc[TREE]) {
		tree = hf_json_load(ck->cpath[TREE], CHECK_FILE_MAX, HF_EDATA);
		samecommit(ck, "artifact-tree.json", "source_commit",
		    member(tree, "source_commit"), sc);
		timestamp(ck, "artifact-tree.json", "captured_at",
		    member(tree, "captured_at"));
		cJSON_ArrayForEach(en, cJSON_GetObjectItemCaseSensitive(tree,
		    "entries"))
			if ((p = member(en, "path")) != NULL &&
			    strncmp(p, "handoff/", 8) == 0)
				problem(ck, "artifact-tree.json: lists %s, "
				    "under handoff/", shows(p, 0));
		pres = nstatus(tree, "present");
		abs = nstatus(tree, "absent");
		if (count(tree, "present_count") != pres ||
		    count(tree, "absent_count") != abs ||
		    count(tree, "total_files") != pres + abs)
			problem(ck, "artifact-tree.json: counts do not add up "
			    "(total_files %d, present_count %d of %d, "
			    "absent_count %d of %d)", count(tree,
			    "total_files"), count(tree, "present_count"), pres,
			    count(tree, "absent_count"), abs);
	}
	if (ck->hasc[EV]) {
		eventlines(ck);
		if (hf_pkg_isbootstrap(ck->c[EV].data, ck->c[EV].len)) {
			ev = cJSON_ParseWithLength(ck->c[EV].data,
			    ck->c[EV].len);
			timestamp(ck, "events.jsonl", "at", member(ev, "at"));
			samecommit(ck, "events.jsonl", "source_commit",
			    member(ev, "source_commit"), sc);
			cJSON_Delete(ev);
		}
	}
	if (ck->hasc[MATRIX]) {
		if ((v = versions(&ck->c[MATRIX])) == NULL)
			problem(ck, "version-matrix.md: no versions block");
		else {
			struct hf_buf vb = { v, strlen(v), "", 0 };
			char *vsc = constant(&vb, "source-commit");

			samecommit(ck, "version-matrix.md", "source-commit",
			    vsc, sc);
			free(vsc);
		}
		free(v);
	}
	if (ck->hasc[NOTE] && ck->c[NOTE].len == 0)
		problem(ck, "verification.md: empty");
	/*
	 * A script of another generator is not held to handoff's; that it
	 * is one is said once, by the comparison.
	 */
	if (ck->hasc[GEN] && !ck->foreign) {
		v = constant(&ck->c[GEN], "SOURCE_COMMIT");
		samecommit(ck, "generate.sh", "SOURCE_COMMIT", v, sc);
		free(v);
		if (strstr(ck->c[GEN].data, "\nwrite=0\n") == NULL)
			problem(ck, "generate.sh: does not default to a dry run");
	}
	cJSON_Delete(ns);
	cJSON_Delete(man);
	cJSON_Delete(tree);
}


/*
 * The digest and size of what a tree entry names in the work tree, as
 * treehash records it: a file's content, a symbolic link's target text.
 * Returns -1 when there is no such file or link.
 */
static int
fingerprint(const char *path, char hex[HF_SHA256_HEX], long long *size)
{
	struct hf_sha256 *ctx;
	unsigned char md[32];
	char buf[65536];
	struct stat st;
	ssize_t n;
	int fd;

	if (lstat(path, &st) == -1)
		return -1;
	ctx = hf_sha256_new();
	hf_sha256_init(ctx);
	*size = 0;
	if (S_ISLNK(st.st_mode)) {
		if ((n = readlink(path, buf, sizeof(buf))) == -1)
			hf_dieio("%s", path);
		hf_sha256_update(ctx, buf, (size_t)n);
		*size = n;
	} else if (S_ISREG(st.st_mode)) {
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) == -1)
			hf_dieio("%s", path);
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			hf_sha256_update(ctx, buf, (size_t)n);
			*size += n;
		}
		if (n == -1)
			hf_dieio("%s", path);
		close(fd);
	} else {
		hf_sha256_free(ctx);
		return -1;
	}
	hf_sha256_final(ctx, md);
	hf_sha256_free(ctx);
	hf_hexdigest(md, sizeof(md), hex);
	return 0;
}

/*
 * The tree's fingerprints against the feature as it is checked out: an
 * entry whose file is gone or holds other bytes is named.  The replay
 * reads the committed tree, and what differs between it and the package
 * is named by the comparison; this names what differs between it and
 * the work tree, an edit that was not committed, so that each difference
 * is named once.
 */
static void
worktree(struct check *ck)
{
	char hex[HF_SHA256_HEX], *path;
	const char *p, *sha;
	const cJSON *en, *sz;
	long long size;
	cJSON *tree;

	if (ck->workdir == NULL || !ck->hasp[TREE])
		return;
	tree = hf_json_load(ck->ppath[TREE], CHECK_FILE_MAX, HF_EUSAGE);
	cJSON_ArrayForEach(en, cJSON_GetObjectItemCaseSensitive(tree,
	    "entries")) {
		if ((p = member(en, "path")) == NULL ||
		    (sha = member(en, "sha256")) == NULL)
			continue;
		sz = cJSON_GetObjectItemCaseSensitive(en, "size_bytes");
		path = hf_malloc(strlen(ck->workdir) + strlen(p) + 2);
		sprintf(path, "%s/%s", ck->workdir, p);
		if (fingerprint(path, hex, &size) == -1)
			problem(ck, "artifact-tree.json: %s: missing from the "
			    "work tree", shows(p, 0));
		else if (strcmp(hex, sha) != 0 || !cJSON_IsNumber(sz) ||
		    sz->valuedouble != (double)size)
			problem(ck, "artifact-tree.json: %s: changed in the "
			    "work tree", shows(p, 0));
		free(path);
	}
	cJSON_Delete(tree);
}

static void
summary(const struct check *ck)
{
	struct hf_str s = { 0 };
	char num[96];

	if (ck->nproblem > 0) {
		snprintf(num, sizeof(num), "%d problem%s", ck->nproblem,
		    ck->nproblem == 1 ? "" : "s");
		hf_straddstr(&s, num);
	}
	if (ck->ndiff > 0) {
		snprintf(num, sizeof(num), "%s%d of %d files differ",
		    s.len > 0 ? "; " : "", ck->ndiff, HF_PKG_NFILES);
		hf_straddstr(&s, num);
	}
	if (ck->nstray > 0) {
		snprintf(num, sizeof(num), "%s%d %s not part of the package",
		    s.len > 0 ? "; " : "", ck->nstray, ck->nstray == 1 ?
		    "entry is" : "entries are");
		hf_straddstr(&s, num);
	}
	hf_straddc(&s, '\0');
	if (s.len > 1)
		say(ck, "%s", s.s);
	else
		say(ck, "the package %smatches its replay (%d files)",
		    strcmp(ck->prog, "verify") == 0 ?
		    "is complete and consistent and " : "", HF_PKG_NFILES);
	hf_strfree(&s);
}

int
main(int argc, char *argv[])
{
	struct check ck = { 0 };
	const char *outfile = NULL, *why;
	int ch, verify = 0, f;

	hf_setprogname(argv[0]);
	ck.repo = ".";
	while ((ch = getopt(argc, argv, "c:F:hp:r:s:vw:")) != -1) {
		switch (ch) {
		case 'c':
			ck.cdir = optarg;
			break;
		case 'F':
			ck.feature = optarg;
			break;
		case 'h':
			usage(HF_OK);
			break;
		case 'p':
			ck.pdir = optarg;
			break;
		case 'r':
			ck.repo = optarg;
			break;
		case 's':
			outfile = optarg;
			break;
		case 'v':
			verify = 1;
			break;
		case 'w':
			ck.workdir = optarg;
			break;
		default:
			usage(HF_EUSAGE);
		}
	}
	if (argc != optind || ck.feature == NULL || ck.cdir == NULL ||
	    ck.pdir == NULL || outfile == NULL)
		usage(HF_EUSAGE);
	if ((why = hf_badslug(ck.feature)) != NULL)
		hf_die(HF_EUSAGE, "-F %s: %s", ck.feature, why);
	ck.prog = verify ? "verify" : "check";
	if (unlink(outfile) == -1 && errno != ENOENT)
		hf_dieio("%s", outfile);

	load(&ck);
	if (verify) {
		links(&ck);
		invariants(&ck);
		worktree(&ck);
	}
	compare(&ck);
	strays(&ck);
	summary(&ck);
	hf_flush();
	for (f = 0; f < HF_PKG_NFILES; f++) {
		if (ck.hasc[f])
			hf_buffree(&ck.c[f]);
		if (ck.hasp[f])
			hf_buffree(&ck.p[f]);
		free(ck.cpath[f]);
		free(ck.ppath[f]);
	}
	f = ck.ndiff + ck.nstray + ck.nproblem == 0;
	hf_pkg_outcome(outfile, f ? "matches" : "differs");
	hf_exit(f ? HF_OK : HF_EDATA);
}

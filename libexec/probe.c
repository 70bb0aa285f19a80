/*
 * probe - the repository facts handoff.mk builds packages from.
 *
 * Usage:
 *	probe -o FACTS.mk -B BUILD [-a] [NAME=value ...]
 *
 * NAME is one of REPO, FEATURE, FEATURE_DIR, OUT, MISSION, MANIFEST,
 * MANIFEST_PATH, SOURCE_COMMIT, SOURCE_BRANCH, PROJECT_SCOPE_ID and
 * SOURCE_DATE_EPOCH, and KEY, which is written back as HF_FACTS_KEY so
 * that make can tell facts made for other variables; an empty value is
 * the same as none.  Paths are
 * relative to the current directory.  REPO (default ".") is the project
 * root, where kitty-specs/ is; FEATURE_DIR defaults to
 * REPO/kitty-specs/FEATURE and OUT to FEATURE_DIR/handoff.  With -a every
 * directory under REPO/kitty-specs/ is probed instead of FEATURE, OUT
 * being each feature's handoff/.
 *
 * FACTS.mk receives make assignments (values escaped for make: '$' as
 * "$$", '#' as "\#"):
 *	HF_FACTS_KEY	the KEY parameter
 *	HF_HEAD		the commit at HEAD
 *	HF_ERROR	bad input found before any feature, alone with
 *			HF_FACTS_KEY: the one line that says so
 *	HF_FEATURES	every feature whose name is a good slug, sorted
 *			bytewise, those with an error included
 *	HF_SKIPPED	directories whose name is not, bytes outside the slug
 *			set written '_'; hf_skip_NAME holds the reason
 *	HF_WATCH	files whose modification means the facts may have
 *			changed: git's HEAD, logs/HEAD, packed-refs, the
 *			branch's ref, config (without PROJECT_SCOPE_ID), and
 *			the JSON files and event log of each OUT, those that
 *			exist
 * and for each feature F of HF_FEATURES either hf_F_error (one line; then
 * nothing else of F is set) or
 *	hf_F_dir	the feature directory relative to REPO
 *	hf_F_out	OUT
 *	hf_F_sc, _branch, _scope, _mission
 *	hf_F_tree_commit the last commit that touched F outside handoff/
 *			(empty outside git)
 *	hf_F_t_man, _t_tree, _t_ev, _t_ns
 *			times as YYYY-MM-DDTHH:MM:SSZ
 *	hf_F_manifest	BUILD/F/in/manifest.yaml, or the MANIFEST file
 *	hf_F_manifest_rel MANIFEST relative to REPO when given, else empty
 *	hf_F_tree	BUILD/F/in/tree, the object stream treehash -g reads
 *			(git), or empty
 *	hf_F_files	BUILD/F/in/files, NUL-separated paths relative to
 *			the feature directory for treehash -0 (outside git),
 *			or empty
 *	hf_F_events	BUILD/F/in/events.jsonl, or empty without an event log
 *	hf_F_pins	BUILD/F/in/versions, or empty
 * and, when OUT holds a namespace.json, the pinned facts hf_F_p_sc,
 * _p_branch, _p_scope, _p_step, _p_mission, _p_t_man, _p_t_tree, _p_t_ns,
 * _p_t_ev, _p_tree_commit and _p_manifest (the manifest at the pinned
 * commit: BUILD/F/in/manifest.yaml when it is the same,
 * BUILD/F/in/p_manifest.yaml otherwise).
 *
 * Each file under BUILD/F/in/ is written only when its content changes
 * (through a temporary file and a rename), while holding flock(2) on
 * BUILD/F/lock; BUILD/F/in/tree.id records the tree they come from, so
 * that an unchanged feature is not read again.  FACTS.mk is written the
 * same way, and not at all when the probe fails.
 *
 * The source commit is SOURCE_COMMIT, else the one pinned in
 * OUT/namespace.json, else the newest commit that touched the feature
 * directory outside handoff/ or the mission's manifest under any directory
 * of MANIFEST_PATH (or a MANIFEST in the work tree).  A commit found at a
 * shallow clone's boundary, or a pinned one the clone lacks, is an error
 * that says to fetch the history.  The branch is SOURCE_BRANCH, else
 * HEAD's, else (HEAD detached) the pinned one.  Outside git, SOURCE_COMMIT
 * and SOURCE_BRANCH (or the pinned ones) are needed, and file modification
 * times stand in for commit times.
 *
 * Git is asked through argument vectors, never a shell: one rev-parse,
 * one config (only without PROJECT_SCOPE_ID), one cat-file
 * --batch-command for every object, and one log for every last-commit
 * question of every feature.
 *
 * Exit 0 when the facts were written, even if some features carry an
 * error or nothing can be probed (a bad parameter, REPO missing: then
 * HF_ERROR holds the one line that says so, and nothing else is set); 2
 * on a usage or I/O error.
 */
/* flock(2) and strsep(3). */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

extern char **environ;

#define NPARAM	12
static const char *pnames[NPARAM] = {
	"REPO", "FEATURE", "FEATURE_DIR", "OUT", "MISSION", "MANIFEST",
	"MANIFEST_PATH", "SOURCE_COMMIT", "SOURCE_BRANCH", "PROJECT_SCOPE_ID",
	"SOURCE_DATE_EPOCH", "KEY"
};
enum { P_REPO, P_FEATURE, P_FDIR, P_OUT, P_MISSION, P_MANIFEST, P_MPATH,
	P_SC, P_BRANCH, P_SCOPE, P_SDE, P_KEY };
static const char *par[NPARAM];

#define DEFAULT_MPATH \
	"src/specify_cli/missions packs/built-in/missions src/doctrine/missions"
#define MANIFEST_NAME	"expected-artifacts.yaml"
#define MAXMETA		((size_t)1 << 20)

/*
 * The parameters a package's generate.sh pins besides the namespace's,
 * and the facts that carry them to check's replay.
 */
#define NGEN	6
static const char *const genconst[NGEN] = { "TEST_CMD", "PINS", "NOTES",
	"SCENARIOS", "MANIFEST", "PINNED_DATE_EPOCH" };
static const char *const genfact[NGEN] = { "p_test_cmd", "p_pinsfile",
	"p_notes", "p_scenarios", "p_manifest_rel", "p_sde" };

/* One object as cat-file answered it; data NULL when it is missing. */
struct obj {
	char	 oid[65];
	char	 type[8];
	char	*data;
	size_t	 len;
};

/* What is known of one feature, filled in as the answers come. */
struct feat {
	char	*name;		/* the slug */
	char	*dir;		/* relative to REPO */
	char	*fdpath;	/* as the current directory reaches it */
	char	*out;
	char	*err;
	char	*build;		/* BUILD/name */
	/* At HEAD. */
	struct obj tree;
	char	 meta[65], ev[65], pins[65];
	char	*mission;
	/* From the log. */
	char	 tc[65], evc[65], sc[65];
	long long tct, evct, sct;
	unsigned long tcseq;
	int	 tcgraft, evgraft, scgraft;
	int	 needsc;	/* the source commit is the log's to find */
	/*
	 * A pinned source commit the repository lacks, with MANIFEST given:
	 * it stays the package's, and its time is that of the newest input
	 * the log finds, as for a first package.
	 */
	char	 pinsc[65];
	int	 cached;	/* BUILD/F/in/ holds this tree's inputs */
	/* The manifest at the source commit. */
	struct obj man, pman;
	int	 manathead;
	/* Pinned in OUT/namespace.json. */
	int	 pinned;
	char	*p_sc, *p_branch, *p_scope, *p_step, *p_mission;
	char	*p_t_man, *p_t_tree, *p_t_ns, *p_t_ev;
	int	 p_hastc;
	/* The constants of OUT/generate.sh, when handoff wrote it. */
	char	*p_gen[NGEN];
	struct obj pscobj;
	char	*files;		/* outside git: the NUL-separated list */
	size_t	 fileslen;
	char	*manfile;	/* outside git, or MANIFEST */
};

static struct feat *feats;
static size_t nfeats;
static struct hf_str skipped;	/* HF_SKIPPED and the hf_skip_ lines */
static struct hf_str skiplines;

/* What rev-parse told, or nothing outside git. */
static char *top, *prefix, *gitdir, *commondir, *branch;
static char headoid[65];	/* the commit at HEAD */
static int allmode, isgit, shallow, oidhex = 40;
static char *repoabs;
static char *mpath[16];
static size_t nmpath;

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status,
	    "usage: probe -o FACTS.mk -B BUILD [-a] [NAME=value ...]\n");
}

static char *
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

/* ---- processes -------------------------------------------------------- */

struct proc {
	pid_t	 pid;
	int	 in;		/* its standard input, or -1 */
	int	 out;		/* its standard output */
};

static void
cloexec(int fd)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/*
 * Start git with argv (argv[0] is "git"), its standard output on a pipe
 * and, when wantin, its standard input too; quiet sends its standard
 * error to /dev/null.
 */
static void
spawn(struct proc *p, char *const argv[], int wantin, int quiet)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t def;
	int o[2], i[2] = { -1, -1 }, e;

	if (pipe(o) == -1 || (wantin && pipe(i) == -1))
		hf_dieio("pipe");
	cloexec(o[0]);
	cloexec(o[1]);
	if (wantin) {
		cloexec(i[0]);
		cloexec(i[1]);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	if (wantin)
		posix_spawn_file_actions_adddup2(&fa, i[0], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
		    O_RDONLY, 0);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
		    O_WRONLY, 0);
	/* The probe ignores SIGPIPE; git gets it back, and stops by it. */
	posix_spawnattr_init(&at);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
	e = posix_spawnp(&p->pid, argv[0], &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0) {
		errno = e;
		hf_dieio("cannot run %s", argv[0]);
	}
	close(o[1]);
	p->out = o[0];
	p->in = -1;
	if (wantin) {
		close(i[0]);
		p->in = i[1];
	}
}

static int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			hf_dieio("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Read fd to its end, appending to s; returns 0, or -1 on an error. */
static int
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

/* Run git to its end; returns its exit status, its output in s. */
static int
runout(char *const argv[], struct hf_str *s)
{
	struct proc p;

	spawn(&p, argv, 0, 1);
	if (slurpfd(p.out, s) == -1)
		hf_dieio("read from git");
	close(p.out);
	return reap(p.pid);
}

/* ---- cat-file --batch-command ----------------------------------------- */

static struct proc cat;
static struct hf_str catreq;
static size_t catn;
static struct hf_str catinfo;	/* one byte a request: 1 for info */
static struct hf_str **catbufs;	/* every batch's answers, kept to the end */
static size_t ncatbufs;

static void
catask(const char *cmd, const char *name)
{
	hf_straddc(&catinfo, strcmp(cmd, "info") == 0);
	hf_straddstr(&catreq, cmd);
	hf_straddc(&catreq, ' ');
	hf_straddstr(&catreq, name);
	hf_straddc(&catreq, '\n');
	catn++;
}

/*
 * Send the requests gathered and read the answers into ans[0..catn).
 * Writing and reading go side by side (poll), so that neither git nor the
 * probe waits on a full pipe.  The buffer of each batch stays alive: the
 * objects point into it.
 */
static void
catflush(struct obj *ans)
{
	struct hf_str *in;
	struct pollfd pf[2];
	size_t wpos = 0, rpos = 0, got = 0, lim, *off;
	ssize_t n;
	char *nl, *sp;
	unsigned long long size;

	if (catn == 0)
		return;
	hf_straddstr(&catreq, "flush\n");
	in = hf_calloc(1, sizeof(*in));
	catbufs = hf_reallocarray(catbufs, ncatbufs + 1, sizeof(*catbufs));
	catbufs[ncatbufs++] = in;
	off = hf_calloc(catn, sizeof(*off));
	fcntl(cat.in, F_SETFL, fcntl(cat.in, F_GETFL) | O_NONBLOCK);
	while (got < catn) {
		pf[0].fd = cat.out;
		pf[0].events = POLLIN;
		pf[1].fd = wpos < catreq.len ? cat.in : -1;
		pf[1].events = POLLOUT;
		if (poll(pf, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			hf_dieio("poll");
		}
		if (pf[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
			n = write(cat.in, catreq.s + wpos, catreq.len - wpos);
			if (n == -1 && errno != EAGAIN && errno != EINTR)
				hf_dieio("write to git cat-file");
			if (n > 0)
				wpos += (size_t)n;
		}
		if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		hf_strreserve(in, 65536);
		n = read(cat.out, in->s + in->len, in->cap - in->len - 1);
		if (n == -1 && errno != EINTR && errno != EAGAIN)
			hf_dieio("read from git cat-file");
		if (n == 0)
			hf_die(HF_EUSAGE, "git cat-file ended early");
		if (n > 0)
			in->len += (size_t)n;
		in->s[in->len] = '\0';
		/* Parse every answer that is whole by now. */
		for (;;) {
			if (got == catn)
				break;
			nl = memchr(in->s + rpos, '\n', in->len - rpos);
			if (nl == NULL)
				break;
			lim = (size_t)(nl - in->s);
			sp = memchr(in->s + rpos, ' ', lim - rpos);
			if (lim - rpos >= 8 && memcmp(nl - 8, " missing", 8)
			    == 0) {
				ans[got].data = NULL;
				ans[got].oid[0] = '\0';
				rpos = lim + 1;
				got++;
				continue;
			}
			if (sp == NULL || (size_t)(sp - in->s) - rpos > 64)
				hf_die(HF_EUSAGE, "git cat-file: unexpected "
				    "answer");
			memcpy(ans[got].oid, in->s + rpos,
			    (size_t)(sp - in->s) - rpos);
			ans[got].oid[sp - in->s - rpos] = '\0';
			if (sscanf(sp + 1, "%7s %llu", ans[got].type,
			    &size) != 2)
				hf_die(HF_EUSAGE, "git cat-file: unexpected "
				    "answer");
			ans[got].len = (size_t)size;
			if (catinfo.s[got]) {
				/* Present, no content: any non-NULL will do. */
				ans[got].data = in->s;
				off[got] = SIZE_MAX;
				rpos = lim + 1;
				got++;
				continue;
			}
			if (in->len - (lim + 1) < size + 1)
				break;
			/* An offset until the buffer stops moving. */
			ans[got].data = in->s;
			off[got] = lim + 1;
			rpos = lim + 1 + size + 1;
			got++;
		}
	}
	for (got = 0; got < catn; got++)
		if (ans[got].data != NULL)
			ans[got].data = off[got] == SIZE_MAX ? in->s :
			    in->s + off[got];
	free(off);
	catinfo.len = 0;
	fcntl(cat.in, F_SETFL, fcntl(cat.in, F_GETFL) & ~O_NONBLOCK);
	catreq.len = 0;
	catn = 0;
}

/* ---- the feature tree as treehash -g reads it ------------------------- */

/*
 * Every tree and blob read, by object id: a table and an open-addressing
 * index into it, so that a repository of many files costs no quadratic
 * search.
 */
struct onode {
	char		 oid[65];
	struct obj	 o;
};
static struct onode *objs;
static size_t nobjs, capobjs;
static size_t *oindex;		/* position + 1, 0 for a free slot */
static size_t capindex;

/* The slot of oid in the index: its entry, or the free one it would take. */
static size_t *
oslot(const char *oid)
{
	size_t i = (size_t)hf_hash(oid, strlen(oid)) & (capindex - 1);

	while (oindex[i] != 0 && strcmp(objs[oindex[i] - 1].oid, oid) != 0)
		i = (i + 1) & (capindex - 1);
	return &oindex[i];
}

static struct obj *
findobj(const char *oid)
{
	size_t *sl;

	if (capindex == 0)
		return NULL;
	sl = oslot(oid);
	return *sl ? &objs[*sl - 1].o : NULL;
}

/* Enter oid, its object not read yet; returns 0 if it was there. */
static int
addobj(const char *oid)
{
	size_t i;

	if (findobj(oid) != NULL)
		return 0;
	if (2 * (nobjs + 1) > capindex) {
		free(oindex);
		capindex = capindex ? 2 * capindex : 1024;
		oindex = hf_calloc(capindex, sizeof(*oindex));
		for (i = 0; i < nobjs; i++)
			*oslot(objs[i].oid) = i + 1;
	}
	if (nobjs == capobjs) {
		capobjs = capobjs ? 2 * capobjs : 512;
		objs = hf_reallocarray(objs, capobjs, sizeof(*objs));
	}
	memset(&objs[nobjs], 0, sizeof(*objs));
	strcpy(objs[nobjs].oid, oid);
	*oslot(oid) = nobjs + 1;
	nobjs++;
	return 1;
}

/* One entry of a tree object. */
struct tent {
	unsigned	 mode;
	const char	*name;
	char		 oid[65];
};

/* The next entry of tree t from *pos; returns 0 at its end. */
static int
nextent(const struct obj *t, size_t *pos, struct tent *e)
{
	const char *p = t->data + *pos, *end = t->data + t->len, *nul;

	if (p >= end)
		return 0;
	e->mode = 0;
	while (p < end && *p >= '0' && *p <= '7')
		e->mode = e->mode * 8 + (unsigned)(*p++ - '0');
	if (p >= end || *p++ != ' ' ||
	    (nul = memchr(p, '\0', (size_t)(end - p))) == NULL ||
	    end - (nul + 1) < oidhex / 2)
		hf_die(HF_EUSAGE, "git cat-file: malformed tree %s", t->oid);
	e->name = p;
	hf_hexdigest((const unsigned char *)nul + 1, (size_t)oidhex / 2, e->oid);
	*pos = (size_t)(nul + 1 + oidhex / 2 - t->data);
	return 1;
}

/*
 * Read every tree below the features' trees, one batch a level, then
 * every blob of them in one more.
 */
static void
fetchtrees(void)
{
	struct obj *ans;
	struct tent e;
	size_t i, pos, first, last, k;

	first = nobjs;
	for (i = 0; i < nfeats; i++)
		if (feats[i].tree.data != NULL && !feats[i].cached &&
		    addobj(feats[i].tree.oid))
			objs[nobjs - 1].o = feats[i].tree;
	while (first < nobjs) {
		last = nobjs;
		for (k = first; k < last; k++) {
			pos = 0;
			while (nextent(&objs[k].o, &pos, &e))
				if (e.mode == 040000 && addobj(e.oid))
					catask("contents", e.oid);
		}
		ans = hf_calloc(catn + 1, sizeof(*ans));
		catflush(ans);
		for (k = last; k < nobjs; k++) {
			if (ans[k - last].data == NULL ||
			    strcmp(ans[k - last].type, "tree") != 0)
				hf_die(HF_EUSAGE, "git cat-file: tree %s "
				    "missing", objs[k].oid);
			objs[k].o = ans[k - last];
		}
		free(ans);
		first = last;
	}
	last = nobjs;
	for (k = 0; k < last; k++) {
		pos = 0;
		if (strcmp(objs[k].o.type, "tree") != 0)
			continue;
		while (nextent(&objs[k].o, &pos, &e))
			if (((e.mode & 0170000) == 0100000 ||
			    e.mode == 0120000) && addobj(e.oid))
				catask("contents", e.oid);
	}
	ans = hf_calloc(catn + 1, sizeof(*ans));
	catflush(ans);
	for (k = last; k < nobjs; k++) {
		if (ans[k - last].data == NULL)
			hf_die(HF_EUSAGE, "git cat-file: blob %s missing",
			    objs[k].oid);
		objs[k].o = ans[k - last];
	}
	free(ans);
}

/* Append path as git quotes it with core.quotePath on. */
static void
quotepath(struct hf_str *s, const char *p, size_t n)
{
	static const char esc[] = "\a\b\t\n\v\f\r\"\\";
	static const char let[] = "abtnvfr\"\\";
	const char *q;
	size_t i;
	char oct[5];
	int need = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f)
			need = 1;
	}
	if (!need) {
		hf_stradd(s, p, n);
		return;
	}
	hf_straddc(s, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c != '\0' && (q = strchr(esc, c)) != NULL) {
			hf_straddc(s, '\\');
			hf_straddc(s, let[q - esc]);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(oct, sizeof(oct), "\\%03o", c);
			hf_straddstr(s, oct);
		} else
			hf_straddc(s, (char)c);
	}
	hf_straddc(s, '"');
}

/*
 * The object stream of tree t under path prefix pre, in git's order
 * (that of ls-tree -r), leaving out handoff/ at the top.
 */
static void
emittree(struct hf_str *s, const struct obj *t, struct hf_str *pre)
{
	struct tent e;
	struct obj *b;
	size_t pos = 0, keep = pre->len, nl;
	char hdr[128];

	while (nextent(t, &pos, &e)) {
		nl = strlen(e.name);
		if (e.mode == 040000) {
			if (keep == 0 && strcmp(e.name, "handoff") == 0)
				continue;
			hf_stradd(pre, e.name, nl);
			hf_straddc(pre, '/');
			emittree(s, findobj(e.oid), pre);
			pre->len = keep;
			continue;
		}
		if ((e.mode & 0170000) != 0100000 && e.mode != 0120000)
			continue;
		b = findobj(e.oid);
		snprintf(hdr, sizeof(hdr), "%s blob %zu %06o ", e.oid, b->len,
		    e.mode);
		hf_straddstr(s, hdr);
		hf_stradd(pre, e.name, nl);
		quotepath(s, pre->s, pre->len);
		pre->len = keep;
		hf_straddc(s, '\n');
		hf_stradd(s, b->data, b->len);
		hf_straddc(s, '\n');
	}
}

/* The blob id of top-level entry name of tree t, into oid ("" if none). */
static void
toplevel(const struct obj *t, const char *name, char oid[65])
{
	struct tent e;
	size_t pos = 0;

	oid[0] = '\0';
	while (nextent(t, &pos, &e))
		if (strcmp(e.name, name) == 0 &&
		    ((e.mode & 0170000) == 0100000))
			strcpy(oid, e.oid);
}

/* ---- files ------------------------------------------------------------ */

static int
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
static void
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
static void
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

/* ---- make text -------------------------------------------------------- */

static struct hf_str facts;
static const char *const subdirs[] = { "in", "pkg", "pkg.s", "replay",
	"replay.s" };
static const char *const pinfiles[] = { "namespace.json",
	"artifact-manifest.json", "artifact-tree.json", "events.jsonl" };

/* Append v escaped for make: '$' doubled, '#' quoted, newlines blanked. */
static void
mkval(struct hf_str *s, const char *v)
{
	for (; v != NULL && *v != '\0'; v++) {
		if (*v == '$')
			hf_straddstr(s, "$$");
		else if (*v == '#')
			hf_straddstr(s, "\\#");
		else if (*v == '\n' || *v == '\r')
			hf_straddc(s, ' ');
		else
			hf_straddc(s, *v);
	}
}

static void
mkset(const char *f, const char *var, const char *v)
{
	hf_straddstr(&facts, "hf_");
	hf_straddstr(&facts, f);
	hf_straddc(&facts, '_');
	hf_straddstr(&facts, var);
	hf_straddstr(&facts, " := ");
	mkval(&facts, v);
	hf_straddc(&facts, '\n');
}

/* The same for a path, dir then name; empty when dir is. */
static void
mkset2(const char *f, const char *var, const char *dir, const char *name)
{
	char *v = xasprintf("%s%s", dir, *dir ? name : "");

	mkset(f, var, v);
	free(v);
}

/*
 * Bad input that no feature's facts can carry (a parameter, REPO): the
 * facts say so in HF_ERROR, which handoff.mk stops on with the one line,
 * and the probe succeeds, so that make reads them.
 */
static void __attribute__((noreturn, format(printf, 1, 2)))
badinput(const char *fmt, ...)
{
	struct hf_str msg = { 0 };
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hf_straddstr(&msg, "HF_FACTS_KEY := ");
	mkval(&msg, par[P_KEY]);
	hf_straddstr(&msg, "\nHF_ERROR := ");
	mkval(&msg, buf);
	hf_straddc(&msg, '\n');
	hf_write(msg.s, msg.len);
	hf_strfree(&msg);
	hf_exit(HF_OK);
}

static void
mktime_(const char *f, const char *var, long long t)
{
	char iso[21];

	hf_isotime((time_t)t, iso);
	mkset(f, var, iso);
}

/* ---- features ----------------------------------------------------------- */

static void
ferr(struct feat *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->err != NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	f->err = hf_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(f->err, (size_t)n + 1, fmt, ap);
	va_end(ap);
}

/* The name with bytes outside the slug set as '_', for a variable name. */
static char *
safename(const char *s)
{
	char *t = hf_strdup(*s ? s : "_"), *p;

	for (p = t; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			*p = '_';
	return t;
}

/* A name shown in a reason: control and non-ASCII bytes as \ooo. */
static void
showname(struct hf_str *s, const char *p)
{
	char oct[5];

	for (; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			snprintf(oct, sizeof(oct), "\\%03o", (unsigned char)*p);
			hf_straddstr(s, oct);
		} else
			hf_straddc(s, *p);
	}
}

static void
skip(const char *name, const char *why)
{
	char *safe = safename(name);

	hf_straddc(&skipped, ' ');
	hf_straddstr(&skipped, safe);
	hf_straddstr(&skiplines, "hf_skip_");
	hf_straddstr(&skiplines, safe);
	hf_straddstr(&skiplines, " := ");
	{
		struct hf_str r = { 0 };

		hf_straddstr(&r, "kitty-specs/");
		showname(&r, name);
		hf_straddstr(&r, ": not a feature slug (");
		hf_straddstr(&r, why);
		hf_straddstr(&r, "); rename the directory");
		mkval(&skiplines, r.s);
		hf_strfree(&r);
	}
	hf_straddc(&skiplines, '\n');
	free(safe);
}

static char *
joinpath(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (n == 0 || (n == 1 && a[0] == '.'))
		return hf_strdup(b);
	return xasprintf("%s%s%s", a, a[n - 1] == '/' ? "" : "/", b);
}

static struct feat *
addfeat(const char *name, const char *fdpath, const char *dir)
{
	struct feat *f;

	feats = hf_reallocarray(feats, nfeats + 1, sizeof(*feats));
	f = &feats[nfeats++];
	memset(f, 0, sizeof(*f));
	f->name = hf_strdup(name);
	f->fdpath = hf_strdup(fdpath);
	f->dir = hf_strdup(dir);
	return f;
}

/* Every directory of REPO/kitty-specs, in bytewise order. */
static void
listall(const char *repo)
{
	char *ks = joinpath(repo, "kitty-specs"), *fd, *dir, **names = NULL;
	DIR *d;
	struct dirent *de;
	struct stat st;
	size_t n = 0, i;
	const char *why;

	if ((d = opendir(ks)) == NULL)
		badinput("REPO=%s holds no kitty-specs directory "
		    "(set REPO)", repo);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		fd = joinpath(ks, de->d_name);
		if (stat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			names = hf_reallocarray(names, n + 1, sizeof(*names));
			names[n++] = hf_strdup(de->d_name);
		}
		free(fd);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), hf_strpcmp);
	for (i = 0; i < n; i++) {
		if ((why = hf_badslug(names[i])) != NULL) {
			skip(names[i], why);
			free(names[i]);
			continue;
		}
		fd = joinpath(ks, names[i]);
		dir = xasprintf("kitty-specs/%s", names[i]);
		addfeat(names[i], fd, dir)->out = joinpath(fd, "handoff");
		free(fd);
		free(dir);
		free(names[i]);
	}
	free(names);
	free(ks);
}

/* The real path of p, or NULL. */
static char *
real(const char *p)
{
	char buf[PATH_MAX];

	return realpath(p, buf) != NULL ? hf_strdup(buf) : NULL;
}

/* The part of abs below base ("" for base itself), or NULL if outside. */
static const char *
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

static void
onefeature(const char *repo)
{
	const char *fdp = par[P_FDIR], *name = par[P_FEATURE], *why, *rel;
	char *fd = NULL, *fdabs, *dir, *b = NULL;
	struct feat *f;
	struct stat st;

	if (name == NULL && fdp == NULL)
		badinput("FEATURE is not set; set FEATURE to a "
		    "directory name under %s/kitty-specs", repo);
	/* The name is checked first: it is what the user typed. */
	if (name != NULL && (why = hf_badslug(name)) != NULL)
		badinput("FEATURE=%s is not a feature slug (%s); set FEATURE",
		    name, why);
	if (fdp == NULL) {
		b = xasprintf("kitty-specs/%s", name);
		fd = joinpath(repo, b);
		free(b);
		fdp = fd;
	}
	if (stat(fdp, &st) == -1 || !S_ISDIR(st.st_mode))
		badinput("FEATURE_DIR=%s is not a directory; set "
		    "FEATURE (or FEATURE_DIR)", fdp);
	fdabs = real(fdp);
	if (fdabs == NULL || (rel = below(fdabs, repoabs)) == NULL ||
	    *rel == '\0')
		badinput("FEATURE_DIR=%s is not inside REPO=%s; set "
		    "REPO", fdp, repo);
	dir = hf_strdup(rel);
	if (name == NULL) {
		name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
		if ((why = hf_badslug(name)) != NULL)
			badinput("FEATURE_DIR=%s: %s is not a feature "
			    "slug (%s); set FEATURE", fdp, name, why);
	}
	f = addfeat(name, fdp, dir);
	f->out = par[P_OUT] ? hf_strdup(par[P_OUT]) : joinpath(fdp, "handoff");
	free(fdabs);
	free(dir);
	free(fd);
}

/* The text of a top-level string member of JSON object o, or NULL. */
static char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? hf_strdup(v->valuestring) : NULL;
}

/* The mission a meta.json names, or NULL for spec-kitty's default. */
static char *
missionof(const char *text, size_t len)
{
	static const char *keys[] = { "mission", "mission_type",
	    "mission_key" };
	cJSON *j;
	char *m = NULL;
	size_t i;

	if (text == NULL || len > MAXMETA)
		return NULL;
	if ((j = cJSON_ParseWithLength(text, len)) == NULL)
		return NULL;
	for (i = 0; i < 3 && m == NULL; i++)
		m = jstr(j, keys[i]);
	cJSON_Delete(j);
	return m;
}

/*
 * The facts pinned in OUT's committed package: namespace.json, and the
 * times the other files were stamped with.
 */
/*
 * A package made into another OUT keeps the source commit of the one the
 * feature holds: FEATURE_DIR/handoff/namespace.json's, when OUT has none.
 * Returns 1 when it set f->sc.
 */
static int
stickysc(struct feat *f)
{
	struct hf_str s = { 0 };
	char *p, *o, *v = NULL;
	cJSON *j;

	p = joinpath(f->fdpath, "handoff/namespace.json");
	o = joinpath(f->out, "namespace.json");
	if (strcmp(p, o) != 0 && readfile(p, &s, MAXMETA) == 0 &&
	    (j = hf_json_parse(s.s, s.len, NULL)) != NULL) {
		v = jstr(j, "source_commit");
		cJSON_Delete(j);
	}
	free(p);
	free(o);
	hf_strfree(&s);
	if (v == NULL || hf_badcommit(v) != NULL) {
		free(v);
		return 0;
	}
	strcpy(f->sc, v);
	free(v);
	return 1;
}

static void
readpinned(struct feat *f)
{
	struct hf_str s = { 0 };
	char *p;
	cJSON *j, *ev;
	size_t i;

	p = joinpath(f->out, "namespace.json");
	if (readfile(p, &s, MAXMETA) == -1) {
		if (errno != ENOENT)
			ferr(f, "OUT=%s: namespace.json cannot be read (set "
			    "OUT)", f->out);
		free(p);
		hf_strfree(&s);
		return;
	}
	free(p);
	f->pinned = 1;
	if ((j = hf_json_parse(s.s, s.len, NULL)) == NULL ||
	    !cJSON_IsObject(j)) {
		ferr(f, "OUT=%s: namespace.json is not a JSON object; remove "
		    "it, or set OUT", f->out);
		cJSON_Delete(j);
		hf_strfree(&s);
		return;
	}
	f->p_sc = jstr(j, "source_commit");
	f->p_branch = jstr(j, "source_branch");
	f->p_scope = jstr(j, "project_scope_id");
	f->p_step = jstr(j, "step_id");
	f->p_mission = jstr(j, "mission_key");
	f->p_t_ns = jstr(j, "generated_at");
	cJSON_Delete(j);
	if (par[P_SC] == NULL && (f->p_sc == NULL || hf_badcommit(f->p_sc)))
		ferr(f, "OUT=%s: namespace.json's source_commit is not a "
		    "full commit id; set SOURCE_COMMIT", f->out);
	p = joinpath(f->out, "artifact-manifest.json");
	if (readfile(p, &s, (size_t)64 << 20) == 0 &&
	    (j = hf_json_parse(s.s, s.len, NULL)) != NULL) {
		f->p_t_man = jstr(j, "captured_at");
		cJSON_Delete(j);
	}
	free(p);
	p = joinpath(f->out, "artifact-tree.json");
	if (readfile(p, &s, (size_t)256 << 20) == 0 &&
	    (j = hf_json_parse(s.s, s.len, NULL)) != NULL) {
		f->p_t_tree = jstr(j, "captured_at");
		f->p_hastc = cJSON_GetObjectItemCaseSensitive(j,
		    "tree_commit") != NULL;
		cJSON_Delete(j);
	}
	free(p);
	/* A log of one bootstrap event: its time; else generated_at. */
	p = joinpath(f->out, "events.jsonl");
	if (readfile(p, &s, MAXMETA) == 0) {
		for (i = 0; i < s.len && s.s[i] != '\n'; i++)
			;
		if (i + 1 >= s.len &&
		    (j = hf_json_parse(s.s, i, NULL)) != NULL) {
			ev = cJSON_GetObjectItemCaseSensitive(j, "event_type");
			if (cJSON_IsString(ev) && strcmp(ev->valuestring,
			    "handoff_package_created") == 0)
				f->p_t_ev = jstr(j, "at");
			cJSON_Delete(j);
		}
	}
	free(p);
	if (f->p_t_ev == NULL && f->p_t_ns != NULL)
		f->p_t_ev = hf_strdup(f->p_t_ns);
	p = joinpath(f->out, "generate.sh");
	if (readfile(p, &s, MAXMETA) == 0) {
		hf_straddc(&s, '\0');
		if (strstr(s.s, "\n" HF_GENERATE_MARK) != NULL)
			for (i = 0; i < NGEN; i++)
				f->p_gen[i] = hf_shconst(s.s, s.len - 1,
				    genconst[i]);
	}
	free(p);
	hf_strfree(&s);
}

/* ---- git ---------------------------------------------------------------- */

static char *
nextline(char **p)
{
	char *l = *p, *nl;

	if (l == NULL || *l == '\0')
		return NULL;
	if ((nl = strchr(l, '\n')) != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else
		*p = l + strlen(l);
	return l;
}

/* One rev-parse: top, REPO's prefix, git dirs, shallowness, branch. */
static void
revparse(const char *repo)
{
	char *argv[] = { "git", "-C", (char *)repo, "rev-parse",
	    "--path-format=absolute", "--show-toplevel", "--show-prefix",
	    "--git-dir", "--git-common-dir", "--is-shallow-repository",
	    "--show-object-format", "--symbolic-full-name", "HEAD", NULL };
	struct hf_str s = { 0 };
	char *p, *l[7];
	int i;

	runout(argv, &s);
	p = s.s;
	for (i = 0; i < 7; i++)
		if ((l[i] = nextline(&p)) == NULL)
			break;
	if (i < 6 || *l[0] != '/') {
		hf_strfree(&s);
		return;
	}
	isgit = 1;
	top = hf_strdup(l[0]);
	prefix = hf_strdup(l[1]);
	gitdir = hf_strdup(l[2]);
	commondir = hf_strdup(l[3]);
	shallow = strcmp(l[4], "true") == 0;
	oidhex = strcmp(l[5], "sha256") == 0 ? 64 : 40;
	if (i == 7 && strncmp(l[6], "refs/heads/", 11) == 0)
		branch = hf_strdup(l[6] + 11);
	hf_strfree(&s);
}

/* The project scope: origin's last path component, else the top's name. */
static char *
scopeid(void)
{
	char *argv[] = { "git", "-C", top, "config", "--get",
	    "remote.origin.url", NULL };
	struct hf_str s = { 0 };
	char *u, *e, *r;
	size_t n;

	runout(argv, &s);
	u = s.s != NULL ? s.s : "";
	n = strcspn(u, "\n");
	u[n] = '\0';
	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	if (n > 4 && strcmp(u + n - 4, ".git") == 0)
		u[n -= 4] = '\0';
	if ((e = strrchr(u, '/')) != NULL)
		u = e + 1;
	if ((e = strrchr(u, ':')) != NULL)
		u = e + 1;
	if (*u == '\0')
		u = strrchr(top, '/') ? strrchr(top, '/') + 1 : top;
	r = hf_strdup(u);
	hf_strfree(&s);
	return r;
}

/* The committer time of a raw commit object, or -1. */
static long long
committime(const struct obj *o)
{
	const char *p = o->data, *end, *gt;

	if (p == NULL)
		return -1;
	end = p + o->len;
	while (p < end && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			break;
		if (strncmp(p, "committer ", 10) == 0) {
			for (gt = nl; gt > p && *gt != '>'; gt--)
				;
			return strtoll(gt + 1, NULL, 10);
		}
		p = nl + 1;
	}
	return -1;
}

/*
 * The k-th path, relative to the top, where feature f's manifest may lie
 * (a MANIFEST given in the work tree, or MANIFEST_PATH's), or NULL past
 * the last.
 */
static char *
manspec(const struct feat *f, size_t k)
{
	if (par[P_MANIFEST] != NULL)
		return k == 0 && f->manfile != NULL ? hf_strdup(f->manfile) :
		    NULL;
	if (k >= nmpath)
		return NULL;
	return xasprintf("%s%s/%s/%s", prefix, mpath[k], f->mission,
	    MANIFEST_NAME);
}

/*
 * The questions the log answers: for each feature the last commit that
 * touched its directory outside handoff/, and its event log; for each
 * mission whose source commit is the log's to find, the last commit that
 * touched its manifest under any directory of MANIFEST_PATH (or the
 * MANIFEST file).  All in one walk from HEAD, which ends as soon as every
 * question has its answer.
 */
struct q {
	char	*path;		/* relative to top, a file or a directory */
	int	 dir;		/* answers names below it, handoff/ aside */
	int	 need;		/* the walk goes on until it is answered */
	char	 oid[65];
	long long t;
	unsigned long seq;	/* where in the walk: lower is newer */
	int	 graft;
	unsigned hits;		/* of the commit read: its blocks naming it */
	unsigned block;		/* the last of them */
};

/* The commit git log is telling of. */
struct logc {
	char	 oid[65];
	long long t;
	unsigned long seq;
	unsigned parents, block;
	int	 graft;
};

/*
 * The commit c is read whole: it touched each question's path that it
 * named in the diff against every one of its parents.
 */
static void
settle(struct q *qs, size_t nq, const struct logc *c, size_t *open)
{
	size_t i;

	for (i = 0; i < nq; i++) {
		if (qs[i].oid[0] == '\0' && c->oid[0] != '\0' &&
		    qs[i].hits >= (c->parents > 1 ? c->parents : 1)) {
			strcpy(qs[i].oid, c->oid);
			qs[i].t = c->t;
			qs[i].seq = c->seq;
			qs[i].graft = c->graft;
			*open -= qs[i].need;
		}
		qs[i].hits = 0;
		qs[i].block = 0;
	}
}

static void
gitlog(void)
{
	struct q *qs = NULL;
	size_t nq = 0, open, i, k, argc = 0, nfixed;
	char **argv;
	struct proc p;
	struct hf_str s = { 0 };
	size_t rpos = 0;
	char *rec, *end, *name, *ds;
	struct logc c = { 0 };
	int stop = 0;
	ssize_t n;
	char *mp;

	for (i = 0; i < nfeats; i++) {
		struct feat *f = &feats[i];

		if (f->err != NULL || f->tree.data == NULL)
			continue;
		qs = hf_reallocarray(qs, nq + 2 + nmpath, sizeof(*qs));
		memset(&qs[nq], 0, sizeof(*qs));
		qs[nq].path = xasprintf("%s%s/", prefix, f->dir);
		qs[nq].need = 1;
		qs[nq++].dir = 1;
		if (f->ev[0] != '\0') {
			memset(&qs[nq], 0, sizeof(*qs));
			qs[nq].need = 1;
			qs[nq++].path = xasprintf("%s%s/status.events.jsonl",
			    prefix, f->dir);
		}
		if (!f->needsc)
			continue;
		for (k = 0; (mp = manspec(f, k)) != NULL; k++) {
			for (open = 0; open < nq; open++)
				if (strcmp(qs[open].path, mp) == 0)
					break;
			if (open < nq) {
				free(mp);
			} else {
				memset(&qs[nq], 0, sizeof(*qs));
				qs[nq++].path = mp;
			}
		}
	}
	if (nq == 0)
		return;
	argv = hf_calloc(2 * nq + 16, sizeof(*argv));
	argv[argc++] = "git";
	argv[argc++] = "-C";
	argv[argc++] = top;
	argv[argc++] = "log";
	argv[argc++] = "--format=%x01%H %ct%x02%P%x02%D";
	argv[argc++] = "--name-only";
	argv[argc++] = "-m";
	argv[argc++] = "-z";
	argv[argc++] = "--no-renames";
	argv[argc++] = "HEAD";
	argv[argc++] = "--";
	nfixed = argc;
	/*
	 * Directories are given whole and handoff/ is left out of the names
	 * read: an exclude pathspec per feature makes git's walk several
	 * times slower.  With -a, kitty-specs/ stands for all of them.  An
	 * event log (a question the walk needs answered) lies in its
	 * feature's directory; the manifests are asked for by name.
	 */
	if (allmode)
		argv[argc++] = xasprintf(":(literal)%skitty-specs", prefix);
	for (i = 0; i < nq; i++) {
		char *pp = hf_strdup(qs[i].path);

		if (qs[i].dir) {
			pp[strlen(pp) - 1] = '\0';
			if (!allmode)
				argv[argc++] = xasprintf(":(literal)%s", pp);
		} else if (!qs[i].need)
			argv[argc++] = xasprintf(":(literal)%s", pp);
		free(pp);
	}
	spawn(&p, argv, 0, 0);
	/*
	 * A manifest found after its feature's tree commit is older than it,
	 * so only the trees and event logs keep the walk going.
	 */
	for (i = 0, open = 0; i < nq; i++)
		open += qs[i].need;
	/*
	 * Records: \001 "H ct" \002 "P" \002 "D" NUL LF, then the names,
	 * each ending in NUL.  A merge comes once for each parent it differs
	 * from (-m), and touched a path, as git log -- PATH counts it, only
	 * when it differs there from every parent.
	 */
	while (!stop) {
		hf_strreserve(&s, 65536);
		n = read(p.out, s.s + s.len, s.cap - s.len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			hf_dieio("read from git log");
		if (n == 0) {
			settle(qs, nq, &c, &open);
			break;
		}
		s.len += (size_t)n;
		for (;;) {
			rec = s.s + rpos;
			end = memchr(rec, '\0', s.len - rpos);
			if (end == NULL)
				break;
			rpos = (size_t)(end - s.s) + 1;
			if (*rec == '\001') {
				rec++;
				if ((size_t)(end - rec) < (size_t)oidhex + 4 ||
				    rec[oidhex] != ' ')
					hf_die(HF_EUSAGE, "git log: "
					    "unexpected output");
				if (strncmp(rec, c.oid, (size_t)oidhex) != 0) {
					settle(qs, nq, &c, &open);
					if (open == 0)
						break;
					memcpy(c.oid, rec, (size_t)oidhex);
					c.oid[oidhex] = '\0';
					c.t = strtoll(rec + oidhex + 1, &ds, 10);
					c.parents = 0;
					for (ds++; *ds != '\002' && *ds != '\0';
					    ds++)
						if (ds[-1] == '\002' ||
						    ds[-1] == ' ')
							c.parents++;
					c.graft = strstr(ds, "grafted") != NULL;
					c.seq++;
					c.block = 0;
				}
				c.block++;
				continue;
			}
			name = rec;
			if (*name == '\n')
				name++;
			if (c.oid[0] == '\0' || *name == '\0')
				continue;
			for (i = 0; i < nq; i++) {
				size_t pl = strlen(qs[i].path);

				if (qs[i].oid[0] != '\0' ||
				    qs[i].block == c.block)
					continue;
				if (qs[i].dir ? strncmp(name, qs[i].path, pl)
				    != 0 || strncmp(name + pl, "handoff/", 8)
				    == 0 : strcmp(name, qs[i].path) != 0)
					continue;
				qs[i].block = c.block;
				qs[i].hits++;
			}
		}
		if (open == 0)
			stop = 1;
		/* Keep the buffer small: drop what was read. */
		if (rpos > 0 && rpos == s.len) {
			s.len = 0;
			rpos = 0;
		} else if (rpos > (size_t)1 << 20) {
			memmove(s.s, s.s + rpos, s.len - rpos);
			s.len -= rpos;
			rpos = 0;
		}
	}
	close(p.out);
	if (reap(p.pid) != 0 && !stop)
		hf_die(HF_EUSAGE, "git log failed in %s", top);
	/* The answers, feature by feature. */
	for (i = 0; i < nfeats; i++) {
		struct feat *f = &feats[i];

		if (f->err != NULL || f->tree.data == NULL)
			continue;
		for (k = 0; k < nq; k++) {
			char *want;
			struct q *q = &qs[k];

			want = xasprintf("%s%s/", prefix, f->dir);
			if (q->dir && strcmp(q->path, want) == 0) {
				strcpy(f->tc, q->oid);
				f->tct = q->t;
				f->tcgraft = q->graft;
				f->tcseq = q->seq;
			}
			free(want);
			want = xasprintf("%s%s/status.events.jsonl", prefix,
			    f->dir);
			if (!q->dir && strcmp(q->path, want) == 0) {
				strcpy(f->evc, q->oid);
				f->evct = q->t;
				f->evgraft = q->graft;
			}
			free(want);
		}
	}
	/* The source commit: the newer of the tree's and the manifest's. */
	for (i = 0; i < nfeats; i++) {
		struct feat *f = &feats[i];
		struct q *m = NULL;

		if (f->err != NULL || f->tree.data == NULL || !f->needsc)
			continue;
		for (k = 0; k < nq; k++) {
			size_t j;

			for (j = 0; (mp = manspec(f, j)) != NULL; j++) {
				if (strcmp(qs[k].path, mp) == 0 &&
				    qs[k].oid[0] != '\0' && (m == NULL ||
				    qs[k].seq < m->seq))
					m = &qs[k];
				free(mp);
			}
		}
		strcpy(f->sc, f->tc);
		f->sct = f->tct;
		f->scgraft = f->tcgraft;
		if (m != NULL && (f->tc[0] == '\0' || m->seq < f->tcseq)) {
			strcpy(f->sc, m->oid);
			f->sct = m->t;
			f->scgraft = m->graft;
		}
		if (f->pinsc[0] != '\0')
			strcpy(f->sc, f->pinsc);
	}
	for (i = 0; i < nq; i++)
		free(qs[i].path);
	free(qs);
	for (i = nfixed; i < argc; i++)
		free(argv[i]);
	free(argv);
	hf_strfree(&s);
}

/* ---- outside git ------------------------------------------------------ */

/* The files below dir (handoff/ at the top left out), NUL-separated. */
static void
walkfiles(const char *base, const char *rel, struct hf_str *list,
    long long *newest, int depth)
{
	char *path = *rel ? joinpath(base, rel) : hf_strdup(base), *r;
	DIR *d;
	struct dirent *de;
	struct stat st;

	if (depth > 64 || (d = opendir(path)) == NULL) {
		free(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (*rel == '\0' && strcmp(de->d_name, "handoff") == 0))
			continue;
		r = *rel ? joinpath(rel, de->d_name) : hf_strdup(de->d_name);
		{
			char *full = joinpath(base, r);

			if (lstat(full, &st) == 0) {
				if (S_ISDIR(st.st_mode))
					walkfiles(base, r, list, newest,
					    depth + 1);
				else if (S_ISREG(st.st_mode) ||
				    S_ISLNK(st.st_mode)) {
					hf_stradd(list, r, strlen(r) + 1);
					if (st.st_mtime > *newest)
						*newest = st.st_mtime;
				}
			}
			free(full);
		}
		free(r);
	}
	closedir(d);
	free(path);
}

static long long
mtimeof(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (long long)st.st_mtime : -1;
}

static void
probefiles(struct feat *f, const char *repo)
{
	struct hf_str s = { 0 }, list = { 0 };
	char *p;
	size_t k;

	if (par[P_SC] == NULL && f->p_sc == NULL)
		ferr(f, "REPO=%s is not in a git work tree; set SOURCE_COMMIT "
		    "to the full id of the commit it was exported from", repo);
	if (par[P_BRANCH] == NULL && f->p_branch == NULL)
		ferr(f, "REPO=%s is not in a git work tree; set SOURCE_BRANCH "
		    "(and SOURCE_COMMIT) to what it was exported from", repo);
	if (f->err != NULL)
		return;
	strcpy(f->sc, par[P_SC] ? par[P_SC] : f->p_sc);
	p = joinpath(f->fdpath, "meta.json");
	f->mission = par[P_MISSION] ? hf_strdup(par[P_MISSION]) :
	    readfile(p, &s, MAXMETA) == 0 ? missionof(s.s, s.len) : NULL;
	free(p);
	if (f->mission == NULL)
		f->mission = hf_strdup("software-dev");
	if (hf_badmission(f->mission) != NULL) {
		ferr(f, "%s/meta.json names the mission '%s', which is not a "
		    "mission name; set MISSION", f->dir, f->mission);
		hf_strfree(&s);
		return;
	}
	if (f->manfile == NULL) {
		for (k = 0; k < nmpath && f->manfile == NULL; k++) {
			p = xasprintf("%s/%s/%s", mpath[k], f->mission,
			    MANIFEST_NAME);
			f->manfile = joinpath(repo, p);
			free(p);
			if (mtimeof(f->manfile) == -1) {
				free(f->manfile);
				f->manfile = NULL;
			}
		}
		if (f->manfile == NULL) {
			ferr(f, "unknown mission %s: no %s/%s/%s under REPO=%s; "
			    "set MISSION, or MANIFEST", f->mission, mpath[0],
			    f->mission, MANIFEST_NAME, repo);
			hf_strfree(&s);
			return;
		}
	}
	if (readfile(f->manfile, &s, (size_t)64 << 20) == -1) {
		ferr(f, "MANIFEST=%s cannot be read (set MANIFEST)",
		    f->manfile);
		hf_strfree(&s);
		return;
	}
	f->man.data = hf_strndup(s.s, s.len);
	f->man.len = s.len;
	f->sct = mtimeof(f->manfile);
	f->tct = 0;
	walkfiles(f->fdpath, "", &list, &f->tct, 0);
	f->files = list.s ? list.s : hf_strdup("");
	f->fileslen = list.len;
	p = joinpath(f->fdpath, "status.events.jsonl");
	f->evct = mtimeof(p);
	if (f->evct != -1)
		strcpy(f->ev, "file");
	free(p);
	p = joinpath(f->fdpath, "versions");
	if (mtimeof(p) != -1)
		strcpy(f->pins, "file");
	free(p);
	hf_strfree(&s);
}

/* ---- the answers -------------------------------------------------------- */

static void
shallowerr(struct feat *f, const char *oid)
{
	ferr(f, "%s: the history it needs is cut off at the shallow "
	    "boundary %s; fetch it (git fetch --unshallow, or fetch-depth: 0 "
	    "in CI), or set SOURCE_COMMIT", f->dir, oid);
}

static void *
logthread(void *arg)
{
	(void)arg;
	gitlog();
	return NULL;
}

/*
 * Whether BUILD/F/in/ holds the inputs of f's tree as it is at HEAD: the
 * id of the tree they were written from is in tree.id, so a feature that
 * did not change costs no reading of its files.
 */
static int
uptodate(struct feat *f)
{
	struct hf_str s = { 0 };
	char *p;
	int ok;

	p = xasprintf("%s/in/tree.id", f->build);
	ok = readfile(p, &s, 128) == 0 && s.len == strlen(f->tree.oid) + 1 &&
	    memcmp(s.s, f->tree.oid, s.len - 1) == 0;
	free(p);
	hf_strfree(&s);
	p = xasprintf("%s/in/tree", f->build);
	ok = ok && mtimeof(p) != -1;
	free(p);
	p = xasprintf("%s/in/events.jsonl", f->build);
	ok = ok && (f->ev[0] == '\0' || mtimeof(p) != -1);
	free(p);
	p = xasprintf("%s/in/versions", f->build);
	ok = ok && (f->pins[0] == '\0' || mtimeof(p) != -1);
	free(p);
	return ok;
}

/* The git side: every object of every feature, then the log. */
static void
probegit(const char *repo)
{
	char *argv[] = { "git", "-C", top, "cat-file", "--batch-command",
	    "--buffer", NULL };
	struct obj *ans;
	size_t i, k, n;
	char *name;
	pthread_t logth;
	int e;

	spawn(&cat, argv, 1, 0);
	/* The HEAD commit, each feature's tree, each pinned commit. */
	catask("contents", "HEAD");
	for (i = 0; i < nfeats; i++) {
		name = xasprintf("HEAD:%s%s", prefix, feats[i].dir);
		catask("contents", name);
		free(name);
		catask("contents", feats[i].sc[0] ? feats[i].sc : "HEAD");
		catask("contents", feats[i].p_sc && !hf_badcommit(feats[i].p_sc) ?
		    feats[i].p_sc : "HEAD");
	}
	ans = hf_calloc(catn, sizeof(*ans));
	catflush(ans);
	if (ans[0].data == NULL || strcmp(ans[0].type, "commit") != 0)
		badinput("REPO=%s: no commit at HEAD; commit the "
		    "feature first (or set REPO)", repo);
	strcpy(headoid, ans[0].oid);
	for (i = 0; i < nfeats; i++) {
		struct feat *f = &feats[i];
		struct obj *t = &ans[1 + 3 * i], *sc = t + 1, *psc = t + 2;

		if (t->data == NULL || strcmp(t->type, "tree") != 0)
			ferr(f, "FEATURE_DIR=%s is not committed at HEAD; "
			    "commit it (or set FEATURE)", f->dir);
		else
			f->tree = *t;
		if (f->sc[0] != '\0') {
			if (sc->data == NULL && shallow)
				ferr(f, "SOURCE_COMMIT=%s is not in this "
				    "shallow clone; fetch the history (git "
				    "fetch --unshallow, or fetch-depth: 0 in "
				    "CI)", f->sc);
			else if (sc->data == NULL && par[P_MANIFEST] != NULL) {
				strcpy(f->pinsc, f->sc);
				f->needsc = 1;
			} else if (sc->data == NULL)
				ferr(f, "SOURCE_COMMIT=%s is not in this "
				    "repository; fetch it, set SOURCE_COMMIT "
				    "to re-pin, or set MANIFEST to the "
				    "manifest file", f->sc);
			else if (strcmp(sc->type, "commit") != 0)
				ferr(f, "SOURCE_COMMIT=%s is not a commit "
				    "(set SOURCE_COMMIT)", f->sc);
			else
				f->sct = committime(sc);
		}
		f->pscobj = *psc;
	}
	free(ans);
	for (i = 0; i < nfeats; i++) {
		struct feat *f = &feats[i];

		if (f->tree.data == NULL)
			continue;
		toplevel(&f->tree, "meta.json", f->meta);
		toplevel(&f->tree, "status.events.jsonl", f->ev);
		toplevel(&f->tree, "versions", f->pins);
		f->cached = uptodate(f);
		if (f->meta[0] != '\0' && addobj(f->meta))
			catask("contents", f->meta);
	}
	ans = hf_calloc(catn + 1, sizeof(*ans));
	n = nobjs - catn;
	catflush(ans);
	for (k = n; k < nobjs; k++)
		objs[k].o = ans[k - n];
	free(ans);
	for (i = 0; i < nfeats; i++) {
		struct feat *f = &feats[i];
		struct obj *b;

		if (f->tree.data == NULL)
			continue;
		b = f->meta[0] ? findobj(f->meta) : NULL;
		b = b != NULL && b->data != NULL ? b : NULL;
		f->mission = par[P_MISSION] ? hf_strdup(par[P_MISSION]) :
		    b ? missionof(b->data, b->len) : NULL;
		if (f->mission == NULL)
			f->mission = hf_strdup("software-dev");
		if (hf_badmission(f->mission) != NULL)
			ferr(f, "%s/meta.json names the mission '%s', which "
			    "is not a mission name; set MISSION", f->dir,
			    f->mission);
	}
	/*
	 * The log walks the history while cat-file reads the trees: the two
	 * largest pieces of work, side by side.
	 */
	if ((e = pthread_create(&logth, NULL, logthread, NULL)) != 0) {
		errno = e;
		hf_dieio("pthread_create");
	}
	fetchtrees();
	if ((e = pthread_join(logth, NULL)) != 0) {
		errno = e;
		hf_dieio("pthread_join");
	}
	/* What the log found, and the manifest at each source commit. */
	for (i = 0; i < nfeats; i++) {
		struct feat *f = &feats[i];

		if (f->err != NULL)
			continue;
		if (f->tc[0] == '\0')
			ferr(f, "FEATURE_DIR=%s has no committed file outside "
			    "handoff/ (set FEATURE)", f->dir);
		else if (f->tcgraft)
			shallowerr(f, f->tc);
		else if (f->needsc && f->scgraft)
			shallowerr(f, f->sc);
		else if (f->ev[0] && f->evgraft)
			shallowerr(f, f->evc);
		if (f->err != NULL || par[P_MANIFEST] != NULL)
			continue;
		for (k = 0; k < nmpath; k++) {
			name = xasprintf("%s:%s%s/%s/%s", f->sc, prefix,
			    mpath[k], f->mission, MANIFEST_NAME);
			catask("contents", name);
			free(name);
			name = xasprintf("HEAD:%s%s/%s/%s", prefix, mpath[k],
			    f->mission, MANIFEST_NAME);
			catask("info", name);
			free(name);
			/*
			 * The replay is of the feature as it is now, at the
			 * commit the package pins: a mission changed since is
			 * a difference check names, so it reads the manifest
			 * of today's mission.  A pinned commit not here has no
			 * manifest.
			 */
			name = xasprintf("%s:%s%s/%s/%s", f->pscobj.data ?
			    f->p_sc : "0000000000000000000000000000000000000000",
			    prefix, mpath[k], f->mission, MANIFEST_NAME);
			catask("contents", name);
			free(name);
		}
	}
	n = catn;
	ans = hf_calloc(n + 1, sizeof(*ans));
	catflush(ans);
	close(cat.in);
	close(cat.out);
	reap(cat.pid);
	for (i = 0, n = 0; i < nfeats; i++) {
		struct feat *f = &feats[i];

		if (f->err != NULL || par[P_MANIFEST] != NULL)
			continue;
		for (k = 0; k < nmpath; k++, n += 3) {
			if (f->man.data == NULL && ans[n].data != NULL &&
			    strcmp(ans[n].type, "blob") == 0) {
				f->man = ans[n];
			}
			if (ans[n + 1].data != NULL)
				f->manathead = 1;
			if (f->pman.data == NULL && ans[n + 2].data != NULL &&
			    strcmp(ans[n + 2].type, "blob") == 0)
				f->pman = ans[n + 2];
		}
		if (f->man.data != NULL)
			continue;
		if (f->manathead)
			ferr(f, "no %s/%s/%s at SOURCE_COMMIT=%s; set "
			    "SOURCE_COMMIT, or MANIFEST to the manifest file",
			    mpath[0], f->mission, MANIFEST_NAME, f->sc);
		else
			ferr(f, "unknown mission %s: no %s/%s/%s in any "
			    "directory of MANIFEST_PATH; set MISSION (or "
			    "MANIFEST)", f->mission, mpath[0], f->mission,
			    MANIFEST_NAME);
	}
	free(ans);
}

/* ---- writing ------------------------------------------------------------ */

static void
putin(struct feat *f, const char *name, const char *data, size_t len,
    const char *var)
{
	char *p = xasprintf("%s/in/%s", f->build, name);

	putfile(p, data, len);
	if (var != NULL)
		mkset(f->name, var, p);
	free(p);
}

/*
 * The top-level file name of the feature, the blob oid in git ("file"
 * outside), copied to BUILD/F/in/inname and named by variable var; an
 * empty oid is no such file, and var is set empty.
 */
static void
copyin(struct feat *f, const char *oid, const char *name,
    const char *inname, const char *var)
{
	struct obj *b;
	struct hf_str s = { 0 };
	char *p;

	if (*oid == '\0') {
		mkset(f->name, var, "");
		return;
	}
	if (isgit) {
		if ((b = findobj(oid)) == NULL)
			hf_die(HF_EUSAGE, "git cat-file: blob %s not read", oid);
		putin(f, inname, b->data, b->len, var);
		return;
	}
	p = joinpath(f->fdpath, name);
	if (readfile(p, &s, (size_t)1 << 30) == -1)
		hf_dieio("%s", p);
	free(p);
	putin(f, inname, s.s ? s.s : "", s.len, var);
	hf_strfree(&s);
}

static void
writefeature(struct feat *f, const char *scope, const char *sde)
{
	struct hf_str st = { 0 }, pre = { 0 };
	char *p;
	size_t i;
	int lock;
	long long tman, ttree, tev, tns;
	const char *br;

	const char *why;

	if (f->err == NULL && (why = hf_badscope(scope)) != NULL)
		ferr(f, "cannot use '%s' as the project scope id (%s); set "
		    "PROJECT_SCOPE_ID", scope, why);
	br = par[P_BRANCH] ? par[P_BRANCH] : branch ? branch : f->p_branch;
	if (f->err == NULL && br == NULL)
		ferr(f, "HEAD is detached; set SOURCE_BRANCH to the branch "
		    "this package is for");
	else if (f->err == NULL && (why = hf_badbranch(br)) != NULL)
		ferr(f, "branch '%s' is not usable (%s); set SOURCE_BRANCH",
		    br, why);
	if (f->err != NULL) {
		mkset(f->name, "error", f->err);
		return;
	}
	/* The directories handoff.mk builds and stamps into. */
	for (i = 0; i < sizeof(subdirs) / sizeof(*subdirs); i++) {
		p = xasprintf("%s/%s", f->build, subdirs[i]);
		mkdirs(p);
		free(p);
	}
	p = xasprintf("%s/lock", f->build);
	if ((lock = open(p, O_RDWR | O_CREAT, 0666)) == -1)
		hf_dieio("%s", p);
	while (flock(lock, LOCK_EX) == -1)
		if (errno != EINTR)
			hf_dieio("%s", p);
	free(p);
	mkset(f->name, "dir", f->dir);
	mkset(f->name, "out", f->out);
	mkset(f->name, "sc", f->sc);
	mkset(f->name, "branch", br);
	mkset(f->name, "scope", scope);
	mkset(f->name, "mission", f->mission);
	mkset(f->name, "tree_commit", isgit ? f->tc : "");
	tman = f->sct;
	ttree = f->tct;
	tev = f->ev[0] ? f->evct : tman;
	if (sde != NULL)
		tman = ttree = tev = strtoll(sde, NULL, 10);
	tns = tman > ttree ? tman : ttree;
	tns = tev > tns ? tev : tns;
	mktime_(f->name, "t_man", tman);
	mktime_(f->name, "t_tree", ttree);
	mktime_(f->name, "t_ev", tev);
	mktime_(f->name, "t_ns", tns);
	if (par[P_MANIFEST] != NULL) {
		mkset(f->name, "manifest", par[P_MANIFEST]);
		{
			char *a = real(par[P_MANIFEST]);
			const char *r = a ? below(a, repoabs) : NULL;

			mkset(f->name, "manifest_rel", r ? r : par[P_MANIFEST]);
			free(a);
		}
	} else {
		putin(f, "manifest.yaml", f->man.data, f->man.len, "manifest");
		mkset(f->name, "manifest_rel", "");
	}
	if (f->cached) {
		/* The tree is as when these were written. */
		p = xasprintf("%s/in/", f->build);
		mkset2(f->name, "tree", p, "tree");
		mkset(f->name, "files", "");
		mkset2(f->name, "events", f->ev[0] ? p : "", "events.jsonl");
		mkset2(f->name, "pins", f->pins[0] ? p : "", "versions");
		free(p);
	} else if (isgit) {
		emittree(&st, &f->tree, &pre);
		putin(f, "tree", st.s ? st.s : "", st.len, "tree");
		mkset(f->name, "files", "");
		copyin(f, f->ev, "status.events.jsonl", "events.jsonl",
		    "events");
		copyin(f, f->pins, "versions", "versions", "pins");
		p = xasprintf("%s\n", f->tree.oid);
		putin(f, "tree.id", p, strlen(p), NULL);
		free(p);
	} else {
		mkset(f->name, "tree", "");
		putin(f, "files", f->files, f->fileslen, "files");
		copyin(f, f->ev, "status.events.jsonl", "events.jsonl",
		    "events");
		copyin(f, f->pins, "versions", "versions", "pins");
	}
	if (f->pinned) {
		mkset(f->name, "p_sc", f->p_sc);
		mkset(f->name, "p_branch", f->p_branch);
		mkset(f->name, "p_scope", f->p_scope);
		mkset(f->name, "p_step", f->p_step);
		mkset(f->name, "p_mission", f->p_mission);
		mkset(f->name, "p_t_man", f->p_t_man);
		mkset(f->name, "p_t_tree", f->p_t_tree);
		mkset(f->name, "p_t_ns", f->p_t_ns);
		mkset(f->name, "p_t_ev", f->p_t_ev);
		mkset(f->name, "p_tree_commit", f->p_hastc && isgit ? f->tc :
		    "");
		for (i = 0; i < NGEN; i++)
			mkset(f->name, genfact[i], f->p_gen[i] ? f->p_gen[i] :
			    "");
		if (par[P_MANIFEST] != NULL)
			mkset(f->name, "p_manifest", par[P_MANIFEST]);
		else if (f->p_gen[4] != NULL && *f->p_gen[4] != '\0') {
			/* The package was made from a manifest file. */
			p = joinpath(par[P_REPO] ? par[P_REPO] : ".",
			    f->p_gen[4]);
			mkset(f->name, "p_manifest", p);
			free(p);
		} else if (!isgit || (f->pman.data != NULL &&
		    f->pman.len == f->man.len &&
		    memcmp(f->pman.data, f->man.data, f->man.len) == 0)) {
			p = xasprintf("%s/in/manifest.yaml", f->build);
			mkset(f->name, "p_manifest", p);
			free(p);
		} else if (f->pman.data != NULL)
			putin(f, "p_manifest.yaml", f->pman.data, f->pman.len,
			    "p_manifest");
		else
			mkset(f->name, "p_manifest", "");
	}
	close(lock);
	hf_strfree(&st);
	hf_strfree(&pre);
}

/*
 * A file to watch, when it exists, as a prerequisite of make's: blanks
 * in its name are escaped with a backslash.
 */
static void
watch(struct hf_str *w, const char *dir, const char *name)
{
	char *p = name ? joinpath(dir, name) : hf_strdup(dir);
	const char *q;

	if (mtimeof(p) != -1) {
		hf_straddc(w, ' ');
		for (q = p; *q != '\0'; q++) {
			if (*q == ' ' || *q == '\t')
				hf_straddc(w, '\\');
			hf_straddc(w, *q);
		}
	}
	free(p);
}

/* Stop unless parameter k, when set, passes its validator. */
static void
checkpar(int k, const char *(*bad)(const char *), const char *what)
{
	const char *why;

	if (par[k] != NULL && (why = bad(par[k])) != NULL)
		badinput("%s=%s is not %s (%s); set %s", pnames[k],
		    par[k], what, why, pnames[k]);
}

int
main(int argc, char *argv[])
{
	const char *out = NULL, *build = NULL, *repo, *sde;
	char *scope = NULL, *v, *mp, *tok, *br;
	static char *manrel;
	struct hf_str manbuf = { 0 };
	struct hf_str w = { 0 };
	int c, all = 0, i, k;
	size_t j;

	hf_setprogname(argv[0]);
	/* A git that ends early is an error said in words, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	while ((c = getopt(argc, argv, "o:B:ah")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'B':
			build = optarg;
			break;
		case 'a':
			all = allmode = 1;
			break;
		case 'h':
			usage(HF_OK);
		default:
			usage(HF_EUSAGE);
		}
	}
	if (out == NULL || build == NULL)
		usage(HF_EUSAGE);
	/* BUILD is made on the first run; make cannot make it without a process. */
	mkdirs(build);
	if ((v = strrchr(out, '/')) != NULL) {
		v = hf_strndup(out, (size_t)(v - out));
		mkdirs(v);
		free(v);
	}
	hf_setoutput(out);
	for (i = optind; i < argc; i++) {
		if ((v = strchr(argv[i], '=')) == NULL)
			usage(HF_EUSAGE);
		for (k = 0; k < NPARAM; k++)
			if (strncmp(argv[i], pnames[k], (size_t)(v - argv[i]))
			    == 0 && pnames[k][v - argv[i]] == '\0')
				break;
		if (k == NPARAM)
			hf_die(HF_EUSAGE, "%.*s: unknown parameter",
			    (int)(v - argv[i]), argv[i]);
		par[k] = v[1] != '\0' ? v + 1 : NULL;
	}
	repo = par[P_REPO] ? par[P_REPO] : ".";
	if ((sde = par[P_SDE]) != NULL && (strspn(sde, "0123456789") !=
	    strlen(sde) || strlen(sde) > 11))
		badinput("SOURCE_DATE_EPOCH=%s is not a number of "
		    "seconds", sde);
	checkpar(P_SC, hf_badcommit, "a full commit id");
	checkpar(P_MISSION, hf_badmission, "a mission name");
	checkpar(P_SCOPE, hf_badscope, "a scope id");
	checkpar(P_BRANCH, hf_badbranch, "a branch name");
	if (par[P_MANIFEST] && mtimeof(par[P_MANIFEST]) == -1)
		badinput("MANIFEST=%s: no such file (set MANIFEST)",
		    par[P_MANIFEST]);
	if ((repoabs = real(repo)) == NULL || mtimeof(repo) == -1)
		badinput("REPO=%s: no such directory (set REPO)", repo);
	mp = hf_strdup(par[P_MPATH] ? par[P_MPATH] : DEFAULT_MPATH);
	for (v = mp; (tok = strsep(&v, " \t")) != NULL;)
		if (*tok != '\0' && nmpath < sizeof(mpath) / sizeof(*mpath))
			mpath[nmpath++] = tok;
	if (nmpath == 0)
		badinput("MANIFEST_PATH is empty; set MANIFEST_PATH");
	revparse(repo);
	if (par[P_MANIFEST] != NULL && isgit) {
		/*
		 * A manifest in the work tree is one more input whose last
		 * commit the source commit follows.
		 */
		if ((v = real(par[P_MANIFEST])) != NULL &&
		    below(v, top) != NULL)
			manrel = hf_strdup(below(v, top));
		free(v);
		if (readfile(par[P_MANIFEST], &manbuf, (size_t)64 << 20) == -1)
			badinput("MANIFEST=%s cannot be read (set "
			    "MANIFEST)", par[P_MANIFEST]);
	}
	if (all)
		listall(repo);
	else
		onefeature(repo);
	for (j = 0; j < nfeats; j++) {
		struct feat *f = &feats[j];

		f->build = joinpath(build, f->name);
		readpinned(f);
		if (par[P_SC])
			strcpy(f->sc, par[P_SC]);
		else if (f->p_sc && !hf_badcommit(f->p_sc))
			strcpy(f->sc, f->p_sc);
		else if (!stickysc(f))
			f->needsc = 1;
		if (par[P_MANIFEST] != NULL) {
			f->manfile = isgit ? (manrel ? hf_strdup(manrel) :
			    NULL) : hf_strdup(par[P_MANIFEST]);
			f->man.data = manbuf.s;
			f->man.len = manbuf.len;
		}
	}
	if (isgit) {
		probegit(repo);
		scope = par[P_SCOPE] ? hf_strdup(par[P_SCOPE]) : scopeid();
	} else {
		for (j = 0; j < nfeats; j++)
			probefiles(&feats[j], repo);
		v = strrchr(repoabs, '/');
		scope = hf_strdup(par[P_SCOPE] ? par[P_SCOPE] :
		    v && v[1] ? v + 1 : repoabs);
	}
	hf_straddstr(&facts, "HF_FACTS_KEY := ");
	mkval(&facts, par[P_KEY]);
	hf_straddstr(&facts, "\nHF_HEAD := ");
	mkval(&facts, isgit ? headoid : "");
	hf_straddstr(&facts, "\nHF_FEATURES :=");
	for (j = 0; j < nfeats; j++) {
		hf_straddc(&facts, ' ');
		hf_straddstr(&facts, feats[j].name);
	}
	hf_straddstr(&facts, "\nHF_SKIPPED :=");
	if (skipped.len)
		hf_stradd(&facts, skipped.s, skipped.len);
	hf_straddc(&facts, '\n');
	if (skiplines.len)
		hf_stradd(&facts, skiplines.s, skiplines.len);
	if (isgit) {
		watch(&w, gitdir, "HEAD");
		watch(&w, gitdir, "logs/HEAD");
		watch(&w, commondir, "packed-refs");
		if (branch != NULL) {
			br = xasprintf("refs/heads/%s", branch);
			watch(&w, commondir, br);
			free(br);
		}
		if (par[P_SCOPE] == NULL)
			watch(&w, commondir, "config");
	}
	/* The committed package pins check's facts. */
	for (j = 0; j < nfeats; j++)
		for (k = 0; k < (int)(sizeof(pinfiles) / sizeof(*pinfiles)); k++)
			watch(&w, feats[j].out, pinfiles[k]);
	hf_straddstr(&facts, "HF_WATCH :=");
	if (w.len)
		hf_stradd(&facts, w.s, w.len);
	hf_straddc(&facts, '\n');
	for (j = 0; j < nfeats; j++)
		writefeature(&feats[j], scope, sde);
	hf_write(facts.s, facts.len);
	hf_exit(HF_OK);
}

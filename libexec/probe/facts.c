/*
 * What the probe writes: FACTS.mk's make text, values escaped for make,
 * with HF_ERROR alone for bad input and the files make is to watch; and
 * for each feature its facts and its inputs under BUILD/F/in/, each
 * written only when it changes, while holding the feature's lock.
 */
/* flock(2). */
#define _DEFAULT_SOURCE
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

/* ---- make text -------------------------------------------------------- */

struct hf_str facts;
static const char *const subdirs[] = { "in", "pkg", "pkg.s", "replay",
	"replay.s" };

/* Append v escaped for make: '$' doubled, '#' quoted, newlines blanked. */
void
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
void __attribute__((noreturn, format(printf, 1, 2)))
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
			hf_die(HF_EUSAGE, "git cat-file: blob %s not read",
			    oid);
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

void
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
void
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

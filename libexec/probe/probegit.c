/*
 * The git side of the probe, in order: the HEAD commit, each feature's
 * tree and its given and pinned commits, in one batch; the meta.json of
 * each; the trees below, read while the log walks the history in a
 * thread of its own; then the manifest at each source commit.  What the
 * answers show wrong becomes the feature's error.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

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
void
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
		catask("contents", feats[i].p_sc &&
		    !hf_badcommit(feats[i].p_sc) ? feats[i].p_sc : "HEAD");
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
			    f->p_sc :
			    "0000000000000000000000000000000000000000",
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

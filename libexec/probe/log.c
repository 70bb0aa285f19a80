/*
 * The history: one git log from HEAD answers the questions of every
 * feature at once (the last commit that touched its directory outside
 * handoff/, the last that touched its event log, and, when the source
 * commit is the log's to find, the last that touched its mission's
 * manifest), and stops as soon as each that matters has its answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

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

void
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
					c.t = strtoll(rec + oidhex + 1, &ds,
					    10);
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

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
 *
 * This file holds the parameters and their checks, the state of the run
 * that the other files share, and main, which sets the work in order;
 * probe.h names the other files and what each of them holds.
 */
/* strsep(3). */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

static const char *pnames[NPARAM] = {
	"REPO", "FEATURE", "FEATURE_DIR", "OUT", "MISSION", "MANIFEST",
	"MANIFEST_PATH", "SOURCE_COMMIT", "SOURCE_BRANCH", "PROJECT_SCOPE_ID",
	"SOURCE_DATE_EPOCH", "KEY"
};
const char *par[NPARAM];

#define DEFAULT_MPATH \
	"src/specify_cli/missions packs/built-in/missions src/doctrine/missions"

static const char *const pinfiles[] = { "namespace.json",
	"artifact-manifest.json", "artifact-tree.json", "events.jsonl" };

struct feat *feats;
size_t nfeats;
struct hf_str skipped;	/* HF_SKIPPED and the hf_skip_ lines */
struct hf_str skiplines;

/* What rev-parse told, or nothing outside git. */
char *top, *prefix, *gitdir, *commondir, *branch;
char headoid[65];	/* the commit at HEAD */
int allmode, isgit, shallow, oidhex = 40;
char *repoabs;
char *mpath[16];
size_t nmpath;

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status,
	    "usage: probe -o FACTS.mk -B BUILD [-a] [NAME=value ...]\n");
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
	/*
	 * BUILD is made on the first run; make cannot make it without a
	 * process.
	 */
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
		for (k = 0; k < (int)(sizeof(pinfiles) / sizeof(*pinfiles));
		    k++)
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

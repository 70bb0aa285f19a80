/*
 * treehash: SHA-256 fingerprints of a feature tree, as artifact-tree.json.
 *
 * The tree comes either from the work tree (a list of paths read under a
 * root directory) or from git (the object stream of git cat-file --batch),
 * so that a package can be made from what is committed without a dirty
 * work tree leaking into it. A check mode compares the result with a
 * committed artifact-tree.json and names every difference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "treehash.h"

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status, "usage: treehash [-0g] [-C dir] [-f feature_slug] "
	    "[-m manifest.json] [-o file]\n"
	    "                [-r root_path] [-s source_commit] "
	    "[-T captured_at] [-t tree_commit]\n"
	    "                [-x pattern] [file]\n"
	    "       treehash -c committed.json [-0g] [-C dir] "
	    "[-m manifest.json] [-x pattern] [file]\n");
}

static void __attribute__((noreturn))
badusage(const char *msg)
{
	hf_warn("%s", msg);
	usage(HF_EUSAGE);
}

/* An option's value checked by a rule of the shared vocabulary. */
static void
checkopt(int opt, const char *v, const char *(*bad)(const char *))
{
	if (hf_badopt(opt, v, bad))
		usage(HF_EUSAGE);
}

/*
 * What a run holds, static and freed by release() at the start as well as
 * the end: in a fuzzing build every exit returns to the driver, which runs
 * main() again, and a run that an error ended leaves it to the next.
 */
static struct tree t;
static struct patterns all, absent;
static struct committed cm;
static const char **excludes;
static cJSON *mroot;

static void
release(void)
{
	freetree(&t);
	freepatterns(&all);
	freepatterns(&absent);
	freecommitted(&cm);
	free(excludes);
	excludes = NULL;
	cJSON_Delete(mroot);
	mroot = NULL;
}

int
main(int argc, char *argv[])
{
	struct hf_ns ns = { 0 };
	const char *dir = NULL, *manifest = NULL, *committed = NULL;
	const char *out = NULL, *file;
	char stamp[21];
	int ch, nul = 0, git = 0, status = HF_OK;

	release();
	hf_setprogname(argv[0]);
	while ((ch = getopt(argc, argv, "0C:c:f:ghm:o:r:s:T:t:x:")) != -1) {
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
			ns.slug = optarg;
			break;
		case 'g':
			git = 1;
			break;
		case 'h':
			usage(HF_OK);
			break;
		case 'm':
			manifest = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			t.root = optarg;
			break;
		case 's':
			ns.commit = optarg;
			break;
		case 'T':
			ns.at = optarg;
			break;
		case 't':
			t.commit = optarg;
			break;
		case 'x':
			excludes = hf_reallocarray(excludes, t.nx + 1,
			    sizeof(*excludes));
			excludes[t.nx++] = optarg;
			break;
		default:
			usage(HF_EUSAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(HF_EUSAGE);
	file = argc == 1 ? argv[0] : NULL;
	t.x = excludes;
	if (committed != NULL && (ns.slug != NULL || t.root != NULL ||
	    ns.commit != NULL || ns.at != NULL || t.commit != NULL ||
	    out != NULL))
		badusage("-c takes none of -f, -o, -r, -s, -T, -t");
	if (git && (nul || dir != NULL))
		badusage("-0 and -C apply to path lists, not to -g");
	if (t.commit != NULL && !git)
		badusage("-t needs -g");
	checkopt('f', ns.slug, hf_badslug);
	checkopt('s', ns.commit, hf_badcommit);
	checkopt('t', t.commit, hf_badcommit);
	checkopt('T', ns.at, hf_badtime);
	if (ns.at == NULL && committed == NULL) {
		hf_isotime(hf_now(), stamp);
		ns.at = stamp;
	}
	if (out != NULL)
		hf_setoutput(out);

	if (committed != NULL)
		loadcommitted(committed, &cm);
	if (manifest != NULL)
		mroot = loadmanifest(manifest, &all);
	if (git)
		objects(file, &t);
	else
		pathlist(file, dir != NULL ? dir : ".", nul, &t);
	findabsent(&t, &all, &absent);
	if (committed != NULL)
		status = check(&cm, &t, manifest != NULL, &absent);
	else
		emit(&t, &absent, &ns, hf_inname(file));

	release();
	hf_exit(status);
}

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
	struct committed cm = { 0 };
	const char **excludes = NULL;
	size_t nexcludes = 0;
	const char *dir = NULL, *manifest = NULL, *committed = NULL, *file;
	char stamp[21];
	cJSON *mroot = NULL;
	int ch, nul = 0, git = 0, status = HF_OK;
	time_t tm;

	hf_setprogname(argv[0]);
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
	t.x = excludes;
	t.nx = nexcludes;
	if (git)
		objects(file, &t);
	else
		pathlist(file, dir != NULL ? dir : ".", nul, &t);
	findabsent(&t, &all, &absent);
	if (committed != NULL)
		status = check(&cm, &t, manifest != NULL, &absent);
	else
		emit(&t, &absent, &h, hf_inname(file));

	freetree(&t);
	freepatterns(&all);
	freepatterns(&absent);
	free(excludes);
	cJSON_Delete(mroot);
	freecommitted(&cm);
	hf_exit(status);
}

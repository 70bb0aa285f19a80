/*
 * install: put a built package into its place in the repository.
 *
 * The package is installed whole or not at all: when any file would
 * overwrite a different one without -f, nothing is written, so the
 * installed files never mix two packages.  Each file is written to a
 * temporary file in OUT and renamed over its name, so it is whole or
 * untouched, and a file that is unchanged is left alone (mtime too).
 * Whether a file changed is decided by content, never by mtime, with the
 * one definition that check also uses (pkgcmp.c).
 *
 * A symbolic link between the repository and OUT, or OUT itself being
 * one, is refused: the package would land wherever the link leads.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

/* The largest package file read. */
#define INSTALL_FILE_MAX	(1024UL * 1024 * 1024)

enum action { KEEP, WRITE, REFUSE };

/* The temporary files made so far, removed on a signal or an error. */
static char	*tmpnames[HF_PKG_NFILES];
static volatile sig_atomic_t ntmp;

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status,
	    "usage: install [-f] [-n name] -F feature -r repo -o out "
	    "-s outcome_file pkgdir\n"
	    "       install -T goal [-B build] [-m marker] [-e failure] "
	    "[-k skipped] feature ...\n");
}

static void
cleantmp(void)
{
	sig_atomic_t i;

	for (i = 0; i < ntmp; i++)
		unlink(tmpnames[i]);
	ntmp = 0;
}

static void
onsignal(int sig)
{
	cleantmp();
	signal(sig, SIG_DFL);
	raise(sig);
}


/*
 * Whether the path p has no symbolic link from the end of the prefix
 * repo (a directory of p, lexically) on, p itself included; a missing
 * component ends the walk, as mkdir will make it.  On a link, *link is
 * set to the path of the link.
 */
static int
nolinks(const char *repo, const char *p, char **link)
{
	struct stat st;
	size_t n = strlen(repo), i;
	char *s;

	while (n > 1 && repo[n - 1] == '/')
		n--;
	/* The repository itself may be reached through a link. */
	if (strncmp(p, repo, n) == 0 && p[n] == '/')
		n++;
	else
		n = strlen(p);
	s = hf_strdup(p);
	for (i = n; ; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		s[i] = '\0';
		if (i > 0 && p[i - 1] != '/') {
			if (lstat(s, &st) == -1) {
				if (errno != ENOENT)
					hf_dieio("%s", s);
				break;
			}
			if (S_ISLNK(st.st_mode)) {
				*link = s;
				return 0;
			}
		}
		if (p[i] == '\0')
			break;
		s[i] = '/';
	}
	free(s);
	return 1;
}

/* mkdir -p of out, component by component. */
static void
makedirs(const char *out)
{
	char *s = hf_strdup(out), *p;

	for (p = s + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(s, 0777) == -1 && errno != EEXIST)
				hf_dieio("%s", s);
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	free(s);
}

/*
 * Remove what a killed run left in out: ".NAME.XXXXXX" for a package
 * file NAME, from -o of a filter or from this program.  The feature's
 * lock, which handoff.mk holds while this runs (libexec/lock), keeps a live
 * run of the same package from making any.
 */
static void
cleanstale(const char *out)
{
	struct dirent *de;
	DIR *d;
	const char *dot;
	char *p, name[64];
	size_t n;

	if ((d = opendir(out)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.' ||
		    (dot = strrchr(de->d_name, '.')) == de->d_name ||
		    strlen(dot) != 7 || (n = (size_t)(dot - de->d_name - 1)) >=
		    sizeof(name))
			continue;
		memcpy(name, de->d_name + 1, n);
		name[n] = '\0';
		if (hf_pkg_index(name) == -1)
			continue;
		p = hf_pkg_path(out, de->d_name);
		if (unlink(p) == -1 && errno != ENOENT)
			hf_dieio("%s", p);
		free(p);
	}
	closedir(d);
}


/* Write b to out/name through a temporary file; it is renamed later. */
static char *
stage(const char *out, const char *name, const struct hf_buf *b,
    const struct stat *st)
{
	struct timespec ts[2];
	const char *p = b->data;
	size_t left = b->len;
	ssize_t w;
	char *tmp;
	int fd;

	tmp = hf_malloc(strlen(out) + strlen(name) + 10);
	sprintf(tmp, "%s/.%s.XXXXXX", out, name);
	if ((fd = mkstemp(tmp)) == -1)
		hf_dieio("%s", tmp);
	tmpnames[ntmp] = tmp;
	ntmp++;
	while (left > 0) {
		if ((w = write(fd, p, left)) == -1) {
			if (errno == EINTR)
				continue;
			hf_dieio("%s", tmp);
		}
		p += w;
		left -= (size_t)w;
	}
	/*
	 * The built file's mode and mtime: an installed file never looks
	 * newer than what it was made from.
	 */
	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	if (fchmod(fd, st->st_mode & 0777) == -1 ||
	    futimens(fd, ts) == -1 || close(fd) == -1)
		hf_dieio("%s", tmp);
	return tmp;
}

static int
install(const char *feature, const char *repo, const char *out,
    const char *pkgdir, const char *outfile, int force, const char *only)
{
	struct hf_buf built[HF_PKG_NFILES], have;
	struct stat st[HF_PKG_NFILES], ost;
	enum action act[HF_PKG_NFILES];
	const char *fields;
	char *p, *link;
	int i, nwrite = 0, nrefuse = 0, status = HF_OK;

	if (unlink(outfile) == -1 && errno != ENOENT)
		hf_dieio("%s", outfile);

	/* Only a complete package is installed. */
	for (i = 0; i < HF_PKG_NFILES; i++) {
		p = hf_pkg_path(pkgdir, hf_pkg_files[i]);
		if (stat(p, &st[i]) == -1 || !S_ISREG(st[i].st_mode))
			hf_die(HF_EUSAGE, "%s: %s: the built package has no %s",
			    feature, pkgdir, hf_pkg_files[i]);
		hf_readmax(p, &built[i], INSTALL_FILE_MAX, HF_EUSAGE);
		free(p);
	}
	if (!nolinks(repo, out, &link)) {
		fprintf(stderr, "handoff: %s: %s is a symbolic link; "
		    "not writing the package through it\n", feature, link);
		free(link);
		status = HF_EDATA;
		goto done;
	}
	cleanstale(out);

	for (i = 0; i < HF_PKG_NFILES; i++) {
		/* make verification installs the note alone. */
		if (only != NULL && strcmp(only, hf_pkg_files[i]) != 0) {
			act[i] = KEEP;
			continue;
		}
		p = hf_pkg_path(out, hf_pkg_files[i]);
		act[i] = WRITE;
		if (lstat(p, &ost) == -1) {
			if (errno != ENOENT && errno != ENOTDIR)
				hf_dieio("%s", p);
		} else if (S_ISREG(ost.st_mode)) {
			hf_readmax(p, &have, INSTALL_FILE_MAX, HF_EUSAGE);
			if (hf_pkgcmp(hf_pkg_files[i], have.data, have.len,
			    built[i].data, built[i].len, &fields) !=
			    HF_PKG_DIFFERS)
				act[i] = KEEP;
			else if (!force)
				act[i] = REFUSE;
			hf_buffree(&have);
		} else if (S_ISDIR(ost.st_mode) || !force)
			/* A link or a directory: never kept as it is. */
			act[i] = REFUSE;
		if (act[i] == REFUSE) {
			fprintf(stderr, "handoff: %s: %s would change; "
			    "not overwritten\n", feature, p);
			nrefuse++;
		}
		nwrite += act[i] == WRITE;
		free(p);
	}
	if (nrefuse > 0) {
		fprintf(stderr, "handoff: %s: run 'make check' to see the "
		    "differences, FORCE=1 to overwrite\n", feature);
		status = HF_EDATA;
		goto done;
	}
	if (nwrite > 0) {
		makedirs(out);
		if (!nolinks(repo, out, &link))
			hf_die(HF_EDATA, "%s: %s is a symbolic link; not "
			    "writing the package through it", feature, link);
		signal(SIGHUP, onsignal);
		signal(SIGINT, onsignal);
		signal(SIGTERM, onsignal);
		for (i = 0; i < HF_PKG_NFILES; i++)
			if (act[i] == WRITE)
				stage(out, hf_pkg_files[i], &built[i], &st[i]);
		for (i = 0; i < HF_PKG_NFILES; i++) {
			if (act[i] != WRITE)
				continue;
			p = hf_pkg_path(out, hf_pkg_files[i]);
			if (rename(tmpnames[0], p) == -1)
				hf_dieio("%s", p);
			free(tmpnames[0]);
			memmove(tmpnames, tmpnames + 1,
			    sizeof(tmpnames[0]) * (size_t)(ntmp - 1));
			ntmp--;
			fprintf(stderr, "handoff: %s: wrote %s\n", feature, p);
			free(p);
		}
	}
done:
	for (i = 0; i < HF_PKG_NFILES; i++)
		hf_buffree(&built[i]);
	hf_pkg_outcome(outfile, status != HF_OK ? "refused" : nwrite > 0 ?
	    "written" : "unchanged");
	return status;
}

/* Whether a was last modified before b. */
static int
older(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec < b->st_mtim.tv_sec ||
	    (a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec < b->st_mtim.tv_nsec);
}

/*
 * The tally of an -all run.  Each feature's run left a word in
 * BUILD/F/outcome.GOAL; a package file whose recipe ran emptied it first,
 * so an empty or missing file means that a filter failed.  A file older
 * than the run's marker was not written this run: for handoff the package
 * was current and nothing needed installing; check and verify always run,
 * so for them it means they did not get to.  failed holds the features
 * the probe could not resolve, with the reason, skipped the directories
 * that are not features.
 */
static int
tally(const char *goal, const char *build, const char *marker, int n,
    char **features, const struct hf_str *failed, const struct hf_str *skipped)
{
	static const char *const install[] = { "written", "unchanged",
	    "refused", NULL };
	static const char *const compare[] = { "matches", "differs", NULL };
	const char *const *words;
	struct hf_str names[4] = { { 0 } };
	struct stat mst, st;
	struct hf_buf b;
	size_t count[4] = { 0 }, k, nw, i;
	char *p, *q;
	int f, handoff, havemark;

	handoff = strcmp(goal, "handoff") == 0;
	words = handoff ? install : compare;
	for (nw = 0; words[nw] != NULL; nw++)
		;
	havemark = marker != NULL && stat(marker, &mst) == 0;
	for (f = 0; f < n; f++) {
		p = hf_malloc(strlen(build) + strlen(features[f]) +
		    strlen(goal) + 11);
		sprintf(p, "%s/%s/outcome.%s", build, features[f], goal);
		k = nw;
		if (stat(p, &st) == 0 && havemark && older(&st, &mst))
			k = handoff ? 1 : nw;
		else if (access(p, F_OK) == 0) {
			hf_readmax(p, &b, 64, HF_EUSAGE);
			if ((q = strchr(b.data, '\n')) != NULL)
				*q = '\0';
			for (k = 0; k < nw; k++)
				if (strcmp(b.data, words[k]) == 0)
					break;
			hf_buffree(&b);
		}
		hf_straddc(&names[k], ' ');
		hf_straddstr(&names[k], features[f]);
		count[k]++;
		free(p);
	}
	/* A reason the probe gave is one line each, naming its feature. */
	for (i = 0; i < failed->len; i += strlen(failed->s + i) + 1) {
		printf("%s-all: %s\n", goal, failed->s + i);
		count[nw]++;
		hf_straddc(&names[nw], ' ');
		hf_stradd(&names[nw], failed->s + i,
		    strcspn(failed->s + i, ":"));
	}
	for (i = 0; i < skipped->len; i += strlen(skipped->s + i) + 1)
		printf("%s-all: skipped: %s\n", goal, skipped->s + i);
	for (k = 0; k <= nw; k++)
		if (count[k] > 0)
			printf("%s-all: %s:%.*s\n", goal,
			    k < nw ? words[k] : "failed", (int)names[k].len,
			    names[k].s);
	printf("%s-all:", goal);
	for (k = 0; k <= nw; k++)
		printf("%s %zu %s", k > 0 ? "," : "", count[k],
		    k < nw ? words[k] : "failed");
	if (skipped->len > 0) {
		for (i = k = 0; i < skipped->len; k++)
			i += strlen(skipped->s + i) + 1;
		printf(", %zu skipped", k);
	}
	printf("\n");
	for (k = 0; k < 4; k++)
		hf_strfree(&names[k]);
	return count[nw] > 0 || count[handoff ? 2 : 1] > 0 ? HF_EDATA : HF_OK;
}

int
main(int argc, char *argv[])
{
	const char *feature = NULL, *repo = NULL, *out = NULL, *outfile = NULL,
	    *goal = NULL, *build = ".", *marker = NULL, *only = NULL, *why;
	struct hf_str failed = { 0 }, skipped = { 0 };
	int ch, force = 0;


	hf_setprogname(argv[0]);
	while ((ch = getopt(argc, argv, "B:e:F:fhk:m:n:o:r:s:T:")) != -1) {
		switch (ch) {
		case 'B':
			build = optarg;
			break;
		case 'e':
			hf_stradd(&failed, optarg, strlen(optarg) + 1);
			break;
		case 'F':
			feature = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			usage(HF_OK);
			break;
		case 'k':
			hf_stradd(&skipped, optarg, strlen(optarg) + 1);
			break;
		case 'm':
			marker = optarg;
			break;
		case 'n':
			only = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			repo = optarg;
			break;
		case 's':
			outfile = optarg;
			break;
		case 'T':
			goal = optarg;
			break;
		default:
			usage(HF_EUSAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (goal != NULL) {
		if (strcmp(goal, "handoff") != 0 && strcmp(goal, "check") !=
		    0 && strcmp(goal, "verify") != 0)
			hf_die(HF_EUSAGE, "-T %s: not handoff, check or verify",
			    goal);
		ch = tally(goal, build, marker, argc, argv, &failed, &skipped);
		hf_strfree(&failed);
		hf_strfree(&skipped);
		hf_exit(ch);
	}
	if (argc != 1 || feature == NULL || repo == NULL || out == NULL ||
	    outfile == NULL)
		usage(HF_EUSAGE);
	if ((why = hf_badslug(feature)) != NULL)
		hf_die(HF_EUSAGE, "-F %s: %s", feature, why);
	/* Its messages are those of make handoff. */
	hf_setprogname("handoff");
	if (only != NULL && hf_pkg_index(only) == -1)
		hf_die(HF_EUSAGE, "-n %s: not a file of the package", only);
	hf_exit(install(feature, repo, out, argv[0], outfile, force, only));
}

/*
 * -o FILE, for every program: standard output goes to a temporary file
 * beside FILE, which replaces FILE by rename(2) only when the program
 * ends well.  So FILE is either its old self or the whole new output,
 * whatever happens to the program, and a make rule whose recipe fails
 * leaves no half-written target for the next run to trust.
 *
 * When the new output holds the same bytes as FILE, FILE is left alone,
 * its mtime too, so that make does not rerun what depends on it.
 *
 * A FILE that exists and is not a regular file (/dev/null, a terminal, a
 * named pipe) is written in place instead: a rename would put a regular
 * file where the device or the pipe was, and their readers take bytes as
 * they come anyway.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

/* The temporary file while it may need removing, and the target. */
static char *tmppath;
static char *target;
static volatile sig_atomic_t armed;
static mode_t newmode;
static int forcemode;

static const int fatal[] = { SIGHUP, SIGINT, SIGTERM };

/*
 * A fatal signal removes the temporary file, then ends the program as
 * the signal would have: the handler was reset on entry (SA_RESETHAND),
 * and the signal raised again is delivered once it returns.  unlink(2)
 * and raise(3) are async-signal-safe, and tmppath is complete before
 * armed is set, so a signal in any thread at any time is handled.
 */
static void
onsignal(int sig)
{
	int saved = errno;

	if (armed)
		unlink(tmppath);
	armed = 0;
	raise(sig);
	errno = saved;
}

static void
catch(void)
{
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		/* A signal the caller ignores (nohup) stays ignored. */
		if (sigaction(fatal[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(fatal[i], &sa, NULL);
	}
}

/* Make fd, open on path, the standard output. */
static void
tostdout(int fd, const char *path)
{
	if (fd == STDOUT_FILENO)
		return;
	if (dup2(fd, STDOUT_FILENO) == -1)
		hf_dieio("%s", path);
	close(fd);
}

void
hf_setoutput(const char *path)
{
	const char *slash, *base;
	struct stat st;
	size_t dlen;
	mode_t mask;
	int fd;

	if (target != NULL)
		hf_die(HF_EUSAGE, "-o given twice");
	if (*path == '\0')
		hf_die(HF_EUSAGE, "-o: empty file name");
	if (strcmp(path, "-") == 0)
		return;
	/* ".NAME.XXXXXX" in FILE's directory, so rename(2) is atomic. */
	slash = strrchr(path, '/');
	base = slash != NULL ? slash + 1 : path;
	dlen = (size_t)(base - path);
	if (*base == '\0')
		hf_die(HF_EUSAGE, "-o %s: names a directory", path);
	target = hf_strdup(path);
	if (fflush(stdout) == EOF)
		hf_dieio("stdout");
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			hf_die(HF_EUSAGE, "-o %s: names a directory", path);
		if ((fd = open(path, O_WRONLY)) == -1)
			hf_dieio("%s", path);
		tostdout(fd, path);
		return;
	}
	tmppath = hf_malloc(dlen + strlen(base) + 9);
	memcpy(tmppath, path, dlen);
	snprintf(tmppath + dlen, strlen(base) + 9, ".%s.XXXXXX", base);

	/* A new file gets the mode open(2) would give it: 0666 less umask. */
	mask = umask(0);
	umask(mask);
	newmode = 0666 & ~mask;

	catch();
	if ((fd = mkstemp(tmppath)) == -1)
		hf_dieio("%s", path);
	armed = 1;
	tostdout(fd, tmppath);
}

void
hf_outdiscard(void)
{
	if (!armed)
		return;
	armed = 0;
	unlink(tmppath);
}

/* Whether fd (read from its start) holds exactly the bytes of path. */
static int
same(int fd, const char *path, off_t size)
{
	char a[65536], b[65536];
	struct stat st;
	ssize_t n, m;
	off_t off = 0;
	int pfd, eq = 0;

	if ((pfd = open(path, O_RDONLY)) == -1)
		return 0;
	if (fstat(pfd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size != size)
		goto out;
	for (;;) {
		if ((n = pread(fd, a, sizeof(a), off)) == -1)
			hf_dieio("%s", tmppath);
		if (n == 0) {
			eq = read(pfd, b, 1) == 0;
			break;
		}
		for (m = 0; m < n;) {
			ssize_t r = read(pfd, b + m, (size_t)(n - m));

			if (r == -1 && errno == EINTR)
				continue;
			if (r <= 0)
				goto out;
			m += r;
		}
		if (memcmp(a, b, (size_t)n) != 0)
			goto out;
		off += n;
	}
out:
	close(pfd);
	return eq;
}

void
hf_setoutputmode(mode_t mode)
{
	newmode = mode;
	forcemode = 1;
}

void
hf_outcommit(void)
{
	struct stat st, old;

	if (!armed)
		return;
	if (fstat(STDOUT_FILENO, &st) == -1)
		hf_dieio("%s", tmppath);
	if (same(STDOUT_FILENO, target, st.st_size) && (!forcemode ||
	    (stat(target, &old) == 0 && (old.st_mode & 07777) == newmode))) {
		hf_outdiscard();
		return;
	}
	/*
	 * A file replaced keeps its mode, a new one gets newmode, unless the
	 * program said which mode its output must have.
	 */
	if (fchmod(STDOUT_FILENO, !forcemode && stat(target, &old) == 0 &&
	    S_ISREG(old.st_mode) ? old.st_mode & 07777 : newmode) == -1)
		hf_dieio("%s", tmppath);
	if (rename(tmppath, target) == -1)
		hf_dieio("%s", target);
	armed = 0;
}

/*
 * lock - hold a feature's lock for the rest of the make that runs it.
 *
 * Usage:
 *	lock [-s stamp] file
 *
 * Takes an exclusive flock(2) on file (made if missing), waiting while
 * another run holds it, then leaves a process holding it until the make
 * that started this one exits, writes stamp (when given) and returns.  So
 * the first recipe of a feature that runs makes every later one of the
 * same make, and the installer, run alone: two runs of one feature take
 * turns, runs of different features do not wait for each other.
 *
 * The make is this process's parent, or the parent of the shell make ran
 * it through.  Without /proc to find it, the lock is released when this
 * process exits, and runs are serialised recipe by recipe no longer.
 *
 * Exit 0 once the lock is held; 2 on a usage or I/O error.
 */
/* syscall(2), for pidfd_open(2). */
#define _DEFAULT_SOURCE
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hf.h"

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status, "usage: lock [-s stamp] file\n");
}

/*
 * The parent of pid and its command name, from /proc/PID/stat ("pid
 * (comm) state ppid ..."); -1 when it cannot be read.
 */
static pid_t
parentof(pid_t pid, char *comm, size_t size)
{
	char path[64], buf[512], *lp, *rp;
	long ppid;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The name may hold blanks and parentheses: the last ')' ends it. */
	if ((lp = strchr(buf, '(')) == NULL ||
	    (rp = strrchr(buf, ')')) == NULL || rp < lp)
		return -1;
	snprintf(comm, size, "%.*s", (int)(rp - lp - 1), lp + 1);
	if (sscanf(rp + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

/* The make this recipe belongs to, or -1. */
static pid_t
findmake(void)
{
	char comm[64], pcomm[64];
	pid_t p = getppid(), pp;

	if ((pp = parentof(p, comm, sizeof(comm))) == -1)
		return -1;
	if (strcmp(comm, "sh") == 0 || strcmp(comm, "dash") == 0 ||
	    strcmp(comm, "bash") == 0) {
		p = pp;
		if (parentof(p, pcomm, sizeof(pcomm)) == -1)
			return -1;
	}
	return p;
}

/* Return once pid has exited. */
static void
waitfor(pid_t pid)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	struct pollfd pfd;
#ifdef SYS_pidfd_open
	int fd;

	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) != -1) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, -1) == -1 && errno == EINTR)
			;
		close(fd);
		return;
	}
#endif
	/* Kernels before 5.3: ask every tick. */
	(void)pfd;
	while (kill(pid, 0) == 0 || errno == EPERM)
		nanosleep(&tick, NULL);
}

int
main(int argc, char *argv[])
{
	const char *stamp = NULL;
	pid_t make;
	int ch, fd, null;

	hf_setprogname(argv[0]);
	while ((ch = getopt(argc, argv, "hs:")) != -1) {
		switch (ch) {
		case 'h':
			usage(HF_OK);
			break;
		case 's':
			stamp = optarg;
			break;
		default:
			usage(HF_EUSAGE);
		}
	}
	if (argc - optind != 1)
		usage(HF_EUSAGE);
	if ((fd = open(argv[optind], O_RDWR | O_CREAT | O_CLOEXEC, 0666)) ==
	    -1)
		hf_dieio("%s", argv[optind]);
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR)
			hf_dieio("%s", argv[optind]);
	if ((make = findmake()) != -1) {
		switch (fork()) {
		case -1:
			hf_dieio("fork");
		case 0:
			/*
			 * The holder: it shares the lock's open file, so the
			 * lock lasts while it does.  It lets go of make's
			 * output, which a caller may wait on to its end.
			 */
			if ((null = open("/dev/null", O_RDWR)) != -1) {
				dup2(null, STDIN_FILENO);
				dup2(null, STDOUT_FILENO);
				dup2(null, STDERR_FILENO);
				if (null > STDERR_FILENO)
					close(null);
			}
			waitfor(make);
			_exit(0);
		default:
			break;
		}
	}
	if (stamp != NULL) {
		if ((ch = open(stamp, O_WRONLY | O_CREAT | O_TRUNC, 0666)) == -1)
			hf_dieio("%s", stamp);
		close(ch);
	}
	hf_exit(HF_OK);
}

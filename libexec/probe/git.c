/*
 * Git as a process, asked through argument vectors and never a shell:
 * git started and reaped; the cat-file --batch-command batches, the
 * requests gathered with catask and sent and answered with catflush; and
 * the questions asked once: rev-parse for the repository's facts, config
 * for the project scope, and the committer time of a commit read.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

extern char **environ;

/* ---- processes -------------------------------------------------------- */

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
void
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

int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			hf_dieio("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
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

struct proc cat;
static struct hf_str catreq;
size_t catn;
static struct hf_str catinfo;	/* one byte a request: 1 for info */
static struct hf_str **catbufs;	/* every batch's answers, kept to the end */
static size_t ncatbufs;

void
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
void
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

/* ---- rev-parse, config, commits --------------------------------------- */

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
void
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
char *
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
long long
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

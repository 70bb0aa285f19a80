/*
 * One libFuzzer driver for every filter.
 *
 * The filter's source is compiled with -Dmain=filter_main -DHF_FUZZ and
 * linked with this file, built with -DFUZZ_TARGET=name.  Each input is
 * written to a scratch file, which is also the filter's standard input,
 * and main() runs with the command line of the target's row in the table
 * below.  With HF_FUZZ, every exit of the library longjmps back here with
 * the status plus one, so one process runs the filter many times.
 *
 * Besides the sanitizers, the driver checks the filters' contracts:
 * the exit status is one the man page allows, nothing reaches standard
 * output on an error, and JSON output parses.  A breach aborts, which
 * libFuzzer records as a crash like any other.
 *
 * Resources a run abandons when it leaves by longjmp (file descriptors,
 * mappings) are released after each run, so that they do not pile up
 * over millions of runs; the sanitizers' leak check is off for the same
 * reason (make fuzz passes -detect_leaks=0), and the valgrind run of the
 * test suite looks for leaks instead.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=name"
#endif
#define STR2(x)	#x
#define STR(x)	STR2(x)

int	filter_main(int, char **);

#define HEX40	"0123456789abcdef0123456789abcdef01234567"
#define TIME	"2026-01-02T03:04:05Z"

/* What a target allows, beyond exit 0 and silence on error. */
#define OUT_ON_FAIL	0x01	/* exit 1 may still print (reports, notes) */
#define JSON_DOC	0x02	/* on exit 0, stdout is one JSON document */
#define JSON_LINES	0x04	/* on exit 0, every line of stdout is JSON */
#define EXTRA_STATUS	0x08	/* exits 3 and 4 are valid (evcat -c) */
#define NONFINITE_OK	0x10	/* NaN and Infinity may appear in JSON */
#define SPLIT		0x20	/* the input is two files, see splitinput() */

/*
 * The command line of each target.  "@in" is the input file, "@in2" the
 * second part of a split input, "@dir" a small tree made at start-up and
 * "@list", "@manifest", "@scenarios" and "@events" fixed files in it.
 */
static const struct target {
	const char	*name;
	int		 flags;
	const char	*argv[24];
} targets[] = {
	{ "yaml2json", JSON_DOC | NONFINITE_OK,
	  { "yaml2json", "-a", "source_commit=" HEX40, "@in" } },
	{ "yaml2json_multi", JSON_LINES | NONFINITE_OK,
	  { "yaml2json", "-m", "@in" } },
	{ "evcat", JSON_LINES,
	  { "evcat", "-p", "scope", "-f", "001-feat", "-b", "main",
	    "-s", HEX40, "-t", TIME, "@in" } },
	{ "evcat_compare", OUT_ON_FAIL | EXTRA_STATUS | SPLIT,
	  { "evcat", "-c", "@in", "@in2" } },
	{ "treehash_list", JSON_DOC,
	  { "treehash", "-C", "@dir", "-f", "001-feat", "-r",
	    "kitty-specs/001-feat", "-s", HEX40, "-T", TIME, "-x", "*.tmp",
	    "-m", "@manifest", "@in" } },
	{ "treehash_check", OUT_ON_FAIL,
	  { "treehash", "-c", "@in", "-C", "@dir", "-x", "*.tmp",
	    "@list" } },
	{ "treehash_git", JSON_DOC,
	  { "treehash", "-g", "-f", "001-feat", "-r", "kitty-specs/001-feat",
	    "-s", HEX40, "-T", TIME, "-t", HEX40, "-m", "@manifest",
	    "@in" } },
	{ "tapnote", OUT_ON_FAIL,
	  { "tapnote", "-b", "main", "-d", TIME, "-H", HEX40, "-s", HEX40,
	    "-r", "make test", "-m", "@scenarios", "@in" } },
	{ "matrixgen_x", 0,
	  { "matrixgen", "-x", "@in" } },
	{ "nsgen", JSON_DOC,
	  { "nsgen", "-m", "@manifest" } },
};

/* The tree under @dir; "->" makes a symbolic link. */
static const struct {
	const char	*path;
	const char	*text;
} treefiles[] = {
	{ "spec.md", "# Spec\n" },
	{ "plan.md", "" },
	{ "tasks/WP01.md", "work package\n" },
	{ "odd\nname", "newline in the name\n" },
	{ "-dash", "leading dash\n" },
	{ "skip.tmp", "excluded\n" },
	{ "link", "->spec.md" },
	{ "list", "spec.md\nplan.md\ntasks/WP01.md\nlink\n-dash\n" },
	{ "manifest",
	  "{\n  \"schema_version\": \"1.0\",\n"
	  "  \"mission_type\": \"software-dev\",\n"
	  "  \"manifest_version\": \"1\",\n"
	  "  \"required_always\": [{\"artifact_key\": \"input.spec\", "
	  "\"artifact_class\": \"input\", \"path_pattern\": \"spec.md\", "
	  "\"blocking\": true}],\n"
	  "  \"required_by_step\": {\"specify\": [], \"tasks\": "
	  "[{\"artifact_key\": \"output.tasks\", \"artifact_class\": "
	  "\"output\", \"path_pattern\": \"tasks/*.md\", \"blocking\": "
	  "true}, {\"artifact_key\": \"output.list\", \"artifact_class\": "
	  "\"output\", \"path_pattern\": \"tasks.md\", \"blocking\": "
	  "true}]},\n"
	  "  \"optional_always\": [{\"artifact_key\": \"evidence.research\", "
	  "\"artifact_class\": \"evidence\", \"path_pattern\": "
	  "\"research.md\", \"blocking\": false}]\n}\n" },
	{ "scenarios", "# label\tdescription\tpattern\n"
	  "S1\tparses input\t*parse*\nS2\trejects bad input\t*reject*\n" },
};

static const struct target *tg;
static char	 dir[64];
static char	 inpath[128], in2path[128], outpath[128];
static int	 infd = -1, in2fd = -1, outfd = -1;
/*
 * Descriptors open before a run; those the run leaves open are closed.
 * Checking each run, not once, spares the sanitizers' own (symbolizer).
 */
#define MAXFD	128
static int	 basefds[MAXFD];

/*
 * Mappings the filter makes are tracked (the filter is linked with
 * --wrap=mmap,--wrap=munmap), so those a longjmp abandons can be undone.
 */
#define MAXMAPS	256
static struct {
	void	*addr;
	size_t	 len;
} maps[MAXMAPS];

void	*__real_mmap(void *, size_t, int, int, int, off_t);
int	 __real_munmap(void *, size_t);

static void
track(void *addr, size_t len)
{
	size_t i;

	for (i = 0; i < MAXMAPS; i++)
		if (maps[i].addr == NULL) {
			maps[i].addr = addr;
			maps[i].len = len;
			return;
		}
}

void *
__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	p = __real_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED)
		track(p, len);
	return p;
}

/*
 * Only what is unmapped stops being tracked: hf_bigalloc maps more than
 * it needs and unmaps both ends, and the rest must still be undone.
 */
int
__wrap_munmap(void *addr, size_t len)
{
	char *lo = addr, *hi = lo + len, *a, *e;
	size_t i;

	for (i = 0; i < MAXMAPS; i++) {
		if ((a = maps[i].addr) == NULL)
			continue;
		e = a + maps[i].len;
		if (hi <= a || lo >= e)
			continue;
		if (lo <= a && hi >= e)
			maps[i].addr = NULL;
		else if (lo <= a) {
			maps[i].addr = hi;
			maps[i].len = (size_t)(e - hi);
		} else {
			maps[i].len = (size_t)(lo - a);
			if (hi < e)
				track(hi, (size_t)(e - hi));
		}
	}
	return __real_munmap(addr, len);
}

/*
 * make fuzz closes standard error (-close_fd_mask=2) to keep the filters'
 * diagnostics out of the log; the sanitizers' report stream stays open.
 */
void	__sanitizer_report_error_summary(const char *);

static void
fail(const char *msg)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "fuzz driver: %s: %s", tg->name, msg);
	__sanitizer_report_error_summary(buf);
	abort();
}

static void
writefile(const char *path, const char *text, size_t len)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    write(fd, text, len) != (ssize_t)len || close(fd) == -1) {
		perror(path);
		exit(2);
	}
}

static void
maketree(void)
{
	char path[256], *slash;
	size_t i;

	for (i = 0; i < sizeof(treefiles) / sizeof(treefiles[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, treefiles[i].path);
		if ((slash = strrchr(path, '/')) != NULL &&
		    slash > path + strlen(dir)) {
			*slash = '\0';
			mkdir(path, 0755);
			*slash = '/';
		}
		if (strncmp(treefiles[i].text, "->", 2) == 0) {
			if (symlink(treefiles[i].text + 2, path) == -1) {
				perror(path);
				exit(2);
			}
		} else
			writefile(path, treefiles[i].text,
			    strlen(treefiles[i].text));
	}
}

static void
notefds(void)
{
	int fd;

	for (fd = 0; fd < MAXFD; fd++)
		basefds[fd] = fcntl(fd, F_GETFD) != -1;
}

static void
closeleftovers(void)
{
	int fd;

	for (fd = 3; fd < MAXFD; fd++)
		if (!basefds[fd] && fcntl(fd, F_GETFD) != -1)
			close(fd);
}

static void
removetree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s' '%s'", dir, inpath,
	    in2path, outpath);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz driver: could not remove %s\n", dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;
	int devnull;

	(void)argc;
	(void)argv;
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strcmp(targets[i].name, STR(FUZZ_TARGET)) == 0)
			tg = &targets[i];
	if (tg == NULL) {
		fprintf(stderr, "fuzz driver: no target %s\n",
		    STR(FUZZ_TARGET));
		exit(2);
	}
	snprintf(dir, sizeof(dir), "%s/hf-fuzz-XXXXXX",
	    getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 40 ?
	    getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	maketree();
	atexit(removetree);
	snprintf(inpath, sizeof(inpath), "%s.in", dir);
	snprintf(in2path, sizeof(in2path), "%s.in2", dir);
	snprintf(outpath, sizeof(outpath), "%s.out", dir);
	if ((infd = open(inpath, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (in2fd = open(in2path, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (outfd = open(outpath, O_RDWR | O_CREAT | O_TRUNC | O_APPEND,
	    0600)) == -1 || (devnull = open("/dev/null", O_RDONLY)) == -1) {
		perror(dir);
		exit(2);
	}
	/* The input is standard input too; stdout goes to a scratch file. */
	fflush(stdout);
	if (dup2(infd, 0) == -1 || dup2(outfd, 1) == -1) {
		perror("dup2");
		exit(2);
	}
	close(devnull);
	return 0;
}

/*
 * A split input holds two files (evcat -c: committed, then current),
 * separated by the first line "%%"; without one, both are the input.
 */
static void
splitinput(const uint8_t *data, size_t size)
{
	const uint8_t *p = NULL;
	size_t i;

	for (i = 0; i + 4 <= size; i++)
		if ((i == 0 || data[i - 1] == '\n') &&
		    memcmp(data + i, "%%\n", 3) == 0) {
			p = data + i;
			break;
		}
	if (p == NULL) {
		writefile(inpath, (const char *)data, size);
		writefile(in2path, (const char *)data, size);
		return;
	}
	writefile(inpath, (const char *)data, p - data);
	writefile(in2path, (const char *)p + 3, size - (p - data) - 3);
}

static char *
expand(const char *a)
{
	char buf[256];

	if (strcmp(a, "@in") == 0)
		return strdup(inpath);
	if (strcmp(a, "@in2") == 0)
		return strdup(in2path);
	if (strcmp(a, "@dir") == 0)
		return strdup(dir);
	if (a[0] == '@') {
		snprintf(buf, sizeof(buf), "%s/%s", dir, a + 1);
		return strdup(buf);
	}
	return strdup(a);
}

/* The whole of what the run printed, NUL-terminated. */
static char *
slurpout(size_t *lenp)
{
	struct stat st;
	char *s;
	ssize_t n;

	if (fstat(outfd, &st) == -1)
		fail("fstat stdout");
	s = malloc((size_t)st.st_size + 1);
	if (s == NULL)
		fail("out of memory");
	n = pread(outfd, s, (size_t)st.st_size, 0);
	if (n != st.st_size)
		fail("short read of stdout");
	s[n] = '\0';
	*lenp = (size_t)n;
	return s;
}

/* Whether the backslash at p, in text starting at t, begins an escape. */
static int
isescape(const char *t, const char *p)
{
	const char *q;

	for (q = p; q > t && q[-1] == '\\'; q--)
		;
	return (p - q) % 2 == 0;
}

static int
isjson(const char *s, size_t len)
{
	cJSON *j;
	char *t, *p;

	/*
	 * Bytes that are not UTF-8 print as lone surrogates (\udcXX), which
	 * Python reads and cJSON rejects; as \u00XX they parse alike.  A
	 * \udcXX right after a high surrogate is the low half of a pair (an
	 * astral character), and stays.
	 */
	if ((t = malloc(len + 1)) == NULL)
		fail("out of memory");
	memcpy(t, s, len);
	t[len] = '\0';
	for (p = t; (p = memmem(p, t + len - p, "\\udc", 4)) != NULL;
	    p += 4) {
		if (p - t >= 6 && isescape(t, p) && isescape(t, p - 6) &&
		    memcmp(p - 6, "\\ud", 3) == 0 && strchr("89ab", p[-3]) !=
		    NULL)
			continue;
		memcpy(p, "\\u00", 4);
	}
	j = cJSON_ParseWithLength(t, len);
	free(t);
	if (j != NULL) {
		cJSON_Delete(j);
		return 1;
	}
	/* Python's json.dumps writes these; strict JSON has no word. */
	return (tg->flags & NONFINITE_OK) &&
	    (memmem(s, len, "NaN", 3) != NULL ||
	    memmem(s, len, "Infinity", 8) != NULL);
}

static void
checkoutput(int status)
{
	char *out, *line, *nl;
	size_t len;

	out = slurpout(&len);
	/* HF_FUZZ_SHOW=1 shows each run, for replaying one input by hand. */
	if (getenv("HF_FUZZ_SHOW") != NULL) {
		fprintf(stderr, "fuzz driver: exit %d, %zu bytes of output\n",
		    status, len);
		fwrite(out, 1, len, stderr);
	}
	if (status != 0 && len > 0 &&
	    !((tg->flags & OUT_ON_FAIL) && status == 1) &&
	    !((tg->flags & EXTRA_STATUS) && (status == 3 || status == 4)))
		fail("output on standard output despite an error");
	if (status == 0 && (tg->flags & JSON_DOC) && !isjson(out, len))
		fail("output is not JSON");
	if (status == 0 && (tg->flags & JSON_LINES))
		for (line = out; line < out + len; line = nl + 1) {
			if ((nl = memchr(line, '\n', out + len - line)) ==
			    NULL)
				fail("output does not end in a newline");
			if (!isjson(line, nl - line))
				fail("an output line is not JSON");
		}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static jmp_buf env;
	char *argv[24];
	volatile int status;
	int argc, r;
	size_t i;

	if (tg->flags & SPLIT)
		splitinput(data, size);
	else
		writefile(inpath, (const char *)data, size);
	/* Standard input starts afresh, at the start of the new input. */
	if (fcntl(0, F_GETFD) == -1 || fcntl(1, F_GETFD) == -1)
		fail("a run closed standard input or output");
	clearerr(stdin);
	if (fseek(stdin, 0, SEEK_SET) == -1)
		fail("fseek stdin");
	fflush(stdout);
	clearerr(stdout);
	if (ftruncate(outfd, 0) == -1)
		fail("ftruncate stdout");

	for (argc = 0; tg->argv[argc] != NULL; argc++)
		argv[argc] = argc == 0 ? (char *)tg->argv[0] :
		    expand(tg->argv[argc]);
	argv[argc] = NULL;
	notefds();
	memset(maps, 0, sizeof(maps));

	/* glibc: 0 asks getopt for a full reset, not only of the index. */
	optind = 0;
	hf_fuzz_env = &env;
	if ((r = setjmp(env)) == 0)
		status = filter_main(argc, argv);
	else
		status = r - 1;
	hf_fuzz_env = NULL;
	fflush(stdout);

	for (i = 1; i < (size_t)argc; i++)
		free(argv[i]);
	closeleftovers();
	for (i = 0; i < MAXMAPS; i++)
		if (maps[i].addr != NULL)
			__real_munmap(maps[i].addr, maps[i].len);
	if (status < 0 || status > 4 ||
	    (status > 2 && !(tg->flags & EXTRA_STATUS)))
		fail("exit status outside the documented set");
	checkoutput(status);
	return 0;
}

/*
 * yaml2json: options, and each file operand converted as if it were the
 * only one: a file that fails is reported by name, prints nothing, and
 * the others are still converted (see yaml2json.h for the stages).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yaml2json.h"

struct yctx Y;

/*
 * An error of the file being converted: reported, then on to the next
 * file.  A message is cut at a few hundred bytes, as a scalar quoted in
 * it may be megabytes long.
 */
void
dieat(unsigned long line, unsigned long col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hf_warnat(Y.name, line, col, "%s", msg);
	longjmp(Y.fail, 1);
}

/*
 * An error of a node, in constructing or printing it.  A direct
 * conversion gives up instead: the graph finds the same error, and
 * reports it in PyYAML's order, after any error of the parse.
 */
void
dienode(const struct node *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (Y.direct)
		giveup();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dieat(n->line, n->col, "%s", msg);
}

/*
 * The stream of one input: every document is parsed and checked before
 * anything is constructed, as PyYAML's safe_load parses the whole stream
 * first; with -m each document is printed as it ends, and the output of
 * the file is held until all of it is checked.
 */
static void
run(void)
{
	yaml_event_t *ev;
	struct node *root = NULL;
	int ndocs = 0;

	/*
	 * Directly, unless that gave up: not with -m, which prints each
	 * document as it ends, nor with -a, which edits the top mapping, nor
	 * when placeholders stand for tabs, which phfix() puts back in nodes.
	 */
	Y.direct = !Y.multi && Y.na == 0 && Y.nph == 0 && !Y.nodirect;
	/*
	 * The output is then held to the end, and is about one and a half
	 * times the input: room for twice the input spares copies.
	 */
	if (Y.direct)
		hf_strreserve(&Y.outbuf, Y.in.len * 2);
	outstart();
	parserstart();
	nextevent();		/* STREAM-START */
	eventdone();
	for (;;) {
		ev = nextevent();
		directivecheck(ev);
		if (ev->type == YAML_STREAM_END_EVENT) {
			eventdone();
			break;
		}
		if (ndocs > 0 && !Y.multi)
			dieat(ev->start_mark.line + 1, ev->start_mark.column + 1,
			    "expected a single document in the stream, but "
			    "found another document (see -m)");
		eventdone();
		root = parsedoc();
		ndocs++;
		if (Y.multi) {
			document(root);
			freedoc();
		}
	}
	phcheck();
	tabcheck();
	if (!Y.multi) {
		/*
		 * The whole stream is read and checked: once the document
		 * is constructed, nothing can fail, so the output may go out
		 * as it is made.
		 */
		Y.stream = 1;
		/* A document converted directly is written but for its end. */
		if (Y.direct && ndocs > 0)
			hf_straddc(&Y.outbuf, '\n');
		else
			document(root);
	}
}

/* What one file leaves behind, whether it converted or failed. */
static void
filereset(void)
{
	parserend();
	freedoc();
	directreset();
	hf_buffree(&Y.in);
	Y.outbuf.len = 0;
	Y.stream = 0;
	Y.direct = Y.nodirect = 0;
	Y.nspan = 0;
	Y.npatch = Y.ndir = Y.ndone = 0;
	Y.nph = Y.phfound = 0;
}

/*
 * Whether path can be read, before reading it, so that a file missing,
 * unreadable or too large is reported and the other operands still
 * converted; standard input is always tried.  Returns 0 or the status.
 */
static int
readable(const char *path)
{
	struct stat st;
	int fd, status = 0;

	if (path == NULL || strcmp(path, "-") == 0)
		return 0;
	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1) {
		hf_warnat(path, 0, 0, "%s", strerror(errno));
		status = HF_EUSAGE;
	} else if (S_ISDIR(st.st_mode)) {
		hf_warnat(path, 0, 0, "%s", strerror(EISDIR));
		status = HF_EUSAGE;
	} else if (S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size > YAML2JSON_INPUT_MAX) {
		hf_warnat(path, 0, 0, "more than %lu bytes of input",
		    (unsigned long)YAML2JSON_INPUT_MAX);
		status = HF_EDATA;
	}
	if (fd != -1)
		close(fd);
	return status;
}

/* One operand (NULL for standard input): 0, or the status it failed with. */
static int
convert(const char *path)
{
	int status;

	if ((status = readable(path)) != 0)
		return status;
	if (setjmp(Y.fail) != 0) {
		filereset();
		return HF_EDATA;
	}
	hf_readmax(path, &Y.in, YAML2JSON_INPUT_MAX, HF_EDATA);
	Y.name = Y.in.name;
	/*
	 * Each rewrite of the input (see patch()) parses it again, and so
	 * does a direct conversion that gave up.
	 */
	if (setjmp(Y.retry) != 0) {
		parserend();
		freedoc();
		directreset();
		Y.outbuf.len = 0;
		Y.nspan = 0;
		Y.ndone = 0;
		Y.phfound = 0;
	}
	run();
	hf_write(Y.outbuf.s, Y.outbuf.len);
	filereset();
	return HF_OK;
}

/*
 * Free everything.  main() may run more than once in a process (fuzzing
 * builds), after a run that the library left by a jump.
 */
static void
release(void)
{
	size_t i;

	filereset();
	directfree();
	hf_strfree(&Y.outbuf);
	free(Y.akeys);
	free(Y.kids.v);
	free(Y.queue.v);
	free(Y.stack.v);
	free(Y.spans);
	free(Y.otags);
	for (i = 0; i < sizeof(Y.bigs) / sizeof(Y.bigs[0]); i++)
		free(Y.bigs[i].d);
	memset(&Y, 0, sizeof(Y));
}

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status,
	    "usage: yaml2json [-cm] [-a key=value] [-o file] [file ...]\n");
}

int
main(int argc, char *argv[])
{
	const char *out = NULL;
	int ch, i, s, status = HF_OK;

	release();
	hf_setprogname(argv[0]);
	while ((ch = getopt(argc, argv, "a:chmo:")) != -1) {
		switch (ch) {
		case 'a':
			if (hf_splitkv(optarg) == NULL)
				usage(HF_EUSAGE);
			Y.akeys = hf_reallocarray(Y.akeys, Y.na + 1,
			    sizeof(*Y.akeys));
			Y.akeys[Y.na++] = optarg;
			break;
		case 'c':
			Y.compact = 1;
			break;
		case 'h':
			usage(HF_OK);
		case 'm':
			Y.multi = Y.compact = 1;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage(HF_EUSAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (out != NULL)
		hf_setoutput(out);
	if (argc == 0)
		status = convert(NULL);
	for (i = 0; i < argc; i++)
		if ((s = convert(argv[i])) > status)
			status = s;
	release();
	hf_exit(status);
}

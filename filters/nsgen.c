/*
 * nsgen: write namespace.json, the identity of a handoff package, from
 * key=value pairs.
 *
 * The namespace ends up in file names, git commands and the replay script,
 * so every field is checked against a narrow syntax, and all problems are
 * reported in one run: whoever fixes the input should not have to rerun
 * the tool once per mistake.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

/* The longest value accepted for any key, in bytes (a file name's limit). */
#define NSGEN_VALUE_MAX	255
/* The most bytes read from standard input: far more than a namespace. */
#define NSGEN_INPUT_MAX	65536
/* Longer than any key; a line is read up to key, '=' and value. */
#define NSGEN_KEY_MAX	32
/*
 * The most bytes read from the manifest of -m (4 MiB): yaml2json writes it
 * from a mission's expected-artifacts.yaml, a few kilobytes.
 */
#define NSGEN_MANIFEST_MAX	(4UL * 1024 * 1024)

enum key {
	K_SCOPE, K_SLUG, K_BRANCH, K_COMMIT, K_MISSION, K_MVERSION, K_STEP,
	K_GENERATED, NKEYS
};

/* The keys in the order of namespace.json. */
static const char *const keyname[NKEYS] = {
	"project_scope_id", "feature_slug", "source_branch", "source_commit",
	"mission_key", "manifest_version", "step_id", "generated_at"
};

struct state {
	char		*value[NKEYS];	/* NULL: not given */
	const char	*file[NKEYS];	/* where it was given: NULL for */
	unsigned long	 line[NKEYS];	/* an argument */
	cJSON		*steps;		/* required_by_step of -m, or NULL */
	char		*mversion;	/* manifest_version of -m, or NULL */
	const char	*manifest;
	int		 bad;
};

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status, "usage: nsgen [-m manifest.json] [-o file] "
	    "[key=value ...]\n");
}

/*
 * One problem: "nsgen: [file:line: ]what".  Arguments have no place to
 * point at, so their problems carry only the key.
 */
static void
problem(struct state *st, const char *file, unsigned long line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hf_vwarnat(file, line, 0, fmt, ap);
	va_end(ap);
	st->bad = 1;
}

/* Check one value; returns why it is wrong, or NULL. */
static const char *
badvalue(enum key k, const char *v, char *why, size_t size)
{
	if (*v == '\0')
		return "empty value";
	if (strlen(v) > NSGEN_VALUE_MAX) {
		snprintf(why, size, "longer than %d bytes", NSGEN_VALUE_MAX);
		return why;
	}
	switch (k) {
	case K_SCOPE:
		return hf_badscope(v);
	case K_SLUG:
		return hf_badslug(v);
	case K_BRANCH:
		return hf_badbranch(v);
	case K_COMMIT:
		return hf_badcommit(v);
	case K_MISSION:
		return hf_badmission(v);
	case K_STEP:
		return hf_badstep(v);
	case K_MVERSION:
		return hf_badversion(v);
	case K_GENERATED:
		return hf_badtime(v);
	default:
		return NULL;
	}
}

/* Take one "key=value"; file and line say where it came from. */
static void
take(struct state *st, char *kv, const char *file, unsigned long line)
{
	const char *why;
	char buf[128], *v, *q;
	int k;

	if ((v = hf_splitkv(kv)) == NULL) {
		q = hf_quote(kv);
		problem(st, file, line, "%s: not key=value", q);
		free(q);
		return;
	}
	for (k = 0; k < NKEYS; k++)
		if (strcmp(kv, keyname[k]) == 0)
			break;
	if (k == NKEYS) {
		q = hf_quote(kv);
		problem(st, file, line, "%s: unknown key", q);
		free(q);
		return;
	}
	if (st->value[k] != NULL) {
		problem(st, file, line, "%s: given more than once",
		    keyname[k]);
		return;
	}
	st->value[k] = hf_strdup(v);
	st->file[k] = file;
	st->line[k] = line;
	/* An empty step_id is the same as none: a Make variable left empty. */
	if (k == K_STEP && *v == '\0')
		return;
	if ((why = badvalue(k, v, buf, sizeof(buf))) != NULL) {
		q = hf_quote(v);
		problem(st, file, line, "%s: %s: %s", keyname[k], q, why);
		free(q);
	}
}

/*
 * Lines are read in blocks and cut to the buffer's size, so that a long
 * line costs no memory; and the input as a whole is bounded, so that a
 * stream that never ends is refused at once.
 */
struct reader {
	FILE	*fp;
	char	 blk[65536];
	size_t	 pos;
	size_t	 len;
	size_t	 total;
};

/*
 * The next line, without its newline, into buf (NUL-terminated); *cut
 * tells that it was longer than buf, *nul that it held a NUL byte.
 * Returns -1 at the end of the input.
 */
static int
nextline(struct reader *r, char *buf, size_t size, int *cut, int *nul)
{
	const char *p, *nl;
	size_t len = 0, seg, take;
	int any = 0;

	*cut = *nul = 0;
	for (;;) {
		if (r->pos == r->len) {
			r->pos = 0;
			r->len = fread(r->blk, 1, sizeof(r->blk), r->fp);
			if (r->len == 0) {
				if (ferror(r->fp))
					hf_dieio("%s", HF_STDIN_NAME);
				break;
			}
			if ((r->total += r->len) > NSGEN_INPUT_MAX)
				hf_dieat(HF_EDATA, HF_STDIN_NAME, 0, 0,
				    "more than %d bytes of input",
				    NSGEN_INPUT_MAX);
		}
		any = 1;
		p = r->blk + r->pos;
		nl = memchr(p, '\n', r->len - r->pos);
		seg = nl != NULL ? (size_t)(nl - p) : r->len - r->pos;
		if (memchr(p, '\0', seg) != NULL)
			*nul = 1;
		take = size - 1 - len < seg ? size - 1 - len : seg;
		memcpy(buf + len, p, take);
		len += take;
		if (take < seg)
			*cut = 1;
		r->pos += seg + (nl != NULL);
		if (nl != NULL)
			break;
	}
	buf[len] = '\0';
	return any ? 0 : -1;
}

/*
 * Read key=value lines.  Blank lines and lines beginning with '#' are
 * skipped.  A line is kept only as far as the longest key and value can
 * reach; what is cut off is reported as a value too long.
 */
static void
readlines(struct state *st, FILE *fp)
{
	static struct reader r;
	char buf[NSGEN_KEY_MAX + 1 + NSGEN_VALUE_MAX + 2];
	unsigned long line = 0;
	int cut, nul;

	memset(&r, 0, sizeof(r));
	r.fp = fp;
	while (nextline(&r, buf, sizeof(buf), &cut, &nul) == 0) {
		line++;
		if (nul)
			problem(st, HF_STDIN_NAME, line, "NUL byte in line");
		else if (buf[0] != '\0' && buf[0] != '#')
			take(st, buf, HF_STDIN_NAME, line);
	}
}

/* Load the steps of -m; problems there are bad input like any other. */
static void
loadmanifest(struct state *st)
{
	cJSON *root;

	root = hf_json_load(st->manifest, NSGEN_MANIFEST_MAX, HF_EDATA);
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root,
	    "manifest_version")))
		st->mversion = hf_strdup(cJSON_GetObjectItemCaseSensitive(root,
		    "manifest_version")->valuestring);
	st->steps = cJSON_DetachItemFromObjectCaseSensitive(root,
	    "required_by_step");
	if (!cJSON_IsObject(st->steps)) {
		problem(st, hf_inname(st->manifest), 0,
		    "no required_by_step object");
		cJSON_Delete(st->steps);
		st->steps = NULL;
	}
	cJSON_Delete(root);
}

static void
checkstep(struct state *st)
{
	const char *step = st->value[K_STEP];
	char *q;

	if (st->steps == NULL || step == NULL || *step == '\0')
		return;
	if (cJSON_GetObjectItemCaseSensitive(st->steps, step) == NULL) {
		q = hf_quote(step);
		problem(st, st->file[K_STEP], st->line[K_STEP],
		    "step_id: %s: not a step of %s", q, st->manifest);
		free(q);
	}
}

static void
output(const struct state *st)
{
	cJSON *ns;
	int k;

	ns = cJSON_CreateObject();
	cJSON_AddStringToObject(ns, "schema_version", "1");
	for (k = 0; k < NKEYS; k++) {
		if (k == K_STEP && (st->value[k] == NULL ||
		    *st->value[k] == '\0'))
			cJSON_AddNullToObject(ns, keyname[k]);
		else
			cJSON_AddStringToObject(ns, keyname[k], st->value[k]);
	}
	hf_json_print(ns, 2);
	cJSON_Delete(ns);
}

int
main(int argc, char *argv[])
{
	struct state st;
	const char *out = NULL;
	char *kv;
	int ch, i, k, readstdin;

	hf_setprogname(argv[0]);
	memset(&st, 0, sizeof(st));
	while ((ch = getopt(argc, argv, "hm:o:")) != -1) {
		switch (ch) {
		case 'h':
			usage(HF_OK);
		case 'm':
			st.manifest = optarg;
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
	if (st.manifest != NULL)
		loadmanifest(&st);
	readstdin = argc == 0;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (!readstdin)
				readlines(&st, stdin);
			readstdin = 1;
		} else
			take(&st, argv[i], NULL, 0);
	}
	if (argc == 0)
		readlines(&st, stdin);
	/* The manifest's version, unless the input gave one. */
	if (st.value[K_MVERSION] == NULL && st.mversion != NULL) {
		kv = hf_malloc(strlen(st.mversion) + sizeof("manifest_version="));
		sprintf(kv, "manifest_version=%s", st.mversion);
		take(&st, kv, st.manifest, 0);
		free(kv);
	}
	for (k = 0; k < NKEYS; k++)
		if (k != K_STEP && st.value[k] == NULL)
			problem(&st, NULL, 0, "%s: missing", keyname[k]);
	checkstep(&st);
	if (st.bad)
		hf_exit(HF_EDATA);
	output(&st);
	for (k = 0; k < NKEYS; k++)
		free(st.value[k]);
	cJSON_Delete(st.steps);
	free(st.mversion);
	hf_exit(HF_OK);
}

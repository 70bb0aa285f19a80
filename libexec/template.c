/*
 * template: write a package's generate.sh from its template.
 *
 * The template holds @NAME@ placeholders, each inside single quotes, so a
 * value is written with every ' as '\'' and the script reads it back
 * exactly, whatever it holds.  The text is read once from left to right:
 * a value that itself holds "@NAME@" is written as it is, and an '@' that
 * opens no known name stays an '@'.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

/* The largest template and manifest read. */
#define TEMPLATE_MAX	(1024UL * 1024)
#define MANIFEST_MAX	(64UL * 1024 * 1024)

/* The names a template may hold; unset ones are empty. */
static const char *const names[] = {
	"SOURCE_COMMIT", "SOURCE_BRANCH", "FEATURE_SLUG", "MISSION_KEY",
	"MANIFEST_VERSION", "PROJECT_SCOPE_ID", "STEP_ID", "ROOT_PATH",
	"MANIFEST", "SOURCE_DATE_EPOCH", "TEST_CMD", "SCENARIOS", "PINS",
	"NOTES"
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static const char *values[NNAMES];

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status, "usage: template [-m manifest.json] [-o file] template "
	    "[name=value ...]\n");
}

/* The index of the len bytes at s among names, or -1. */
static int
lookup(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < NNAMES; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return (int)i;
	return -1;
}

/*
 * The manifest's version as the script shows it: a string as it is, a
 * number as JSON writes it, null or no member as nothing.
 */
static char *
manifestversion(const char *path)
{
	struct hf_str s = { 0 };
	cJSON *man, *v;

	man = hf_json_load(path, MANIFEST_MAX, HF_EDATA);
	v = cJSON_GetObjectItemCaseSensitive(man, "manifest_version");
	if (cJSON_IsString(v))
		hf_straddstr(&s, v->valuestring);
	else if (v != NULL && !cJSON_IsNull(v))
		hf_json_dump(&s, v, 0);
	hf_straddc(&s, '\0');
	cJSON_Delete(man);
	return s.s;
}

static void
fill(struct hf_str *out, const char *t, size_t len)
{
	const char *end = t + len, *at, *close;
	int i;

	while ((at = memchr(t, '@', (size_t)(end - t))) != NULL &&
	    (close = memchr(at + 1, '@', (size_t)(end - at - 1))) != NULL) {
		hf_stradd(out, t, (size_t)(at - t));
		if ((i = lookup(at + 1, (size_t)(close - at - 1))) == -1) {
			hf_straddc(out, '@');
			t = at + 1;
			continue;
		}
		hf_shquoted(out, values[i] != NULL ? values[i] : "");
		t = close + 1;
	}
	hf_stradd(out, t, (size_t)(end - t));
}

int
main(int argc, char *argv[])
{
	struct hf_buf tpl;
	struct hf_str out = { 0 };
	const char *manifest = NULL, *outfile = NULL;
	char *mv = NULL, *val;
	int ch, i;

	hf_setprogname(argv[0]);
	while ((ch = getopt(argc, argv, "hm:o:")) != -1) {
		switch (ch) {
		case 'h':
			usage(HF_OK);
			break;
		case 'm':
			manifest = optarg;
			break;
		case 'o':
			outfile = optarg;
			break;
		default:
			usage(HF_EUSAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(HF_EUSAGE);
	for (i = 1; i < argc; i++) {
		if ((val = hf_splitkv(argv[i])) == NULL)
			hf_die(HF_EUSAGE, "%s: not name=value", argv[i]);
		if (lookup(argv[i], strlen(argv[i])) == -1)
			hf_die(HF_EUSAGE, "%s: not a name of the template",
			    argv[i]);
		values[lookup(argv[i], strlen(argv[i]))] = val;
	}
	if (manifest != NULL)
		values[lookup("MANIFEST_VERSION", 16)] = mv =
		    manifestversion(manifest);
	hf_readmax(argv[0], &tpl, TEMPLATE_MAX, HF_EUSAGE);

	/* One final newline, whether the template ends in one or not. */
	if (tpl.len > 0 && tpl.data[tpl.len - 1] == '\n')
		tpl.len--;
	fill(&out, tpl.data, tpl.len);
	hf_straddc(&out, '\n');
	if (outfile != NULL) {
		hf_setoutput(outfile);
		/* The output is a script: whoever may read it may run it. */
		hf_setoutputmode(0755);
	}
	hf_write(out.s, out.len);
	hf_strfree(&out);
	hf_buffree(&tpl);
	free(mv);
	hf_exit(HF_OK);
}

/*
 * A driver that exposes the shared library to the test suite, so that its
 * pieces can be compared with Python one at a time:
 *
 *	libcheck json [-c]	JSON on stdin, printed by the writer
 *	libcheck string		stdin's bytes as one JSON string literal
 *	libcheck float		one double a line, printed as Python's repr
 *	libcheck fnmatch P S	exit 0 when S matches P
 *	libcheck ulid MS HEX	the ULID of MS and 10 bytes given in hex
 *	libcheck iso TIME	the epoch seconds of an ISO 8601 Z time
 *	libcheck now		hf_isotime(hf_now())
 *	libcheck sha256 [N ...]	SHA-256 of stdin three ways, one hex line each:
 *				whole buffer; incremental, in pieces of the
 *				sizes N cycled, after an abandoned digest on
 *				the same context; incremental again, reused
 *	libcheck readmax N [F]	F (stdin by default) read with a bound of N
 *				bytes, written back
 *	libcheck strcopy R P	stdin appended to a string in pieces of P
 *				bytes after reserving R, written back
 *	libcheck ident K V	"ok", or why V is not a good K (slug, commit,
 *				branch, scope, mission, step, time), exit 1
 *	libcheck die		stdin's bytes as a message of hf_die
 *	libcheck jsonload F [P]	F loaded and printed; with P, the JSON
 *				pointer P's node named in a structural error
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hf.h"

static void
usage(void)
{
	fprintf(stderr, "usage: libcheck json [-c] | string | float | fnmatch pattern "
	    "string | ulid ms hex | iso time | now | sha256 [n ...] |\n"
	    "       readmax max [file] | strcopy reserve piece | ident kind value |\n"
	    "       die | jsonload file [pointer]\n");
	exit(HF_EUSAGE);
}

static int
json(int argc, char **argv)
{
	struct hf_buf in;
	cJSON *root;

	hf_readall(NULL, &in);
	if ((root = cJSON_ParseWithLength(in.data, in.len)) == NULL)
		hf_die(HF_EDATA, "not JSON");
	hf_json_print(root, argc > 1 && strcmp(argv[1], "-c") == 0 ? 0 : 2);
	cJSON_Delete(root);
	hf_buffree(&in);
	return HF_OK;
}

/* cJSON strings end at a NUL, so raw bytes go straight to the escaper. */
static int
string(void)
{
	struct hf_buf in;
	struct hf_str out = { 0 };

	hf_readall(NULL, &in);
	hf_json_string(&out, in.data, in.len);
	hf_straddc(&out, '\n');
	hf_write(out.s, out.len);
	hf_strfree(&out);
	hf_buffree(&in);
	return HF_OK;
}

static int
readmax(const char *max, const char *path)
{
	struct hf_buf in;

	hf_readmax(path, &in, strtoul(max, NULL, 10), HF_EDATA);
	hf_write(in.data, in.len);
	hf_buffree(&in);
	return HF_OK;
}

/* A reserved string that moves to a big mapping and grows by copy. */
static int
strcopy(const char *reserve, const char *piece)
{
	struct hf_buf in;
	struct hf_str out = { 0 };
	size_t off, n, p = strtoul(piece, NULL, 10);

	if (p == 0)
		usage();
	hf_readall(NULL, &in);
	hf_strreserve(&out, strtoul(reserve, NULL, 10));
	for (off = 0; off < in.len; off += n) {
		n = in.len - off < p ? in.len - off : p;
		hf_stradd(&out, in.data + off, n);
	}
	hf_write(out.s, out.len);
	hf_strfree(&out);
	hf_buffree(&in);
	return HF_OK;
}

static int
ident(const char *kind, const char *v)
{
	static const struct {
		const char	*kind;
		const char	*(*bad)(const char *);
	} rule[] = {
		{ "slug", hf_badslug }, { "commit", hf_badcommit },
		{ "branch", hf_badbranch }, { "scope", hf_badscope },
		{ "mission", hf_badmission }, { "step", hf_badstep },
		{ "time", hf_badtime },
	};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(rule) / sizeof(rule[0]); i++) {
		if (strcmp(kind, rule[i].kind) != 0)
			continue;
		if ((why = rule[i].bad(v)) == NULL) {
			printf("ok\n");
			return HF_OK;
		}
		printf("%s\n", why);
		return HF_EDATA;
	}
	usage();
	return HF_EUSAGE;
}

/* The message may hold NUL bytes, so it is printed with its length. */
static void
die(void)
{
	struct hf_buf in;

	hf_readall(NULL, &in);
	hf_die(HF_EDATA, "%.*s", (int)in.len, in.data);
}

/* A reference token of a JSON pointer: "~1" is '/', "~0" is '~'. */
static void
unescape(char *t)
{
	char *w = t;

	for (; *t != '\0'; t++) {
		if (t[0] == '~' && (t[1] == '0' || t[1] == '1'))
			*w++ = *++t == '1' ? '/' : '~';
		else
			*w++ = *t;
	}
	*w = '\0';
}

/*
 * Load a JSON file; with a pointer ("/a/0"), fail naming the node found
 * by following it, as a filter names a value of the wrong kind.
 */
static int
jsonload(const char *path, const char *ptr)
{
	cJSON *root, *node;
	char *tok, *copy, *save;

	root = hf_json_load(path, 1 << 20, HF_EDATA);
	if (ptr == NULL) {
		hf_json_print(root, 2);
		cJSON_Delete(root);
		return HF_OK;
	}
	node = root;
	copy = hf_strdup(ptr);
	for (tok = strtok_r(copy, "/", &save); tok != NULL && node != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		unescape(tok);
		node = cJSON_IsArray(node) ?
		    cJSON_GetArrayItem(node, atoi(tok)) :
		    cJSON_GetObjectItemCaseSensitive(node, tok);
	}
	free(copy);
	if (node == NULL)
		usage();
	hf_json_dieat(HF_EDATA, path, root, node, NULL, "wrong kind");
}

static int
floats(void)
{
	char line[128], repr[32];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		hf_float_repr(strtod(line, NULL), repr);
		printf("%s\n", repr);
	}
	return HF_OK;
}

static int
ulid(const char *ms, const char *hex)
{
	unsigned char rnd[10];
	char out[27];
	unsigned v;
	int i;

	if (strlen(hex) != 20)
		usage();
	for (i = 0; i < 10; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			usage();
		rnd[i] = (unsigned char)v;
	}
	hf_ulid(strtoull(ms, NULL, 10), rnd, out);
	printf("%s\n", out);
	return HF_OK;
}

static void
printsum(const unsigned char d[32])
{
	char hex[HF_SHA256_HEX];

	hf_hexdigest(d, 32, hex);
	printf("%s\n", hex);
}

/*
 * The three ways must agree whatever the backend: a wrong digest, a
 * context that keeps state across hf_sha256_init() or an update that
 * mishandles a piece not aligned to the 64-byte block shows as a line that
 * differs from the known value.
 */
static int
sha256(int argc, char **argv)
{
	struct hf_buf in;
	struct hf_sha256 *h;
	char hex[HF_SHA256_HEX];
	unsigned char d[32];
	size_t off = 0, n;
	int i = 0;

	hf_readall(NULL, &in);
	hf_sha256_hex(in.data, in.len, hex);
	printf("%s\n", hex);
	h = hf_sha256_new();
	hf_sha256_init(h);
	hf_sha256_update(h, "abandoned", 9);
	hf_sha256_init(h);
	while (off < in.len) {
		n = argc > 0 ? strtoul(argv[i++ % argc], NULL, 10) : in.len;
		if (n == 0 || n > in.len - off)
			n = in.len - off;
		hf_sha256_update(h, (const char *)in.data + off, n);
		off += n;
	}
	hf_sha256_final(h, d);
	printsum(d);
	hf_sha256_init(h);
	hf_sha256_update(h, in.data, in.len);
	hf_sha256_final(h, d);
	printsum(d);
	hf_sha256_free(h);
	hf_buffree(&in);
	return HF_OK;
}

int
main(int argc, char *argv[])
{
	char buf[21];
	time_t t;
	unsigned ms;

	hf_setprogname(argv[0]);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "json") == 0)
		return json(argc - 1, argv + 1), hf_flush(), HF_OK;
	if (strcmp(argv[1], "string") == 0)
		return string(), hf_flush(), HF_OK;
	if (strcmp(argv[1], "float") == 0)
		return floats(), hf_flush(), HF_OK;
	if (strcmp(argv[1], "fnmatch") == 0 && argc == 4)
		return hf_fnmatch(argv[2], argv[3]) ? 0 : 1;
	if (strcmp(argv[1], "ulid") == 0 && argc == 4)
		return ulid(argv[2], argv[3]), hf_flush(), HF_OK;
	if (strcmp(argv[1], "iso") == 0 && argc == 3) {
		if (hf_parseiso(argv[2], &t, &ms) != 0)
			hf_die(HF_EDATA, "%s: not an ISO 8601 UTC time", argv[2]);
		printf("%lld.%03u\n", (long long)t, ms);
		hf_exit(HF_OK);
	}
	if (strcmp(argv[1], "sha256") == 0)
		return sha256(argc - 2, argv + 2), hf_flush(), HF_OK;
	if (strcmp(argv[1], "readmax") == 0 && (argc == 3 || argc == 4))
		return readmax(argv[2], argc == 4 ? argv[3] : NULL), hf_flush(),
		    HF_OK;
	if (strcmp(argv[1], "strcopy") == 0 && argc == 4)
		return strcopy(argv[2], argv[3]), hf_flush(), HF_OK;
	if (strcmp(argv[1], "ident") == 0 && argc == 4)
		hf_exit(ident(argv[2], argv[3]));
	if (strcmp(argv[1], "die") == 0 && argc == 2)
		die();
	if (strcmp(argv[1], "jsonload") == 0 && (argc == 3 || argc == 4))
		hf_exit(jsonload(argv[2], argc == 4 ? argv[3] : NULL));
	if (strcmp(argv[1], "now") == 0) {
		hf_isotime(hf_now(), buf);
		printf("%s\n", buf);
		hf_exit(HF_OK);
	}
	usage();
}

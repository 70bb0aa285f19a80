/*
 * pkgcmp.c: what counts as a change to a package file.
 *
 * Installing and checking must agree on it: a file whose only difference
 * is the moment it was made (regenerated later from the same inputs) is
 * not a change, anything else is.  So the rule lives here once.
 *
 * The JSON files are json.dumps(indent=2) text, where a top-level member
 * is one line starting with two spaces, so "the same but for field K" is
 * decided on the text: every line equal except those of member K, whose
 * values are both strings.  Nothing else may differ, not even formatting.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "hf.h"

const char *const hf_pkg_files[HF_PKG_NFILES] = {
	"namespace.json",
	"artifact-manifest.json",
	"artifact-tree.json",
	"events.jsonl",
	"version-matrix.md",
	"verification.md",
	"generate.sh"
};

/* The timestamp member of each JSON file of the package. */
static const struct {
	const char	*file;
	const char	*key;
} stamps[] = {
	{ "namespace.json", "generated_at" },
	{ "artifact-manifest.json", "captured_at" },
	{ "artifact-tree.json", "captured_at" }
};

int
hf_pkg_index(const char *name)
{
	int i;

	for (i = 0; i < HF_PKG_NFILES; i++)
		if (strcmp(name, hf_pkg_files[i]) == 0)
			return i;
	return -1;
}

/*
 * Whether the line l is the member key with a string value: two spaces,
 * the quoted key, ": ", a JSON string without escapes, then "," or
 * nothing.  *tail is set past the string.
 */
static int
stampline(const struct hf_line *l, const char *key, size_t *tail)
{
	size_t k = strlen(key), i;

	if (l->len < k + 7 || memcmp(l->s, "  \"", 3) != 0 ||
	    memcmp(l->s + 3, key, k) != 0 ||
	    memcmp(l->s + 3 + k, "\": \"", 4) != 0)
		return 0;
	for (i = k + 7; i < l->len && l->s[i] != '"'; i++)
		if (l->s[i] == '\\' || (unsigned char)l->s[i] < ' ')
			return 0;
	if (i == l->len)
		return 0;
	*tail = i + 1;
	return l->len - *tail == 0 ||
	    (l->len - *tail == 1 && l->s[*tail] == ',');
}

static enum hf_pkgcmp
jsonstamp(const char *key, const char *a, size_t alen, const char *b,
    size_t blen)
{
	struct hf_buf ba = { (char *)a, alen, "", 0 };
	struct hf_buf bb = { (char *)b, blen, "", 0 };
	struct hf_line la = { 0 }, lb = { 0 };
	size_t pa = 0, pb = 0, ta, tb;
	int na, nb, stamped = 0;

	for (;;) {
		na = hf_nextline(&ba, &pa, &la);
		nb = hf_nextline(&bb, &pb, &lb);
		if (!na || !nb)
			break;
		if (la.len == lb.len && memcmp(la.s, lb.s, la.len) == 0)
			continue;
		if (!stampline(&la, key, &ta) || !stampline(&lb, key, &tb) ||
		    la.len - ta != lb.len - tb)
			return HF_PKG_DIFFERS;
		stamped = 1;
	}
	/* The same number of lines, and the same final newline. */
	if (na != nb || (alen > 0) != (blen > 0) ||
	    (alen > 0 && (a[alen - 1] == '\n') != (b[blen - 1] == '\n')))
		return HF_PKG_DIFFERS;
	return stamped ? HF_PKG_STAMP : HF_PKG_DIFFERS;
}

int
hf_pkg_isbootstrap(const char *s, size_t len)
{
	const char *nl;
	cJSON *ev, *type;
	int is;

	if ((nl = memchr(s, '\n', len)) != NULL && nl != s + len - 1)
		return 0;
	if ((ev = cJSON_ParseWithLength(s, len)) == NULL)
		return 0;
	type = cJSON_GetObjectItemCaseSensitive(ev, "event_type");
	is = cJSON_IsObject(ev) && cJSON_IsString(type) &&
	    strcmp(type->valuestring, "handoff_package_created") == 0;
	cJSON_Delete(ev);
	return is;
}

/*
 * Two lone bootstrap events that differ only in their time, and so in
 * the id made from it: every other member the same.
 */
static enum hf_pkgcmp
evstamp(const char *a, size_t alen, const char *b, size_t blen)
{
	static const char *const timed[] = { "at", "event_id" };
	cJSON *ea, *eb;
	enum hf_pkgcmp r = HF_PKG_DIFFERS;
	size_t i;

	if (!hf_pkg_isbootstrap(a, alen) || !hf_pkg_isbootstrap(b, blen))
		return HF_PKG_DIFFERS;
	ea = cJSON_ParseWithLength(a, alen);
	eb = cJSON_ParseWithLength(b, blen);
	for (i = 0; i < 2; i++) {
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ea,
		    timed[i])) || !cJSON_IsString(
		    cJSON_GetObjectItemCaseSensitive(eb, timed[i])))
			goto out;
		cJSON_DeleteItemFromObjectCaseSensitive(ea, timed[i]);
		cJSON_DeleteItemFromObjectCaseSensitive(eb, timed[i]);
	}
	if (cJSON_Compare(ea, eb, 1))
		r = HF_PKG_STAMP;
out:
	cJSON_Delete(ea);
	cJSON_Delete(eb);
	return r;
}

enum hf_pkgcmp
hf_pkgcmp(const char *name, const char *a, size_t alen, const char *b,
    size_t blen, const char **fields)
{
	size_t i;

	*fields = NULL;
	if (alen == blen && memcmp(a, b, alen) == 0)
		return HF_PKG_SAME;
	if (strcmp(name, "events.jsonl") == 0) {
		*fields = "at and event_id";
		return evstamp(a, alen, b, blen);
	}
	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++)
		if (strcmp(name, stamps[i].file) == 0) {
			*fields = stamps[i].key;
			return jsonstamp(stamps[i].key, a, alen, b, blen);
		}
	return HF_PKG_DIFFERS;
}

char *
hf_pkg_path(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *s;

	s = hf_malloc(n + strlen(name) + 2);
	memcpy(s, dir, n);
	s[n] = '/';
	strcpy(s + n + 1, name);
	return s;
}

/*
 * Written whole, through a temporary file: a run that ends before this
 * leaves no file, which the tally counts as failed.
 */
void
hf_pkg_outcome(const char *path, const char *word)
{
	char *tmp;
	FILE *fp;

	tmp = hf_malloc(strlen(path) + 5);
	strcpy(tmp, path);
	strcat(tmp, ".new");
	if ((fp = fopen(tmp, "w")) == NULL)
		hf_dieio("%s", tmp);
	fprintf(fp, "%s\n", word);
	if (fclose(fp) == EOF || rename(tmp, path) == -1)
		hf_dieio("%s", path);
	free(tmp);
}

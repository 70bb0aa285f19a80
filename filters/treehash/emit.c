/*
 * artifact-tree.json, in the layout of Python's json.dumps(indent=2).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "treehash.h"

/* The fixed text of a present entry, around its path, digest and size. */
#define E_PATH		"\n    {\n      \"path\": "
#define E_SHA		",\n      \"sha256\": \""
#define E_SIZE		"\",\n      \"size_bytes\": "
#define E_PRESENT	",\n      \"status\": \"present\"\n    }"

/*
 * The least an entry for a path of n bytes adds: the path in quotes with
 * nothing escaped, a size of one digit, and no comma before it.
 */
uint64_t
entryleast(size_t n)
{
	return sizeof(E_PATH) - 1 + n + 2 + sizeof(E_SHA) - 1 + 64 +
	    sizeof(E_SIZE) - 1 + 1 + sizeof(E_PRESENT) - 1;
}

/* A string value, or null for NULL. */
static void
strval(struct hf_str *b, const char *s)
{
	if (s == NULL)
		hf_straddstr(b, "null");
	else
		hf_json_string(b, s, strlen(s));
}

/* A number value and what follows it. */
static void
numval(struct hf_str *b, uint64_t v, const char *next)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	hf_straddstr(b, num);
	hf_straddstr(b, next);
}

static void __attribute__((noreturn))
toolarge(const char *name)
{
	hf_dieat(HF_EDATA, name, 0, 0, "artifact-tree.json would be larger "
	    "than %llu bytes", TREEHASH_TREE_MAX);
}

/*
 * The tree is printed straight from the entries, keys in the order
 * treehash(1) gives: a cJSON tree of it cost one allocation a value, and
 * over a large tree building and printing it took more than half the time
 * left after hashing, on one core. It is held whole (at most
 * TREEHASH_TREE_MAX bytes) before it is written, so that a tree too large
 * for -c to read back is refused with nothing written.
 */
void
emit(const struct tree *t, const struct patterns *absent,
    const struct hf_ns *ns, const char *name)
{
	struct hf_str b = { 0 };
	char sum[HF_SHA256_HEX];
	size_t i, n = t->n + absent->n;

	hf_straddstr(&b, "{\n  \"schema_version\": \"1\",\n"
	    "  \"feature_slug\": ");
	strval(&b, ns->slug);
	hf_straddstr(&b, ",\n  \"root_path\": ");
	strval(&b, t->root);
	if (t->commit != NULL) {
		hf_straddstr(&b, ",\n  \"tree_commit\": ");
		strval(&b, t->commit);
	}
	hf_straddstr(&b, ",\n  \"source_commit\": ");
	strval(&b, ns->commit);
	hf_straddstr(&b, ",\n  \"captured_at\": ");
	strval(&b, ns->at);
	hf_straddstr(&b, n == 0 ? ",\n  \"entries\": []" :
	    ",\n  \"entries\": [");
	for (i = 0; i < n; i++) {
		if (i > 0)
			hf_straddc(&b, ',');
		hf_straddstr(&b, E_PATH);
		if (i < t->n) {
			strval(&b, t->v[i].path);
			hf_sha256_tohex(t->v[i].sum, sum);
			hf_straddstr(&b, E_SHA);
			hf_straddstr(&b, sum);
			hf_straddstr(&b, E_SIZE);
			numval(&b, t->v[i].size, E_PRESENT);
		} else {
			strval(&b, absent->v[i - t->n]);
			hf_straddstr(&b, ",\n      \"sha256\": null,\n"
			    "      \"size_bytes\": null,\n"
			    "      \"status\": \"absent\"\n    }");
		}
		if (b.len > TREEHASH_TREE_MAX)
			toolarge(name);
	}
	hf_straddstr(&b, n == 0 ? ",\n  \"total_files\": " :
	    "\n  ],\n  \"total_files\": ");
	numval(&b, n, ",\n  \"present_count\": ");
	numval(&b, t->n, ",\n  \"absent_count\": ");
	numval(&b, absent->n, "\n}\n");
	if (b.len > TREEHASH_TREE_MAX)
		toolarge(name);
	hf_write(b.s, b.len);
	hf_strfree(&b);
}

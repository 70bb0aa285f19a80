/*
 * artifact-tree.json, in the layout of Python's json.dumps(indent=2).
 */
#include <stdio.h>
#include <string.h>

#include "treehash.h"

/* A member whose value is a string, or null for NULL. */
static void
strmember(struct hf_jw *w, const char *key, const char *s)
{
	hf_jw_key(w, key, strlen(key));
	if (s == NULL)
		hf_jw_raw(w, "null", 4);
	else
		hf_jw_str(w, s, strlen(s));
}

static void
uintmember(struct hf_jw *w, const char *key, uint64_t v)
{
	hf_jw_key(w, key, strlen(key));
	hf_jw_uint(w, v);
}

/* One entry; a NULL sum is an absent path. */
static void
entry(struct hf_jw *w, const char *path, const char *sum, uint64_t size)
{
	hf_jw_open(w, '{');
	strmember(w, "path", path);
	strmember(w, "sha256", sum);
	if (sum != NULL)
		uintmember(w, "size_bytes", size);
	else
		strmember(w, "size_bytes", NULL);
	strmember(w, "status", sum != NULL ? "present" : "absent");
	hf_jw_close(w, '}');
}

/*
 * The least an entry for a path of n bytes adds: the entry the writer
 * makes of an empty path with a size of one digit, first in the list, and
 * the path in quotes with nothing escaped.
 */
uint64_t
entryleast(size_t n)
{
	static uint64_t least;
	struct hf_str b = { 0 };
	struct hf_jw w;
	char sum[HF_SHA256_HEX];
	size_t before;

	if (least == 0) {
		memset(sum, '0', HF_SHA256_HEX - 1);
		sum[HF_SHA256_HEX - 1] = '\0';
		hf_jw_init(&w, &b, 2);
		hf_jw_open(&w, '{');
		hf_jw_key(&w, "entries", 7);
		hf_jw_open(&w, '[');
		before = b.len;
		entry(&w, "", sum, 0);
		least = b.len - before;
		hf_strfree(&b);
	}
	return least + n;
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
	struct hf_jw w;
	char sum[HF_SHA256_HEX];
	size_t i, n = t->n + absent->n;

	hf_jw_init(&w, &b, 2);
	hf_jw_open(&w, '{');
	strmember(&w, "schema_version", "1");
	strmember(&w, "feature_slug", ns->slug);
	strmember(&w, "root_path", t->root);
	if (t->commit != NULL)
		strmember(&w, "tree_commit", t->commit);
	strmember(&w, "source_commit", ns->commit);
	strmember(&w, "captured_at", ns->at);
	hf_jw_key(&w, "entries", 7);
	hf_jw_open(&w, '[');
	for (i = 0; i < n; i++) {
		if (i < t->n) {
			hf_hexdigest(t->v[i].sum, sizeof(t->v[i].sum), sum);
			entry(&w, t->v[i].path, sum, t->v[i].size);
		} else
			entry(&w, absent->v[i - t->n], NULL, 0);
		if (b.len > TREEHASH_TREE_MAX)
			toolarge(name);
	}
	hf_jw_close(&w, ']');
	uintmember(&w, "total_files", n);
	uintmember(&w, "present_count", t->n);
	uintmember(&w, "absent_count", absent->n);
	hf_jw_close(&w, '}');
	hf_straddc(&b, '\n');
	if (b.len > TREEHASH_TREE_MAX)
		toolarge(name);
	hf_write(b.s, b.len);
	hf_strfree(&b);
}

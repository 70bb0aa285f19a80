/*
 * Manifest patterns, and which of them no present path matches.
 *
 * Matching every pattern against every path costs their product, which a
 * manifest of many patterns makes slow. A pattern without a wildcard is a
 * path, found by binary search in the sorted tree; any other pattern is
 * tried only against the paths that start with its literal part, the
 * bytes before its first wildcard, which are a range of the sorted tree.
 * Both are exact because hf_fnmatch decodes strictly (see glob.c): equal
 * characters are equal bytes.
 */
#include <string.h>
#include <stdlib.h>

#include "treehash.h"

/* Add a pattern unless it is there already; returns 0 when it was. */
int
addpattern(struct patterns *p, const char *pat)
{
	if (!setadd(&p->set, pat))
		return 0;
	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 16 : p->cap * 2;
		p->v = hf_reallocarray(p->v, p->cap, sizeof(*p->v));
	}
	p->v[p->n++] = pat;
	return 1;
}

int
inpatterns(const struct patterns *p, const char *s)
{
	return sethas(&p->set, s);
}

void
freepatterns(struct patterns *p)
{
	free(p->v);
	setfree(&p->set);
	memset(p, 0, sizeof(*p));
}

/* The path_pattern of each item of one manifest list, in order. */
static void
itemlist(const cJSON *list, const char *name, const char *where,
    struct patterns *p)
{
	const cJSON *it, *pat;
	int i = 0;

	if (list == NULL || cJSON_IsNull(list))
		return;
	if (!cJSON_IsArray(list))
		hf_dieat(HF_EDATA, name, 0, 0, "%s: not a list", where);
	cJSON_ArrayForEach(it, list) {
		pat = cJSON_GetObjectItemCaseSensitive(it, "path_pattern");
		if (!cJSON_IsObject(it) || !cJSON_IsString(pat) ||
		    *pat->valuestring == '\0')
			hf_dieat(HF_EDATA, name, 0, 0, "%s/%d/path_pattern: "
			    "not a non-empty string", where, i);
		addpattern(p, pat->valuestring);
		i++;
	}
}

/*
 * The manifest's path patterns in the order absent entries are listed:
 * required_always, each step of required_by_step in order, then
 * optional_always; a pattern named twice is kept at its first place.
 */
cJSON *
loadmanifest(const char *path, struct patterns *p)
{
	struct hf_buf b;
	cJSON *root, *steps, *step;
	struct hf_str where = { 0 };

	root = loadjson(path, &b, TREEHASH_MANIFEST_MAX);
	if (!cJSON_IsObject(root))
		hf_dieat(HF_EDATA, b.name, 0, 0, "not a JSON object");
	itemlist(cJSON_GetObjectItemCaseSensitive(root, "required_always"),
	    b.name, "/required_always", p);
	steps = cJSON_GetObjectItemCaseSensitive(root, "required_by_step");
	if (steps != NULL && !cJSON_IsNull(steps)) {
		if (!cJSON_IsObject(steps))
			hf_dieat(HF_EDATA, b.name, 0, 0,
			    "/required_by_step: not a mapping");
		cJSON_ArrayForEach(step, steps) {
			where.len = 0;
			hf_straddstr(&where, "/required_by_step/");
			hf_straddstr(&where, step->string);
			itemlist(step, b.name, where.s, p);
		}
	}
	itemlist(cJSON_GetObjectItemCaseSensitive(root, "optional_always"),
	    b.name, "/optional_always", p);
	hf_strfree(&where);
	hf_buffree(&b);
	return root;
}

/*
 * Whether some path of the tree, sorted and without repeats, matches pat.
 */
int
matchesany(const struct tree *t, const char *pat)
{
	size_t lo = 0, hi = t->n, mid, n;

	n = strcspn(pat, "*?[");
	/* The first path whose first n bytes are not below pat's. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strncmp(t->v[mid].path, pat, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pat[n] == '\0')
		return lo < t->n && strcmp(t->v[lo].path, pat) == 0;
	for (; lo < t->n && strncmp(t->v[lo].path, pat, n) == 0; lo++)
		if (hf_fnmatch(pat, t->v[lo].path))
			return 1;
	return 0;
}

/* A pattern is absent when no present path matches it. */
void
findabsent(const struct tree *t, const struct patterns *all,
    struct patterns *absent)
{
	size_t i;

	for (i = 0; i < all->n; i++)
		if (!matchesany(t, all->v[i]))
			addpattern(absent, all->v[i]);
}

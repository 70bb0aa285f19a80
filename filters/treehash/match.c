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

static void
additem(const struct hf_manifest *m, const struct hf_item *it, void *arg)
{
	(void)m;
	addpattern(arg, it->pattern);
}

/*
 * The manifest's path patterns in the order absent entries are listed
 * (the manifest walk's); a pattern named twice is kept at its first place.
 */
cJSON *
loadmanifest(const char *path, struct patterns *p)
{
	struct hf_manifest m;
	cJSON *root;

	root = hf_json_load(path, TREEHASH_MANIFEST_MAX, HF_EDATA);
	m.root = root;
	m.file = hf_inname(path);
	m.status = HF_EDATA;
	hf_manifest_walk(&m, additem, p);
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

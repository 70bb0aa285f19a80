/*
 * A set of strings by content, so that a path read twice, or a pattern
 * named twice, is found in constant time rather than by a scan of all
 * those before it. Open addressing with linear probing, kept at most half
 * full.
 */
#include <stdlib.h>
#include <string.h>

#include "treehash.h"

static size_t
slot(const struct strset *set, const char *s)
{
	size_t i = (size_t)hf_hash(s, strlen(s)) & (set->cap - 1);

	while (set->v[i] != NULL && strcmp(set->v[i], s) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

static void
grow(struct strset *set)
{
	struct strset big;
	size_t i;

	big.cap = set->cap == 0 ? 64 : set->cap * 2;
	big.n = set->n;
	big.v = hf_calloc(big.cap, sizeof(*big.v));
	for (i = 0; i < set->cap; i++)
		if (set->v[i] != NULL)
			big.v[slot(&big, set->v[i])] = set->v[i];
	free(set->v);
	*set = big;
}

int
setadd(struct strset *set, const char *s)
{
	size_t i;

	if (2 * (set->n + 1) > set->cap)
		grow(set);
	i = slot(set, s);
	if (set->v[i] != NULL)
		return 0;
	set->v[i] = s;
	set->n++;
	return 1;
}

int
sethas(const struct strset *set, const char *s)
{
	return set->cap > 0 && set->v[slot(set, s)] != NULL;
}

void
setfree(struct strset *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}

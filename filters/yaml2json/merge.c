/*
 * Merging: SafeConstructor's flatten_mapping for merge keys ("<<"), in
 * PyYAML's order and with its side effects, and the keys of a mapping
 * compared as Python compares dict keys, so that 1, 1.0 and true are
 * one key and the last value wins in the first key's place.  The lists
 * built here live in the document's arena, so that an error leaves
 * nothing to free.
 */
#include <string.h>

#include "yaml2json.h"

void
charge(struct node *n, uint64_t units)
{
	Y.budget += units;
	if (Y.budget > MAXALIAS)
		dienode(n, "aliases and merge keys expand to more than %d "
		    "nodes and bytes", MAXALIAS);
}

int
samekey(const struct node *a, const struct node *b)
{
	return a == b || (a->kc == b->kc && a->kidlen == b->kidlen &&
	    memcmp(a->kid, b->kid, a->kidlen) == 0);
}

uint64_t
keyhash(const struct node *k)
{
	return hf_fnv1a(k->kid, k->kidlen, HF_FNV_INIT ^ k->kc);
}

/*
 * The pairs of a flattened mapping without duplicate keys: the first key
 * stays, in its place, with the last value, as dict insertion keeps them.
 * Merging a deduplicated mapping gives the same dict as merging all its
 * pairs, so chains of merge keys stay linear instead of growing
 * exponentially as PyYAML's lists do.  Keys are constructed here, as
 * they are needed to compare them; values dropped are still constructed,
 * since PyYAML constructs them and may fail on them.
 */
static void
dedupe(struct node *n)
{
	struct node *k, *val;
	size_t *tab = NULL, tcap = 0, i, j, h, m = 0;

	if (n->n / 2 > HASHMIN) {
		for (tcap = 64; tcap < n->n * 2; tcap *= 2)
			;
		tab = aalloc(tcap * sizeof(*tab));
	}
	for (i = 0; i < n->n; i += 2) {
		k = n->v[i];
		val = n->v[i + 1];
		if (k->kind != K_SCALAR || !isscalartag(k->tag)) {
			if (k->tag >= T_MERGE)
				cobj(k);
			dienode(k, "found unhashable key");
		}
		cobj(k);
		if (tab != NULL) {
			h = keyhash(k) & (tcap - 1);
			while (tab[h] != 0 && !samekey(n->v[tab[h] - 1], k))
				h = (h + 1) & (tcap - 1);
			j = tab[h] != 0 ? tab[h] - 1 : m;
			if (j == m)
				tab[h] = m + 1;
		} else {
			for (j = 0; j < m; j += 2)
				if (samekey(n->v[j], k))
					break;
		}
		if (j < m) {
			cobj(n->v[j + 1]);
			n->v[j + 1] = val;
			continue;
		}
		n->v[m++] = k;
		n->v[m++] = val;
	}
	n->n = m;
}

/*
 * SafeConstructor.flatten_mapping, with its side effects: merge keys are
 * deleted from the node and the merged pairs put in front of its own, so
 * a second flattening of the same node does nothing.  The node's pairs
 * are v[0..fw) followed by v[fr..n): deleting a merge key only moves fr,
 * keeping a pair copies it down.  When a merge leads back to a node that
 * is being flattened, that node is made contiguous first, and the outer
 * flattening sees the new list afterwards, as PyYAML's loop does.
 */
static void
flatten(struct node *n, int depth)
{
	struct nvec merge = { 0 }, sub = { 0 };
	struct node *k, *val, *s, **nv;
	size_t idx, i, j, gen, *seg = NULL, nseg;

	if (n->flat)
		return;
	/* Most mappings have no key to flatten: only duplicates to drop. */
	if (!n->merges) {
		dedupe(n);
		n->flat = 1;
		return;
	}
	if (depth > MAXDEPTH)
		dienode(n, "merge keys nested deeper than %d levels",
		    MAXDEPTH);
	n->active++;
	if (n->fw < n->fr) {
		memmove(n->v + n->fw, n->v + n->fr,
		    (n->n - n->fr) * sizeof(*n->v));
		n->n -= n->fr - n->fw;
	}
	n->fw = n->fr = idx = 0;
	while (idx < n->fw + (n->n - n->fr)) {
		k = n->v[n->fr];
		val = n->v[n->fr + 1];
		if (k->tag == T_MERGE) {
			n->fr += 2;
			gen = n->gen;
			if (val->kind == K_MAP) {
				flatten(val, depth + 1);
				charge(n, val->n / 2 * MERGECOST);
				for (i = 0; i < val->n; i++)
					apush(&merge, val->v[i]);
			} else if (val->kind == K_SEQ) {
				sub.n = nseg = 0;
				seg = aalloc((val->n + 1) * sizeof(*seg));
				for (i = 0; i < val->n; i++) {
					s = val->v[i];
					if (s->kind != K_MAP)
						dienode(s, "expected a mapping "
						    "for merging, but found %s",
						    kindname(s->kind));
					flatten(s, depth + 1);
					seg[nseg++] = sub.n;
					for (j = 0; j < s->n; j++)
						apush(&sub, s->v[j]);
				}
				seg[nseg] = sub.n;
				/* Later mappings first: earlier ones win. */
				for (i = nseg; i-- > 0;) {
					charge(n, (seg[i + 1] - seg[i]) / 2 *
					    MERGECOST);
					for (j = seg[i]; j < seg[i + 1]; j++)
						apush(&merge, sub.v[j]);
				}
			} else
				dienode(val, "expected a mapping or list of "
				    "mappings for merging, but found %s",
				    kindname(val->kind));
			if (n->gen != gen) {
				/* Flattened again meanwhile: a new list. */
				n->fw = n->fr = idx;
			}
			continue;
		}
		if (k->tag == T_VALUE)
			k->tag = T_STR;
		n->v[n->fw] = k;
		n->v[n->fw + 1] = val;
		n->fw += 2;
		n->fr += 2;
		idx += 2;
	}
	if (n->fw < n->fr) {
		memmove(n->v + n->fw, n->v + n->fr,
		    (n->n - n->fr) * sizeof(*n->v));
		n->n -= n->fr - n->fw;
	}
	if (merge.n > 0) {
		nv = aalloc((merge.n + n->n) * sizeof(*nv));
		memcpy(nv, merge.v, merge.n * sizeof(*nv));
		memcpy(nv + merge.n, n->v, n->n * sizeof(*nv));
		n->v = nv;
		n->n += merge.n;
	}
	n->fw = n->fr = 0;
	n->gen++;
	/* Only the outermost flattening may change the positions. */
	if (--n->active == 0) {
		dedupe(n);
		n->flat = 1;
	}
}

/*
 * BaseConstructor.construct_mapping and dict insertion: the first key
 * stays, with the last value.
 */
void
cmapping(struct node *n)
{
	size_t i;

	if (n->kind != K_MAP)
		dienode(n, "expected a mapping node, but found %s",
		    kindname(n->kind));
	flatten(n, 0);
	for (i = 0; i < n->n; i += 2)
		cobj(n->v[i + 1]);
	n->out = n->v;
	n->nout = n->n;
}

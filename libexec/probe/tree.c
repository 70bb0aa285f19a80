/*
 * The trees of the features as cat-file reads them: every tree below
 * them, read a level a batch, then every blob of them in one more, all
 * kept in a table by object id; and from them the object stream that
 * treehash -g reads, in git's order and with paths quoted as git quotes
 * them, and the top-level files of a feature's tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

/*
 * Every tree and blob read, by object id: a table and an open-addressing
 * index into it, so that a repository of many files costs no quadratic
 * search.
 */
struct onode *objs;
size_t nobjs;
static size_t capobjs;
static size_t *oindex;		/* position + 1, 0 for a free slot */
static size_t capindex;

/* The slot of oid in the index: its entry, or the free one it would take. */
static size_t *
oslot(const char *oid)
{
	size_t i = (size_t)hf_hash(oid, strlen(oid)) & (capindex - 1);

	while (oindex[i] != 0 && strcmp(objs[oindex[i] - 1].oid, oid) != 0)
		i = (i + 1) & (capindex - 1);
	return &oindex[i];
}

struct obj *
findobj(const char *oid)
{
	size_t *sl;

	if (capindex == 0)
		return NULL;
	sl = oslot(oid);
	return *sl ? &objs[*sl - 1].o : NULL;
}

/* Enter oid, its object not read yet; returns 0 if it was there. */
int
addobj(const char *oid)
{
	size_t i;

	if (findobj(oid) != NULL)
		return 0;
	if (2 * (nobjs + 1) > capindex) {
		free(oindex);
		capindex = capindex ? 2 * capindex : 1024;
		oindex = hf_calloc(capindex, sizeof(*oindex));
		for (i = 0; i < nobjs; i++)
			*oslot(objs[i].oid) = i + 1;
	}
	if (nobjs == capobjs) {
		capobjs = capobjs ? 2 * capobjs : 512;
		objs = hf_reallocarray(objs, capobjs, sizeof(*objs));
	}
	memset(&objs[nobjs], 0, sizeof(*objs));
	strcpy(objs[nobjs].oid, oid);
	*oslot(oid) = nobjs + 1;
	nobjs++;
	return 1;
}

/* One entry of a tree object. */
struct tent {
	unsigned	 mode;
	const char	*name;
	char		 oid[65];
};

/* The next entry of tree t from *pos; returns 0 at its end. */
static int
nextent(const struct obj *t, size_t *pos, struct tent *e)
{
	const char *p = t->data + *pos, *end = t->data + t->len, *nul;

	if (p >= end)
		return 0;
	e->mode = 0;
	while (p < end && *p >= '0' && *p <= '7')
		e->mode = e->mode * 8 + (unsigned)(*p++ - '0');
	if (p >= end || *p++ != ' ' ||
	    (nul = memchr(p, '\0', (size_t)(end - p))) == NULL ||
	    end - (nul + 1) < oidhex / 2)
		hf_die(HF_EUSAGE, "git cat-file: malformed tree %s", t->oid);
	e->name = p;
	hf_hexdigest((const unsigned char *)nul + 1, (size_t)oidhex / 2,
	    e->oid);
	*pos = (size_t)(nul + 1 + oidhex / 2 - t->data);
	return 1;
}

/*
 * Read every tree below the features' trees, one batch a level, then
 * every blob of them in one more.
 */
void
fetchtrees(void)
{
	struct obj *ans;
	struct tent e;
	size_t i, pos, first, last, k;

	first = nobjs;
	for (i = 0; i < nfeats; i++)
		if (feats[i].tree.data != NULL && !feats[i].cached &&
		    addobj(feats[i].tree.oid))
			objs[nobjs - 1].o = feats[i].tree;
	while (first < nobjs) {
		last = nobjs;
		for (k = first; k < last; k++) {
			pos = 0;
			while (nextent(&objs[k].o, &pos, &e))
				if (e.mode == 040000 && addobj(e.oid))
					catask("contents", e.oid);
		}
		ans = hf_calloc(catn + 1, sizeof(*ans));
		catflush(ans);
		for (k = last; k < nobjs; k++) {
			if (ans[k - last].data == NULL ||
			    strcmp(ans[k - last].type, "tree") != 0)
				hf_die(HF_EUSAGE, "git cat-file: tree %s "
				    "missing", objs[k].oid);
			objs[k].o = ans[k - last];
		}
		free(ans);
		first = last;
	}
	last = nobjs;
	for (k = 0; k < last; k++) {
		pos = 0;
		if (strcmp(objs[k].o.type, "tree") != 0)
			continue;
		while (nextent(&objs[k].o, &pos, &e))
			if (((e.mode & 0170000) == 0100000 ||
			    e.mode == 0120000) && addobj(e.oid))
				catask("contents", e.oid);
	}
	ans = hf_calloc(catn + 1, sizeof(*ans));
	catflush(ans);
	for (k = last; k < nobjs; k++) {
		if (ans[k - last].data == NULL)
			hf_die(HF_EUSAGE, "git cat-file: blob %s missing",
			    objs[k].oid);
		objs[k].o = ans[k - last];
	}
	free(ans);
}

/* Append path as git quotes it with core.quotePath on. */
static void
quotepath(struct hf_str *s, const char *p, size_t n)
{
	static const char esc[] = "\a\b\t\n\v\f\r\"\\";
	static const char let[] = "abtnvfr\"\\";
	const char *q;
	size_t i;
	char oct[5];
	int need = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f)
			need = 1;
	}
	if (!need) {
		hf_stradd(s, p, n);
		return;
	}
	hf_straddc(s, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c != '\0' && (q = strchr(esc, c)) != NULL) {
			hf_straddc(s, '\\');
			hf_straddc(s, let[q - esc]);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(oct, sizeof(oct), "\\%03o", c);
			hf_straddstr(s, oct);
		} else
			hf_straddc(s, (char)c);
	}
	hf_straddc(s, '"');
}

/*
 * The object stream of tree t under path prefix pre, in git's order
 * (that of ls-tree -r), leaving out handoff/ at the top.
 */
void
emittree(struct hf_str *s, const struct obj *t, struct hf_str *pre)
{
	struct tent e;
	struct obj *b;
	size_t pos = 0, keep = pre->len, nl;
	char hdr[128];

	while (nextent(t, &pos, &e)) {
		nl = strlen(e.name);
		if (e.mode == 040000) {
			if (keep == 0 && strcmp(e.name, "handoff") == 0)
				continue;
			hf_stradd(pre, e.name, nl);
			hf_straddc(pre, '/');
			emittree(s, findobj(e.oid), pre);
			pre->len = keep;
			continue;
		}
		if ((e.mode & 0170000) != 0100000 && e.mode != 0120000)
			continue;
		b = findobj(e.oid);
		snprintf(hdr, sizeof(hdr), "%s blob %zu %06o ", e.oid, b->len,
		    e.mode);
		hf_straddstr(s, hdr);
		hf_stradd(pre, e.name, nl);
		quotepath(s, pre->s, pre->len);
		pre->len = keep;
		hf_straddc(s, '\n');
		hf_stradd(s, b->data, b->len);
		hf_straddc(s, '\n');
	}
}

/* The blob id of top-level entry name of tree t, into oid ("" if none). */
void
toplevel(const struct obj *t, const char *name, char oid[65])
{
	struct tent e;
	size_t pos = 0;

	oid[0] = '\0';
	while (nextent(t, &pos, &e))
		if (strcmp(e.name, name) == 0 &&
		    ((e.mode & 0170000) == 0100000))
			strcpy(oid, e.oid);
}

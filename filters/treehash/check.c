/*
 * Check mode: a committed artifact-tree.json, validated, and the
 * differences of the tree from it, in the manner of mtree -f.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "treehash.h"

static int
centrycmp(const void *a, const void *b)
{
	const struct centry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static int
isint(const cJSON *n, uint64_t *v)
{
	double d;

	if (!cJSON_IsNumber(n))
		return 0;
	d = n->valuedouble;
	if (!(d >= 0 && d <= (double)SIZEMAX) || d != (double)(uint64_t)d)
		return 0;
	*v = (uint64_t)d;
	return 1;
}

static void
count(const cJSON *root, const char *key, uint64_t want, const char *name)
{
	uint64_t v;

	if (!isint(cJSON_GetObjectItemCaseSensitive(root, key), &v))
		hf_json_dieat(HF_EDATA, name, root, root, key, "not a count");
	if (v != want)
		hf_json_dieat(HF_EDATA, name, root, root, key, "%llu, but the "
		    "entries give %llu", (unsigned long long)v,
		    (unsigned long long)want);
}

/* A digest as the tree writes it: 64 lowercase hex digits. */
static int
issha(const cJSON *n)
{
	/* A 64-digit commit name has exactly that form. */
	return cJSON_IsString(n) && strlen(n->valuestring) == 64 &&
	    hf_badcommit(n->valuestring) == NULL;
}

/*
 * Read and validate a committed artifact-tree.json: every entry well
 * formed, no path twice, and the counts adding up, so that a damaged
 * file is reported as such rather than as a list of differences.
 */
void
loadcommitted(const char *path, struct committed *cm)
{
	struct patterns *abs = &cm->absent;
	const char *name = hf_inname(path);
	cJSON *root, *list, *it, *p, *sha, *sz, *st;
	struct centry *v;
	size_t n = 0, k = 0, i;

	root = hf_json_load(path, TREEHASH_TREE_MAX, HF_EDATA);
	if (!cJSON_IsObject(root))
		hf_dieat(HF_EDATA, name, 0, 0, "not a JSON object");
	list = cJSON_GetObjectItemCaseSensitive(root, "entries");
	if (!cJSON_IsArray(list))
		hf_json_dieat(HF_EDATA, name, root, root, "entries",
		    "not a list");
	v = hf_reallocarray(NULL, (size_t)cJSON_GetArraySize(list) + 1,
	    sizeof(*v));
	cJSON_ArrayForEach(it, list) {
		if (!cJSON_IsObject(it))
			hf_json_dieat(HF_EDATA, name, root, it, NULL,
			    "not an object");
		p = cJSON_GetObjectItemCaseSensitive(it, "path");
		sha = cJSON_GetObjectItemCaseSensitive(it, "sha256");
		sz = cJSON_GetObjectItemCaseSensitive(it, "size_bytes");
		st = cJSON_GetObjectItemCaseSensitive(it, "status");
		if (!cJSON_IsString(p) || *p->valuestring == '\0')
			hf_json_dieat(HF_EDATA, name, root, it, "path",
			    "not a non-empty string");
		if (cJSON_IsString(st) && strcmp(st->valuestring,
		    "present") == 0) {
			if (!issha(sha))
				hf_json_dieat(HF_EDATA, name, root, it,
				    "sha256", "not a SHA-256 in lowercase hex");
			if (!isint(sz, &v[n].size))
				hf_json_dieat(HF_EDATA, name, root, it,
				    "size_bytes", "not a size");
			v[n].path = p->valuestring;
			v[n].sha = sha->valuestring;
			n++;
		} else if (cJSON_IsString(st) && strcmp(st->valuestring,
		    "absent") == 0) {
			if (!cJSON_IsNull(sha) || !cJSON_IsNull(sz))
				hf_json_dieat(HF_EDATA, name, root, it, NULL,
				    "an absent entry with a sha256 or "
				    "size_bytes");
			if (!addpattern(abs, p->valuestring))
				hf_json_dieat(HF_EDATA, name, root, p, NULL,
				    "absent twice");
		} else
			hf_json_dieat(HF_EDATA, name, root, it, "status",
			    "neither \"present\" nor \"absent\"");
		k++;
	}
	qsort(v, n, sizeof(*v), centrycmp);
	for (i = 1; i < n; i++)
		if (strcmp(v[i].path, v[i - 1].path) == 0)
			hf_json_dieat(HF_EDATA, name, root, list, NULL,
			    "path \"%s\" present twice", v[i].path);
	count(root, "total_files", k, name);
	count(root, "present_count", n, name);
	count(root, "absent_count", abs->n, name);
	cm->root = root;
	cm->v = v;
	cm->n = n;
}

enum { D_CHANGED, D_MISSING, D_NEW, D_NOWPRESENT, D_NOWABSENT, D_KINDS };

static void
report(struct hf_str *out, size_t *tally, int kind, const char *path)
{
	static const char *label[] = {
		"changed: ", "missing: ", "new: ", "now present: ",
		"now absent: "
	};
	struct hf_str sb = { 0 };

	hf_straddstr(out, label[kind]);
	hf_straddstr(out, showpath(path, &sb));
	hf_straddc(out, '\n');
	hf_strfree(&sb);
	tally[kind]++;
}

/*
 * Compare the tree with the committed one, like mtree -f: each present
 * path changed, missing or new, in path order; then each pattern that was
 * absent and now matches a file, and (with a manifest to tell) each
 * pattern that is absent now and was not before. Returns the exit status.
 */
int
check(struct committed *cm, const struct tree *t, int havemanifest,
    const struct patterns *absent)
{
	const struct centry *c = cm->v;
	const struct patterns *cabs = &cm->absent;
	struct hf_str out = { 0 };
	size_t tally[D_KINDS] = { 0 }, nc = cm->n, i = 0, j = 0, k, total = 0;
	char sum[HF_SHA256_HEX];
	int cmp;

	while (i < nc || j < t->n) {
		if (i == nc)
			cmp = 1;
		else if (j == t->n)
			cmp = -1;
		else
			cmp = strcmp(c[i].path, t->v[j].path);
		if (cmp < 0)
			report(&out, tally, D_MISSING, c[i++].path);
		else if (cmp > 0)
			report(&out, tally, D_NEW, t->v[j++].path);
		else {
			hf_hexdigest(t->v[j].sum, sizeof(t->v[j].sum), sum);
			if (strcmp(sum, c[i].sha) != 0 ||
			    c[i].size != t->v[j].size)
				report(&out, tally, D_CHANGED, c[i].path);
			i++;
			j++;
		}
	}
	for (k = 0; k < cabs->n; k++) {
		if (havemanifest) {
			if (!inpatterns(absent, cabs->v[k]))
				report(&out, tally, D_NOWPRESENT, cabs->v[k]);
			continue;
		}
		if (matchesany(t, cabs->v[k]))
			report(&out, tally, D_NOWPRESENT, cabs->v[k]);
	}
	for (k = 0; havemanifest && k < absent->n; k++)
		if (!inpatterns(cabs, absent->v[k]))
			report(&out, tally, D_NOWABSENT, absent->v[k]);
	for (k = 0; k < D_KINDS; k++)
		total += tally[k];
	hf_write(out.s, out.len);
	if (total == 0)
		printf("%zu entries, no differences\n", nc + cabs->n);
	else
		printf("%zu difference%s in %zu entries: %zu changed, "
		    "%zu missing, %zu new, %zu now present, %zu now absent\n",
		    total, total == 1 ? "" : "s", nc + cabs->n,
		    tally[D_CHANGED], tally[D_MISSING], tally[D_NEW],
		    tally[D_NOWPRESENT], tally[D_NOWABSENT]);
	hf_strfree(&out);
	return total == 0 ? HF_OK : HF_EDATA;
}

void
freecommitted(struct committed *cm)
{
	cJSON_Delete(cm->root);
	free(cm->v);
	freepatterns(&cm->absent);
	memset(cm, 0, sizeof(*cm));
}

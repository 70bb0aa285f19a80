/*
 * The walk of an artifact manifest (artifact-manifest.json): its items in
 * the manifest's own order, required_always, each step of
 * required_by_step in order, then optional_always.  It is the order in
 * which the artifact tree lists absent entries and the version matrix its
 * artifacts, so both read it from here.
 *
 * An item is a path pattern as a string, or an object with a
 * "path_pattern" string and what else the mission declares about it
 * (artifact_key, artifact_class, blocking, description).  A section may
 * be missing or null.  A problem is named by the JSON pointer of the
 * value at fault.
 */
#include <string.h>

#include "hf.h"

static int
hascntrl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void
section(const struct hf_manifest *m, const cJSON *list, enum hf_when when,
    const char *step, hf_itemfn *fn, void *arg)
{
	struct hf_item it;
	const cJSON *pat;

	if (list == NULL || cJSON_IsNull(list))
		return;
	if (!cJSON_IsArray(list))
		hf_json_dieat(m->status, m->file, m->root, list, NULL,
		    "not an array");
	cJSON_ArrayForEach(it.node, list) {
		pat = it.node;
		if (cJSON_IsObject(it.node)) {
			pat = cJSON_GetObjectItemCaseSensitive(it.node,
			    "path_pattern");
			if (pat == NULL)
				hf_json_dieat(m->status, m->file, m->root,
				    it.node, "path_pattern", "missing");
		} else if (!cJSON_IsString(it.node))
			hf_json_dieat(m->status, m->file, m->root, it.node,
			    NULL, "not a string or an object");
		if (!cJSON_IsString(pat) || *pat->valuestring == '\0')
			hf_json_dieat(m->status, m->file, m->root, pat, NULL,
			    "not a non-empty string");
		it.pattern = pat->valuestring;
		it.when = when;
		it.step = step;
		fn(m, &it, arg);
	}
}

void
hf_manifest_walk(const struct hf_manifest *m, hf_itemfn *fn, void *arg)
{
	const cJSON *steps, *st;

	if (!cJSON_IsObject(m->root))
		hf_dieat(m->status, m->file, 0, 0, "not a JSON object");
	section(m, cJSON_GetObjectItemCaseSensitive(m->root,
	    "required_always"), HF_ALWAYS, NULL, fn, arg);
	steps = cJSON_GetObjectItemCaseSensitive(m->root, "required_by_step");
	if (steps != NULL && !cJSON_IsNull(steps)) {
		if (!cJSON_IsObject(steps))
			hf_json_dieat(m->status, m->file, m->root, steps, NULL,
			    "not an object");
		cJSON_ArrayForEach(st, steps) {
			if (hascntrl(st->string))
				hf_json_dieat(m->status, m->file, m->root, st,
				    NULL, "a step name with a control "
				    "character");
			section(m, st, HF_STEP, st->string, fn, arg);
		}
	}
	section(m, cJSON_GetObjectItemCaseSensitive(m->root,
	    "optional_always"), HF_OPTIONAL, NULL, fn, arg);
}

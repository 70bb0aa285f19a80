/*
 * The project's vocabulary: what a feature slug, a commit, a branch, a
 * project scope, a mission, a step and a timestamp may look like.
 *
 * These values end up in file names, make variables, git arguments and
 * the replay script, so each is held to a narrow syntax, and every
 * program asks the same function: a rule changes here or nowhere.  Each
 * validator returns NULL for a good value, or a short reason such as
 * "'/' is not allowed", meant to follow "key: value: " in a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hf.h"

/*
 * A reason that names a character is built here.  The validators run
 * while options are read, before any thread starts; the buffer is one a
 * thread all the same, so that a later caller in a thread is safe.
 */
static _Thread_local char why[48];

static int
isalnumascii(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* "'c' is not allowed", or the byte in hex when it is not printable. */
static const char *
notallowed(unsigned char c)
{
	if (c >= ' ' && c < 0x7f)
		snprintf(why, sizeof(why), "'%c' is not allowed", c);
	else
		snprintf(why, sizeof(why), "byte 0x%02x is not allowed", c);
	return why;
}

static const char *
toolong(size_t max)
{
	snprintf(why, sizeof(why), "longer than %zu bytes", max);
	return why;
}

/*
 * A name: ASCII letters, digits, '.', '_' and '-', at most max bytes,
 * not beginning with '.' or '-' (no hidden file, no option).
 */
static const char *
badname(const char *s, size_t max)
{
	const unsigned char *p;

	if (*s == '\0')
		return "is empty";
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (!isalnumascii(*p) && strchr("._-", *p) == NULL)
			return notallowed(*p);
	if ((size_t)(p - (const unsigned char *)s) > max)
		return toolong(max);
	if (*s == '-' || *s == '.') {
		snprintf(why, sizeof(why), "must not begin with '%c'", *s);
		return why;
	}
	return NULL;
}

const char *
hf_badslug(const char *s)
{
	const char *r;

	if ((r = badname(s, HF_NAME_MAX)) != NULL)
		return r;
	if (strstr(s, "..") != NULL)
		return "must not contain '..'";
	return NULL;
}

const char *
hf_badscope(const char *s)
{
	return badname(s, HF_NAME_MAX);
}

const char *
hf_badmission(const char *s)
{
	return badname(s, HF_NAME_MAX);
}

const char *
hf_badstep(const char *s)
{
	return badname(s, HF_NAME_MAX);
}

const char *
hf_badcommit(const char *s)
{
	size_t n = strlen(s);

	if ((n != 40 && n != 64) || strspn(s, "0123456789abcdef") != n)
		return "must be 40 or 64 lowercase hexadecimal digits";
	return NULL;
}

/*
 * A branch name as git-check-ref-format(1) accepts it under refs/heads/,
 * with git branch's own refusals ("HEAD", a leading '-'), and narrower:
 * ASCII only and none of the characters a shell treats specially, so
 * that a branch name is one word everywhere it is written.
 */
const char *
hf_badbranch(const char *s)
{
	static const char forbidden[] = " ~^:?*[\\" "$`;&|<>()'\"!#";
	const unsigned char *p;
	const char *c, *slash;
	size_t n = strlen(s), clen;

	if (n == 0)
		return "is empty";
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < ' ' || *p == 0x7f) {
			snprintf(why, sizeof(why), "control character 0x%02x",
			    *p);
			return why;
		}
		if (*p > 0x7f || strchr(forbidden, *p) != NULL)
			return notallowed(*p);
	}
	if (n > HF_BRANCH_MAX)
		return toolong(HF_BRANCH_MAX);
	if (*s == '-')
		return "must not begin with '-'";
	if (strcmp(s, "@") == 0 || strcmp(s, "HEAD") == 0)
		return "is not a branch name";
	if (*s == '/' || s[n - 1] == '/')
		return "must not begin or end with '/'";
	if (s[n - 1] == '.')
		return "must not end with '.'";
	if (strstr(s, "//") != NULL)
		return "must not contain '//'";
	if (strstr(s, "..") != NULL)
		return "must not contain '..'";
	if (strstr(s, "@{") != NULL)
		return "must not contain '@{'";
	for (c = s; c != NULL; c = slash != NULL ? slash + 1 : NULL) {
		slash = strchr(c, '/');
		clen = slash != NULL ? (size_t)(slash - c) : strlen(c);
		if (*c == '.')
			return "no component may begin with '.'";
		if (clen >= 5 && memcmp(c + clen - 5, ".lock", 5) == 0)
			return "no component may end with '.lock'";
	}
	return NULL;
}

const char *
hf_badtime(const char *s)
{
	time_t t;

	if (hf_parseiso(s, &t, NULL) == -1 || t < 0)
		return "not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)";
	return NULL;
}

const char *
hf_badversion(const char *s)
{
	const unsigned char *p;

	if (*s == '\0')
		return "is empty";
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return "white space or control character";
	return NULL;
}

/*
 * One member of namespace.json: a string that passes bad(), or, with
 * nullok, null (then NULL).
 */
static const char *
member(const cJSON *root, const char *file, int status, const char *key,
    const char *(*bad)(const char *), int nullok)
{
	const cJSON *v;
	const char *r;
	char *q;

	v = cJSON_GetObjectItemCaseSensitive(root, key);
	if (v == NULL)
		hf_json_dieat(status, file, root, root, key, "missing");
	if (nullok && cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		hf_json_dieat(status, file, root, v, NULL, nullok ?
		    "not a string or null" : "not a string");
	if ((r = bad(v->valuestring)) != NULL) {
		q = hf_quote(v->valuestring);
		hf_json_dieat(status, file, root, v, NULL, "%s: %s", q, r);
	}
	return v->valuestring;
}

void
hf_ns_fromjson(struct hf_ns *ns, const cJSON *root, const char *file,
    int status)
{
	if (!cJSON_IsObject(root))
		hf_dieat(status, file, 0, 0, "not a JSON object");
	ns->scope = member(root, file, status, "project_scope_id",
	    hf_badscope, 0);
	ns->slug = member(root, file, status, "feature_slug", hf_badslug, 0);
	ns->branch = member(root, file, status, "source_branch",
	    hf_badbranch, 0);
	ns->commit = member(root, file, status, "source_commit",
	    hf_badcommit, 0);
	ns->mission = member(root, file, status, "mission_key",
	    hf_badmission, 0);
	ns->mversion = member(root, file, status, "manifest_version",
	    hf_badversion, 0);
	ns->step = member(root, file, status, "step_id", hf_badstep, 1);
	ns->at = member(root, file, status, "generated_at", hf_badtime, 0);
}

int
hf_badopt(int opt, const char *v, const char *(*bad)(const char *))
{
	const char *why;
	char *q;

	if (v == NULL || (why = bad(v)) == NULL)
		return 0;
	q = hf_quote(v);
	hf_warn("-%c: %s: %s", opt, q, why);
	free(q);
	return 1;
}

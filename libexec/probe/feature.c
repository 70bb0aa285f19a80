/*
 * The features, and what is known of them before git is asked: with -a
 * every directory under REPO/kitty-specs/, those whose name is not a
 * feature slug skipped with the reason; else the one directory that
 * FEATURE or FEATURE_DIR names, checked to be a slug inside REPO.  Then
 * the mission that a meta.json names, and the facts pinned in OUT's
 * committed package: namespace.json, the other JSON files, the event log
 * and generate.sh.  An error found in a feature stays with it (ferr), and
 * its facts are then that one line.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

/*
 * The parameters a package's generate.sh pins besides the namespace's,
 * and the facts that carry them to check's replay.
 */
static const char *const genconst[NGEN] = { "TEST_CMD", "PINS", "NOTES",
	"SCENARIOS", "MANIFEST", "PINNED_DATE_EPOCH" };
const char *const genfact[NGEN] = { "p_test_cmd", "p_pinsfile",
	"p_notes", "p_scenarios", "p_manifest_rel", "p_sde" };

void
ferr(struct feat *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->err != NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	f->err = hf_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(f->err, (size_t)n + 1, fmt, ap);
	va_end(ap);
}

/* The name with bytes outside the slug set as '_', for a variable name. */
static char *
safename(const char *s)
{
	char *t = hf_strdup(*s ? s : "_"), *p;

	for (p = t; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			*p = '_';
	return t;
}

/* A name shown in a reason: control and non-ASCII bytes as \ooo. */
static void
showname(struct hf_str *s, const char *p)
{
	char oct[5];

	for (; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			snprintf(oct, sizeof(oct), "\\%03o", (unsigned char)*p);
			hf_straddstr(s, oct);
		} else
			hf_straddc(s, *p);
	}
}

static void
skip(const char *name, const char *why)
{
	char *safe = safename(name);

	hf_straddc(&skipped, ' ');
	hf_straddstr(&skipped, safe);
	hf_straddstr(&skiplines, "hf_skip_");
	hf_straddstr(&skiplines, safe);
	hf_straddstr(&skiplines, " := ");
	{
		struct hf_str r = { 0 };

		hf_straddstr(&r, "kitty-specs/");
		showname(&r, name);
		hf_straddstr(&r, ": not a feature slug (");
		hf_straddstr(&r, why);
		hf_straddstr(&r, "); rename the directory");
		mkval(&skiplines, r.s);
		hf_strfree(&r);
	}
	hf_straddc(&skiplines, '\n');
	free(safe);
}

static struct feat *
addfeat(const char *name, const char *fdpath, const char *dir)
{
	struct feat *f;

	feats = hf_reallocarray(feats, nfeats + 1, sizeof(*feats));
	f = &feats[nfeats++];
	memset(f, 0, sizeof(*f));
	f->name = hf_strdup(name);
	f->fdpath = hf_strdup(fdpath);
	f->dir = hf_strdup(dir);
	return f;
}

/* Every directory of REPO/kitty-specs, in bytewise order. */
void
listall(const char *repo)
{
	char *ks = joinpath(repo, "kitty-specs"), *fd, *dir, **names = NULL;
	DIR *d;
	struct dirent *de;
	struct stat st;
	size_t n = 0, i;
	const char *why;

	if ((d = opendir(ks)) == NULL)
		badinput("REPO=%s holds no kitty-specs directory "
		    "(set REPO)", repo);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		fd = joinpath(ks, de->d_name);
		if (stat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			names = hf_reallocarray(names, n + 1, sizeof(*names));
			names[n++] = hf_strdup(de->d_name);
		}
		free(fd);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), hf_strpcmp);
	for (i = 0; i < n; i++) {
		if ((why = hf_badslug(names[i])) != NULL) {
			skip(names[i], why);
			free(names[i]);
			continue;
		}
		fd = joinpath(ks, names[i]);
		dir = xasprintf("kitty-specs/%s", names[i]);
		addfeat(names[i], fd, dir)->out = joinpath(fd, "handoff");
		free(fd);
		free(dir);
		free(names[i]);
	}
	free(names);
	free(ks);
}

void
onefeature(const char *repo)
{
	const char *fdp = par[P_FDIR], *name = par[P_FEATURE], *why, *rel;
	char *fd = NULL, *fdabs, *dir, *b = NULL;
	struct feat *f;
	struct stat st;

	if (name == NULL && fdp == NULL)
		badinput("FEATURE is not set; set FEATURE to a "
		    "directory name under %s/kitty-specs", repo);
	/* The name is checked first: it is what the user typed. */
	if (name != NULL && (why = hf_badslug(name)) != NULL)
		badinput("FEATURE=%s is not a feature slug (%s); set FEATURE",
		    name, why);
	if (fdp == NULL) {
		b = xasprintf("kitty-specs/%s", name);
		fd = joinpath(repo, b);
		free(b);
		fdp = fd;
	}
	if (stat(fdp, &st) == -1 || !S_ISDIR(st.st_mode))
		badinput("FEATURE_DIR=%s is not a directory; set "
		    "FEATURE (or FEATURE_DIR)", fdp);
	fdabs = real(fdp);
	if (fdabs == NULL || (rel = below(fdabs, repoabs)) == NULL ||
	    *rel == '\0')
		badinput("FEATURE_DIR=%s is not inside REPO=%s; set "
		    "REPO", fdp, repo);
	dir = hf_strdup(rel);
	if (name == NULL) {
		name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
		if ((why = hf_badslug(name)) != NULL)
			badinput("FEATURE_DIR=%s: %s is not a feature "
			    "slug (%s); set FEATURE", fdp, name, why);
	}
	f = addfeat(name, fdp, dir);
	f->out = par[P_OUT] ? hf_strdup(par[P_OUT]) : joinpath(fdp, "handoff");
	free(fdabs);
	free(dir);
	free(fd);
}

/* The text of a top-level string member of JSON object o, or NULL. */
static char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? hf_strdup(v->valuestring) : NULL;
}

/* The mission a meta.json names, or NULL for spec-kitty's default. */
char *
missionof(const char *text, size_t len)
{
	static const char *keys[] = { "mission", "mission_type",
	    "mission_key" };
	cJSON *j;
	char *m = NULL;
	size_t i;

	if (text == NULL || len > MAXMETA)
		return NULL;
	if ((j = cJSON_ParseWithLength(text, len)) == NULL)
		return NULL;
	for (i = 0; i < 3 && m == NULL; i++)
		m = jstr(j, keys[i]);
	cJSON_Delete(j);
	return m;
}

/*
 * The facts pinned in OUT's committed package: namespace.json, and the
 * times the other files were stamped with.
 */
/*
 * A package made into another OUT keeps the source commit of the one the
 * feature holds: FEATURE_DIR/handoff/namespace.json's, when OUT has none.
 * Returns 1 when it set f->sc.
 */
int
stickysc(struct feat *f)
{
	struct hf_str s = { 0 };
	char *p, *o, *v = NULL;
	cJSON *j;

	p = joinpath(f->fdpath, "handoff/namespace.json");
	o = joinpath(f->out, "namespace.json");
	if (strcmp(p, o) != 0 && readfile(p, &s, MAXMETA) == 0 &&
	    (j = hf_json_parse(s.s, s.len, NULL)) != NULL) {
		v = jstr(j, "source_commit");
		cJSON_Delete(j);
	}
	free(p);
	free(o);
	hf_strfree(&s);
	if (v == NULL || hf_badcommit(v) != NULL) {
		free(v);
		return 0;
	}
	strcpy(f->sc, v);
	free(v);
	return 1;
}

void
readpinned(struct feat *f)
{
	struct hf_str s = { 0 };
	char *p;
	cJSON *j, *ev;
	size_t i;

	p = joinpath(f->out, "namespace.json");
	if (readfile(p, &s, MAXMETA) == -1) {
		if (errno != ENOENT)
			ferr(f, "OUT=%s: namespace.json cannot be read (set "
			    "OUT)", f->out);
		free(p);
		hf_strfree(&s);
		return;
	}
	free(p);
	f->pinned = 1;
	if ((j = hf_json_parse(s.s, s.len, NULL)) == NULL ||
	    !cJSON_IsObject(j)) {
		ferr(f, "OUT=%s: namespace.json is not a JSON object; remove "
		    "it, or set OUT", f->out);
		cJSON_Delete(j);
		hf_strfree(&s);
		return;
	}
	f->p_sc = jstr(j, "source_commit");
	f->p_branch = jstr(j, "source_branch");
	f->p_scope = jstr(j, "project_scope_id");
	f->p_step = jstr(j, "step_id");
	f->p_mission = jstr(j, "mission_key");
	f->p_t_ns = jstr(j, "generated_at");
	cJSON_Delete(j);
	if (par[P_SC] == NULL && (f->p_sc == NULL || hf_badcommit(f->p_sc)))
		ferr(f, "OUT=%s: namespace.json's source_commit is not a "
		    "full commit id; set SOURCE_COMMIT", f->out);
	p = joinpath(f->out, "artifact-manifest.json");
	if (readfile(p, &s, (size_t)64 << 20) == 0 &&
	    (j = hf_json_parse(s.s, s.len, NULL)) != NULL) {
		f->p_t_man = jstr(j, "captured_at");
		cJSON_Delete(j);
	}
	free(p);
	p = joinpath(f->out, "artifact-tree.json");
	if (readfile(p, &s, (size_t)256 << 20) == 0 &&
	    (j = hf_json_parse(s.s, s.len, NULL)) != NULL) {
		f->p_t_tree = jstr(j, "captured_at");
		f->p_hastc = cJSON_GetObjectItemCaseSensitive(j,
		    "tree_commit") != NULL;
		cJSON_Delete(j);
	}
	free(p);
	/* A log of one bootstrap event: its time; else generated_at. */
	p = joinpath(f->out, "events.jsonl");
	if (readfile(p, &s, MAXMETA) == 0) {
		for (i = 0; i < s.len && s.s[i] != '\n'; i++)
			;
		if (i + 1 >= s.len &&
		    (j = hf_json_parse(s.s, i, NULL)) != NULL) {
			ev = cJSON_GetObjectItemCaseSensitive(j, "event_type");
			if (cJSON_IsString(ev) && strcmp(ev->valuestring,
			    "handoff_package_created") == 0)
				f->p_t_ev = jstr(j, "at");
			cJSON_Delete(j);
		}
	}
	free(p);
	if (f->p_t_ev == NULL && f->p_t_ns != NULL)
		f->p_t_ev = hf_strdup(f->p_t_ns);
	p = joinpath(f->out, "generate.sh");
	if (readfile(p, &s, MAXMETA) == 0) {
		hf_straddc(&s, '\0');
		if (strstr(s.s, "\n" HF_GENERATE_MARK) != NULL)
			for (i = 0; i < NGEN; i++)
				f->p_gen[i] = hf_shconst(s.s, s.len - 1,
				    genconst[i]);
	}
	free(p);
	hf_strfree(&s);
}

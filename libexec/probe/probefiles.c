/*
 * The probe outside git: the facts of a feature from its files, which
 * are listed for treehash -0, their modification times standing in for
 * commit times; the source commit and branch must be given or pinned,
 * and the manifest is a file under REPO (or MANIFEST).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

/* The files below dir (handoff/ at the top left out), NUL-separated. */
static void
walkfiles(const char *base, const char *rel, struct hf_str *list,
    long long *newest, int depth)
{
	char *path = *rel ? joinpath(base, rel) : hf_strdup(base), *r;
	DIR *d;
	struct dirent *de;
	struct stat st;

	if (depth > 64 || (d = opendir(path)) == NULL) {
		free(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (*rel == '\0' && strcmp(de->d_name, "handoff") == 0))
			continue;
		r = *rel ? joinpath(rel, de->d_name) : hf_strdup(de->d_name);
		{
			char *full = joinpath(base, r);

			if (lstat(full, &st) == 0) {
				if (S_ISDIR(st.st_mode))
					walkfiles(base, r, list, newest,
					    depth + 1);
				else if (S_ISREG(st.st_mode) ||
				    S_ISLNK(st.st_mode)) {
					hf_stradd(list, r, strlen(r) + 1);
					if (st.st_mtime > *newest)
						*newest = st.st_mtime;
				}
			}
			free(full);
		}
		free(r);
	}
	closedir(d);
	free(path);
}

void
probefiles(struct feat *f, const char *repo)
{
	struct hf_str s = { 0 }, list = { 0 };
	char *p;
	size_t k;

	if (par[P_SC] == NULL && f->p_sc == NULL)
		ferr(f, "REPO=%s is not in a git work tree; set SOURCE_COMMIT "
		    "to the full id of the commit it was exported from", repo);
	if (par[P_BRANCH] == NULL && f->p_branch == NULL)
		ferr(f, "REPO=%s is not in a git work tree; set SOURCE_BRANCH "
		    "(and SOURCE_COMMIT) to what it was exported from", repo);
	if (f->err != NULL)
		return;
	strcpy(f->sc, par[P_SC] ? par[P_SC] : f->p_sc);
	p = joinpath(f->fdpath, "meta.json");
	f->mission = par[P_MISSION] ? hf_strdup(par[P_MISSION]) :
	    readfile(p, &s, MAXMETA) == 0 ? missionof(s.s, s.len) : NULL;
	free(p);
	if (f->mission == NULL)
		f->mission = hf_strdup("software-dev");
	if (hf_badmission(f->mission) != NULL) {
		ferr(f, "%s/meta.json names the mission '%s', which is not a "
		    "mission name; set MISSION", f->dir, f->mission);
		hf_strfree(&s);
		return;
	}
	if (f->manfile == NULL) {
		for (k = 0; k < nmpath && f->manfile == NULL; k++) {
			p = xasprintf("%s/%s/%s", mpath[k], f->mission,
			    MANIFEST_NAME);
			f->manfile = joinpath(repo, p);
			free(p);
			if (mtimeof(f->manfile) == -1) {
				free(f->manfile);
				f->manfile = NULL;
			}
		}
		if (f->manfile == NULL) {
			ferr(f, "unknown mission %s: no %s/%s/%s under "
			    "REPO=%s; set MISSION, or MANIFEST", f->mission,
			    mpath[0], f->mission, MANIFEST_NAME, repo);
			hf_strfree(&s);
			return;
		}
	}
	if (readfile(f->manfile, &s, (size_t)64 << 20) == -1) {
		ferr(f, "MANIFEST=%s cannot be read (set MANIFEST)",
		    f->manfile);
		hf_strfree(&s);
		return;
	}
	f->man.data = hf_strndup(s.s, s.len);
	f->man.len = s.len;
	f->sct = mtimeof(f->manfile);
	f->tct = 0;
	walkfiles(f->fdpath, "", &list, &f->tct, 0);
	f->files = list.s ? list.s : hf_strdup("");
	f->fileslen = list.len;
	p = joinpath(f->fdpath, "status.events.jsonl");
	f->evct = mtimeof(p);
	if (f->evct != -1)
		strcpy(f->ev, "file");
	free(p);
	p = joinpath(f->fdpath, "versions");
	if (mtimeof(p) != -1)
		strcpy(f->pins, "file");
	free(p);
	hf_strfree(&s);
}

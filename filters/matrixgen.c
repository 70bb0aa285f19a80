/*
 * matrixgen: write the version matrix of a handoff package, or read its
 * pins back.
 *
 * The matrix is Markdown for people and one fenced ```versions block for
 * machines.  Everything in it comes from the pins, the namespace and the
 * manifest, in their own order, so the same inputs give the same bytes.
 * The extract mode (-x) is the reader CI uses for pin checks; generation
 * runs the same fence scanner over the notes it includes, so a document
 * it writes always has exactly one versions block for -x to find.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

/* The artifact classes of the mission dossier taxonomy, in reading order. */
static const struct class {
	const char	*name;
	const char	*about;
} classes[] = {
	{ "input", "Material the mission starts from, such as the "
	    "specification and other sources from outside." },
	{ "workflow", "Working documents the mission produces on its way, "
	    "such as plans and task lists." },
	{ "output", "Deliverables the mission hands on to the next team." },
	{ "evidence", "Research, analysis and test results that support "
	    "the work." },
	{ "policy", "Rules and decisions that govern the work, such as a "
	    "constitution." },
	{ "runtime", "State written while the mission runs, such as status "
	    "logs." },
};
#define NCLASSES	(sizeof(classes) / sizeof(classes[0]))

/*
 * The most bytes read from any one input: pins, the namespace, the
 * manifest, the notes, or the matrix that -x reads (4 MiB). Each is
 * written by hand or by a filter of this toolkit and is a few kilobytes;
 * the bound leaves room for a thousand times that.
 */
#define MATRIXGEN_INPUT_MAX	(4UL * 1024 * 1024)

/* Pins that come from the namespace and may not be given as pins. */
#define PIN_COMMIT	"source-commit"
#define PIN_BRANCH	"source-branch"

struct pin {
	const char	*key;
	const char	*val;
	unsigned long	 line;
};

/*
 * The pins in input order, with an open-addressing hash table of their
 * keys, so a duplicate is found at its own line in linear time whatever
 * the number of pins.
 */
struct pinset {
	struct pin	*v;
	size_t		 n;
	size_t		 cap;
	size_t		*tab;		/* index + 1 into v; 0: free slot */
	size_t		 tabcap;	/* a power of two */
};

struct item {
	const char	*key;
	const char	*cls;
	const char	*pattern;
	const char	*step;		/* HF_STEP only */
	enum hf_when	 when;
	int		 blocking;
};

struct manifest {
	struct item	*v;
	size_t		 n;
	size_t		 cap;
};

/* State of the scan for fenced code blocks. */
struct fence {
	int		 open;		/* inside a fenced block */
	char		 ch;		/* '`' or '~' */
	size_t		 n;		/* length of the opening fence */
	size_t		 indent;	/* spaces before the opening fence */
	int		 versions;	/* the block is a versions block */
	unsigned long	 line;		/* where it opened */
};

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status, "usage: matrixgen -m manifest.json -n namespace.json "
	    "[-N notes] [-o file] [-p out_dir]\n"
	    "                 [-r feature_dir] [pins]\n"
	    "       matrixgen -x | -X [-o file] [file]\n");
}

static int
iscntrlbyte(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int
hascntrl(const char *s)
{
	for (; *s != '\0'; s++)
		if (iscntrlbyte((unsigned char)*s))
			return 1;
	return 0;
}

/*
 * A pin key is the name of a component: letters, digits and the
 * punctuation package names use.  Keeping '=', '#', white space and '`'
 * out keeps the line "key=value" unambiguous and the fence intact.
 */
static int
iskeychar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("._-+:/@", c) != NULL;
}

/* Returns the earlier pin with the same key, or NULL after adding p. */
static const struct pin *
pinadd(struct pinset *ps, const struct pin *p)
{
	size_t i, j, mask;

	if (ps->tabcap == 0 || (ps->n + 1) * 2 > ps->tabcap) {
		free(ps->tab);
		ps->tabcap = ps->tabcap == 0 ? 64 : ps->tabcap * 2;
		ps->tab = hf_calloc(ps->tabcap, sizeof(*ps->tab));
		mask = ps->tabcap - 1;
		for (j = 0; j < ps->n; j++) {
			i = hf_hash(ps->v[j].key, strlen(ps->v[j].key)) & mask;
			while (ps->tab[i] != 0)
				i = (i + 1) & mask;
			ps->tab[i] = j + 1;
		}
	}
	mask = ps->tabcap - 1;
	for (i = hf_hash(p->key, strlen(p->key)) & mask; ps->tab[i] != 0;
	    i = (i + 1) & mask)
		if (strcmp(ps->v[ps->tab[i] - 1].key, p->key) == 0)
			return &ps->v[ps->tab[i] - 1];
	if (ps->n == ps->cap) {
		ps->cap = ps->cap == 0 ? 16 : ps->cap * 2;
		ps->v = hf_reallocarray(ps->v, ps->cap, sizeof(*ps->v));
	}
	ps->v[ps->n] = *p;
	ps->tab[i] = ++ps->n;
	return NULL;
}

static void
pinfree(struct pinset *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		free((char *)ps->v[i].key);
		free((char *)ps->v[i].val);
	}
	free(ps->v);
	free(ps->tab);
	memset(ps, 0, sizeof(*ps));
}

/*
 * Check one "key=value" line and add it to ps, or exit 1 with the place
 * and the reason.  The same rules serve the pins file and the versions
 * block, so whatever generation accepts, extraction reads back.
 */
static void
pinline(struct pinset *ps, const char *name, const struct hf_line *l)
{
	const char *eq, *v, *end = l->s + l->len;
	const struct pin *first;
	struct pin p;
	size_t i, klen;

	if ((eq = memchr(l->s, '=', l->len)) == NULL)
		hf_dieat(HF_EDATA, name, l->no, 0, "expected key=value");
	klen = (size_t)(eq - l->s);
	if (klen == 0)
		hf_dieat(HF_EDATA, name, l->no, 0, "empty key");
	for (i = 0; i < klen; i++) {
		unsigned char c = (unsigned char)l->s[i];

		if (iskeychar(c))
			continue;
		if (c >= 0x20 && c < 0x7f)
			hf_dieat(HF_EDATA, name, l->no, i + 1,
			    "character '%c' not allowed in a key", c);
		hf_dieat(HF_EDATA, name, l->no, i + 1,
		    "byte 0x%02x not allowed in a key", c);
	}
	v = eq + 1;
	if (v == end)
		hf_dieat(HF_EDATA, name, l->no, 0, "empty value for key %.*s",
		    (int)klen, l->s);
	for (i = 0; v + i < end; i++)
		if (iscntrlbyte((unsigned char)v[i]))
			hf_dieat(HF_EDATA, name, l->no, klen + 2 + i,
			    "control character in the value of %.*s",
			    (int)klen, l->s);
	if (v[0] == ' ' || end[-1] == ' ')
		hf_dieat(HF_EDATA, name, l->no, 0, "white space around the "
		    "value of %.*s", (int)klen, l->s);
	p.key = hf_strndup(l->s, klen);
	p.val = hf_strndup(v, (size_t)(end - v));
	p.line = l->no;
	if ((first = pinadd(ps, &p)) != NULL)
		hf_dieat(HF_EDATA, name, l->no, 0, "duplicate key %s (first on "
		    "line %lu)", p.key, first->line);
}

/* Read the pins file: pin lines, blank lines and '#' comments. */
static void
readpins(const char *path, struct pinset *ps)
{
	struct hf_buf b;
	struct hf_line l;
	size_t pos = 0, i;

	hf_readmax(path, &b, MATRIXGEN_INPUT_MAX, HF_EDATA);
	l.no = 0;
	while (hf_nextline(&b, &pos, &l)) {
		for (i = 0; i < l.len && (l.s[i] == ' ' || l.s[i] == '\t'); i++)
			continue;
		if (i == l.len || l.s[0] == '#')
			continue;
		pinline(ps, b.name, &l);
		if (strcmp(ps->v[ps->n - 1].key, PIN_COMMIT) == 0 ||
		    strcmp(ps->v[ps->n - 1].key, PIN_BRANCH) == 0)
			hf_dieat(HF_EDATA, b.name, l.no, 0, "%s comes from the "
			    "namespace and cannot be pinned",
			    ps->v[ps->n - 1].key);
	}
	hf_buffree(&b);
}

/*
 * Does l open a fenced code block (CommonMark: up to three spaces, then
 * three or more backticks or tildes; a backtick fence's info string has
 * no backtick)?  Fills in f, with versions set when the info string is
 * exactly "versions".
 */
static int
fenceopen(const struct hf_line *l, struct fence *f)
{
	size_t i = 0, n, s, e;

	while (i < l->len && i < 3 && l->s[i] == ' ')
		i++;
	if (i == l->len || (l->s[i] != '`' && l->s[i] != '~'))
		return 0;
	f->ch = l->s[i];
	f->indent = i;
	for (n = 0; i < l->len && l->s[i] == f->ch; i++)
		n++;
	if (n < 3)
		return 0;
	if (f->ch == '`' && memchr(l->s + i, '`', l->len - i) != NULL)
		return 0;
	for (s = i; s < l->len && (l->s[s] == ' ' || l->s[s] == '\t'); s++)
		continue;
	for (e = l->len; e > s && (l->s[e - 1] == ' ' || l->s[e - 1] == '\t');)
		e--;
	f->n = n;
	f->line = l->no;
	f->versions = f->ch == '`' && e - s == 8 &&
	    memcmp(l->s + s, "versions", 8) == 0;
	f->open = 1;
	return 1;
}

/* Does l close the open block f? */
static int
fenceclose(const struct hf_line *l, const struct fence *f)
{
	size_t i = 0, n;

	while (i < l->len && i < 3 && l->s[i] == ' ')
		i++;
	for (n = 0; i < l->len && l->s[i] == f->ch; i++)
		n++;
	if (n < f->n)
		return 0;
	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i == l->len;
}

/*
 * Scan a Markdown buffer for versions blocks.  With ps, collect the pins
 * of the one block and fail on a missing, empty, unterminated or second
 * block; without, only fail when a versions block opens at all (the rule
 * for notes, which follow the generated block).
 */
static void
scanblocks(const struct hf_buf *b, struct pinset *ps)
{
	struct fence f;
	struct hf_line l, body;
	unsigned long found = 0;
	size_t pos = 0, npins = 0, i;

	memset(&f, 0, sizeof(f));
	l.no = 0;
	while (hf_nextline(b, &pos, &l)) {
		if (!f.open) {
			if (!fenceopen(&l, &f) || !f.versions)
				continue;
			if (ps == NULL)
				hf_dieat(HF_EDATA, b->name, l.no, 0, "the notes "
				    "may not contain a versions block");
			if (found)
				hf_dieat(HF_EDATA, b->name, l.no, 0, "second "
				    "versions block (the first opens on line "
				    "%lu)", found);
			found = l.no;
			npins = ps->n;
			continue;
		}
		if (fenceclose(&l, &f)) {
			if (f.versions && ps->n == npins)
				hf_dieat(HF_EDATA, b->name, f.line, 0,
				    "empty versions block");
			f.open = 0;
			continue;
		}
		if (!f.versions)
			continue;
		/* Content lines lose up to the fence's own indentation. */
		for (i = 0; i < l.len && i < f.indent && l.s[i] == ' '; i++)
			continue;
		body = l;
		body.s += i;
		body.len -= i;
		pinline(ps, b->name, &body);
	}
	if (f.open && f.versions)
		hf_dieat(HF_EDATA, b->name, f.line, 0,
		    "unterminated versions block");
	if (ps != NULL && !found)
		hf_dieat(HF_EDATA, b->name, l.no > 0 ? l.no : 1, 0,
		    "no versions block");
}

static int
extract(const char *path, int pinsonly)
{
	struct hf_buf b;
	struct pinset ps;
	struct hf_str out;
	size_t i;

	memset(&ps, 0, sizeof(ps));
	memset(&out, 0, sizeof(out));
	hf_readmax(path, &b, MATRIXGEN_INPUT_MAX, HF_EDATA);
	scanblocks(&b, &ps);
	for (i = 0; i < ps.n; i++) {
		/* A pins file holds neither: they come from the namespace. */
		if (pinsonly && (strcmp(ps.v[i].key, PIN_COMMIT) == 0 ||
		    strcmp(ps.v[i].key, PIN_BRANCH) == 0))
			continue;
		hf_straddstr(&out, ps.v[i].key);
		hf_straddc(&out, '=');
		hf_straddstr(&out, ps.v[i].val);
		hf_straddc(&out, '\n');
	}
	hf_write(out.s, out.len);
	hf_strfree(&out);
	pinfree(&ps);
	hf_buffree(&b);
	return HF_OK;
}

/*
 * A string member of an item that goes into the document: present, a
 * string, and free of control characters, which no Markdown table or
 * fence can hold.
 */
static const char *
getstr(const struct hf_manifest *m, const cJSON *it, const char *key)
{
	const cJSON *v;

	v = cJSON_GetObjectItemCaseSensitive(it, key);
	if (v == NULL)
		hf_json_dieat(m->status, m->file, m->root, it, key, "missing");
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		hf_json_dieat(m->status, m->file, m->root, v, NULL,
		    "not a string");
	if (hascntrl(v->valuestring))
		hf_json_dieat(m->status, m->file, m->root, v, NULL,
		    "a control character");
	return v->valuestring;
}

/* One item of the manifest: the matrix needs all it declares. */
static void
additem(const struct hf_manifest *m, const struct hf_item *it, void *arg)
{
	struct manifest *list = arg;
	const cJSON *blk;
	struct item *x;

	if (!cJSON_IsObject(it->node))
		hf_json_dieat(m->status, m->file, m->root, it->node, NULL,
		    "not an object");
	if (list->n == list->cap) {
		list->cap = list->cap == 0 ? 16 : list->cap * 2;
		list->v = hf_reallocarray(list->v, list->cap,
		    sizeof(*list->v));
	}
	x = &list->v[list->n++];
	x->key = getstr(m, it->node, "artifact_key");
	x->cls = getstr(m, it->node, "artifact_class");
	x->pattern = getstr(m, it->node, "path_pattern");
	blk = cJSON_GetObjectItemCaseSensitive(it->node, "blocking");
	if (blk == NULL)
		hf_json_dieat(m->status, m->file, m->root, it->node,
		    "blocking", "missing");
	if (!cJSON_IsBool(blk))
		hf_json_dieat(m->status, m->file, m->root, blk, NULL,
		    "not true or false");
	x->blocking = cJSON_IsTrue(blk);
	x->when = it->when;
	x->step = it->step;
}

/*
 * The manifest's artifacts in its own order: required_always, each step
 * of required_by_step, optional_always; the same order the artifact tree
 * lists absent entries in.
 */
static void
readmanifest(const cJSON *root, const char *name, const struct hf_ns *ns,
    struct manifest *m)
{
	const struct hf_manifest man = { root, name, HF_EDATA };
	const cJSON *v;
	static const struct {
		const char	*mkey;
		const char	*nskey;
	} same[] = {
		{ "source_commit", "source_commit" },
		{ "mission_type", "mission_key" },
		{ "manifest_version", "manifest_version" },
	};
	const char *nsval[] = { ns->commit, ns->mission, ns->mversion };
	size_t i;

	/* A package mixing two sources would pin one and list another. */
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(root, same[i].mkey);
		if (cJSON_IsString(v) && strcmp(v->valuestring, nsval[i]) != 0)
			hf_json_dieat(HF_EDATA, name, root, v, NULL, "\"%s\" "
			    "but the namespace's \"%s\" is \"%s\"",
			    v->valuestring, same[i].nskey, nsval[i]);
	}
	hf_manifest_walk(&man, additem, m);
}

/*
 * s as one shell word, quoted only when it needs to be, so the commands
 * read naturally and still work as written for any path.  A word that
 * starts with '-' is given a "./" so that no command takes it for an
 * option.
 */
static void
shword(struct hf_str *o, const char *s, int ispath)
{
	const char *p;

	if (ispath && s[0] == '-')
		hf_straddstr(o, "./");
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_./:@%+=,-", *p)))
			break;
	if (*p == '\0' && *s != '\0') {
		hf_straddstr(o, s);
		return;
	}
	hf_straddc(o, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'')
			hf_straddstr(o, "'\\''");
		else
			hf_straddc(o, *p);
	}
	hf_straddc(o, '\'');
}

static void
row(struct hf_str *o, const char *field, const char *val)
{
	hf_straddstr(o, "| ");
	hf_straddstr(o, field);
	hf_straddstr(o, " | ");
	if (val != NULL)
		hf_md_code(o, val, 1);
	else
		hf_straddstr(o, "none");
	hf_straddstr(o, " |\n");
}

static void
itemrow(struct hf_str *o, const struct item *x, int withclass)
{
	hf_straddstr(o, "| ");
	if (withclass) {
		hf_md_code(o, x->cls, 1);
		hf_straddstr(o, " | ");
	}
	hf_md_code(o, x->key, 1);
	hf_straddstr(o, " | ");
	hf_md_code(o, x->pattern, 1);
	hf_straddstr(o, " | ");
	if (x->when == HF_ALWAYS)
		hf_straddstr(o, "always");
	else if (x->when == HF_OPTIONAL)
		hf_straddstr(o, "optional");
	else
		hf_md_code(o, x->step, 1);
	hf_straddstr(o, x->blocking ? " | yes |\n" : " | no |\n");
}

static int
inclasses(const char *cls)
{
	size_t i;

	for (i = 0; i < NCLASSES; i++)
		if (strcmp(classes[i].name, cls) == 0)
			return 1;
	return 0;
}

static void
writeclasses(struct hf_str *o, const struct manifest *m,
    const char *featdir)
{
	static const char head[] =
	    "| Artifact key | Path pattern | Step | Blocking |\n"
	    "|---|---|---|---|\n";
	size_t c, i, n;

	hf_straddstr(o, "## Artifact classes\n\nThe path patterns the "
	    "mission manifest declares, by artifact class, relative to the "
	    "feature directory ");
	hf_md_code(o, featdir, 0);
	hf_straddstr(o, ". Step \"always\" means required at every step, a "
	    "step name means required by that step, and \"optional\" means "
	    "never required. A blocking artifact stops the mission "
	    "while it is missing.\n");
	for (c = 0; c < NCLASSES; c++) {
		hf_straddstr(o, "\n### ");
		hf_straddstr(o, classes[c].name);
		hf_straddstr(o, "\n\n");
		hf_straddstr(o, classes[c].about);
		hf_straddstr(o, "\n\n");
		for (i = n = 0; i < m->n; i++) {
			if (strcmp(m->v[i].cls, classes[c].name) != 0)
				continue;
			if (n++ == 0)
				hf_straddstr(o, head);
			itemrow(o, &m->v[i], 0);
		}
		if (n == 0) {
			hf_straddstr(o, "The manifest declares no ");
			hf_straddstr(o, classes[c].name);
			hf_straddstr(o, " artifacts.\n");
		}
	}
	/*
	 * A class the taxonomy does not know is still the manifest's word,
	 * so it is shown rather than dropped or refused.
	 */
	for (i = n = 0; i < m->n; i++) {
		if (inclasses(m->v[i].cls))
			continue;
		if (n++ == 0)
			hf_straddstr(o, "\n### Other classes\n\nArtifacts whose "
			    "class is not in the taxonomy.\n\n"
			    "| Class | Artifact key | Path pattern | Step | "
			    "Blocking |\n|---|---|---|---|---|\n");
		itemrow(o, &m->v[i], 1);
	}
}

/* The shell word for dir "/" name. */
static void
shpath(struct hf_str *o, const char *dir, const char *name)
{
	struct hf_str p;

	memset(&p, 0, sizeof(p));
	hf_straddstr(&p, dir);
	hf_straddc(&p, '/');
	hf_straddstr(&p, name);
	shword(o, p.s, 1);
	hf_strfree(&p);
}

static void
writereplay(struct hf_str *o, const struct hf_ns *ns, const char *featdir,
    const char *outdir, int deffeat, int defout)
{
	static const char *const target[] = { "handoff", "check" };
	struct hf_str tmp;
	size_t i;

	hf_straddstr(o, "## Replay\n\nFrom the root of the repository, on "
	    "branch ");
	hf_md_code(o, ns->branch, 0);
	/*
	 * make -f names handoff.mk itself, so that the commands work in a
	 * repository whose own Makefile has no such targets; where it is
	 * installed is the reader's, so the path is a variable with the
	 * default prefix's.
	 */
	hf_straddstr(o, ": regenerate the package (only stale files are "
	    "rewritten), compare it with the committed one, then run the "
	    "package's own script into a scratch directory and compare that "
	    "too. Every command exits 0 when the package is current, and "
	    "diff prints nothing. `HANDOFF_MK` names the toolkit's installed "
	    "`handoff.mk`, `share/handoff/handoff.mk` under its prefix."
	    "\n\n```sh\n");
	for (i = 0; i < sizeof(target) / sizeof(target[0]); i++) {
		hf_straddstr(o, "make -f \"${HANDOFF_MK:-"
		    "/usr/local/share/handoff/handoff.mk}\" ");
		hf_straddstr(o, target[i]);
		hf_straddstr(o, " FEATURE=");
		shword(o, ns->slug, 0);
		if (!deffeat) {
			hf_straddstr(o, " FEATURE_DIR=");
			shword(o, featdir, 0);
		}
		if (!defout) {
			hf_straddstr(o, " OUT=");
			shword(o, outdir, 0);
		}
		hf_straddc(o, '\n');
	}
	memset(&tmp, 0, sizeof(tmp));
	hf_straddstr(&tmp, "/tmp/");
	hf_straddstr(&tmp, ns->slug);
	hf_straddstr(&tmp, "-handoff");
	hf_straddstr(o, "bash ");
	shpath(o, outdir, "generate.sh");
	hf_straddstr(o, " --write --output-dir ");
	shword(o, tmp.s, 1);
	hf_straddstr(o, "\ndiff -r ");
	shword(o, outdir, 1);
	hf_straddc(o, ' ');
	shword(o, tmp.s, 1);
	hf_straddstr(o, "\n```\n\nThe pins of this file, as CI checks them:"
	    "\n\n```sh\nmatrixgen -x ");
	shpath(o, outdir, "version-matrix.md");
	hf_straddstr(o, "\n```\n");
	hf_strfree(&tmp);
}

/*
 * A directory given as an option: no control characters (it goes into
 * commands and Markdown), and no trailing '/', so that the default
 * package directory and the commands do not get a doubled one.
 */
static char *
optdir(const char *opt, const char *s)
{
	char *d;
	size_t n;

	if (*s == '\0' || hascntrl(s))
		hf_die(HF_EUSAGE, "%s: not a usable directory name", opt);
	d = hf_strdup(s);
	for (n = strlen(d); n > 1 && d[n - 1] == '/'; n--)
		d[n - 1] = '\0';
	return d;
}

static void
writedoc(struct hf_str *o, const struct hf_ns *ns, const struct pinset *ps,
    const struct manifest *m, const char *featdir, const char *outdir,
    int deffeat, int defout, const struct hf_buf *notes)
{
	size_t i;

	hf_straddstr(o, "# Version matrix: ");
	hf_md_code(o, ns->slug, 0);
	hf_straddstr(o, "\n\nThe pinned versions, the source and the "
	    "expected artifacts of the handoff package of feature ");
	hf_md_code(o, ns->slug, 0);
	hf_straddstr(o, " of ");
	hf_md_code(o, ns->scope, 0);
	hf_straddstr(o, ".\n\n## Versions\n\nOne pin a line, as "
	    "`key=value`: the pinned components in their given order, then "
	    "the source commit and branch the package was made from. "
	    "`matrixgen -x` prints this block for CI pin checks.\n\n"
	    "```versions\n");
	for (i = 0; i < ps->n; i++) {
		hf_straddstr(o, ps->v[i].key);
		hf_straddc(o, '=');
		hf_straddstr(o, ps->v[i].val);
		hf_straddc(o, '\n');
	}
	hf_straddstr(o, PIN_COMMIT "=");
	hf_straddstr(o, ns->commit);
	hf_straddstr(o, "\n" PIN_BRANCH "=");
	hf_straddstr(o, ns->branch);
	hf_straddstr(o, "\n```\n\n## Source reference\n\n"
	    "| Field | Value |\n|---|---|\n");
	row(o, "Project", ns->scope);
	row(o, "Branch", ns->branch);
	row(o, "Source commit", ns->commit);
	row(o, "Mission", ns->mission);
	row(o, "Manifest version", ns->mversion);
	row(o, "Step", ns->step);
	hf_straddc(o, '\n');
	writereplay(o, ns, featdir, outdir, deffeat, defout);
	hf_straddc(o, '\n');
	writeclasses(o, m, featdir);
	if (notes != NULL) {
		hf_straddstr(o, "\n## Notes\n\n");
		hf_stradd(o, notes->data, notes->len);
		if (notes->len > 0 && notes->data[notes->len - 1] != '\n')
			hf_straddc(o, '\n');
	}
}

static int
generate(const char *mpath, const char *npath, const char *notespath,
    const char *ropt, const char *popt, const char *pinspath)
{
	struct hf_buf notes;
	struct pinset ps;
	struct manifest m;
	struct hf_str o, def;
	struct hf_ns ns;
	cJSON *mroot, *nroot;
	char *featdir, *outdir;
	int deffeat, defout;

	memset(&ps, 0, sizeof(ps));
	memset(&m, 0, sizeof(m));
	memset(&o, 0, sizeof(o));
	memset(&def, 0, sizeof(def));
	nroot = hf_json_load(npath, MATRIXGEN_INPUT_MAX, HF_EDATA);
	hf_ns_fromjson(&ns, nroot, hf_inname(npath), HF_EDATA);
	mroot = hf_json_load(mpath, MATRIXGEN_INPUT_MAX, HF_EDATA);
	if (!cJSON_IsObject(mroot))
		hf_dieat(HF_EDATA, hf_inname(mpath), 0, 0, "not a JSON object");
	readmanifest(mroot, hf_inname(mpath), &ns, &m);
	if (notespath != NULL) {
		hf_readmax(notespath, &notes, MATRIXGEN_INPUT_MAX, HF_EDATA);
		scanblocks(&notes, NULL);
	}
	readpins(pinspath, &ps);

	hf_straddstr(&def, "kitty-specs/");
	hf_straddstr(&def, ns.slug);
	featdir = optdir("-r", ropt != NULL ? ropt : def.s);
	deffeat = strcmp(featdir, def.s) == 0;
	hf_strfree(&def);
	memset(&def, 0, sizeof(def));
	hf_straddstr(&def, featdir);
	hf_straddstr(&def, "/handoff");
	outdir = optdir("-p", popt != NULL ? popt : def.s);
	defout = strcmp(outdir, def.s) == 0;
	hf_strfree(&def);

	writedoc(&o, &ns, &ps, &m, featdir, outdir, deffeat, defout,
	    notespath != NULL ? &notes : NULL);
	hf_write(o.s, o.len);

	hf_strfree(&o);
	free(featdir);
	free(outdir);
	free(m.v);
	pinfree(&ps);
	if (notespath != NULL)
		hf_buffree(&notes);
	cJSON_Delete(mroot);
	cJSON_Delete(nroot);
	return HF_OK;
}

int
main(int argc, char *argv[])
{
	const char *mpath = NULL, *npath = NULL, *notes = NULL;
	const char *ropt = NULL, *popt = NULL, *out = NULL;
	int ch, xflag = 0;

	hf_setprogname(argv[0]);
	while ((ch = getopt(argc, argv, "hm:n:N:o:p:r:xX")) != -1) {
		switch (ch) {
		case 'h':
			usage(HF_OK);
			break;
		case 'm':
			mpath = optarg;
			break;
		case 'n':
			npath = optarg;
			break;
		case 'N':
			notes = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'p':
			popt = optarg;
			break;
		case 'r':
			ropt = optarg;
			break;
		case 'x':
			xflag = 1;
			break;
		case 'X':
			xflag = 2;
			break;
		default:
			usage(HF_EUSAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(HF_EUSAGE);
	if (xflag && (mpath != NULL || npath != NULL || notes != NULL ||
	    ropt != NULL || popt != NULL))
		usage(HF_EUSAGE);
	if (!xflag && (mpath == NULL || npath == NULL)) {
		hf_warn("-m and -n are required");
		usage(HF_EUSAGE);
	}
	if (out != NULL)
		hf_setoutput(out);
	if (xflag)
		hf_exit(extract(argc == 1 ? argv[0] : NULL, xflag == 2));
	hf_exit(generate(mpath, npath, notes, ropt, popt,
	    argc == 1 ? argv[0] : NULL));
}

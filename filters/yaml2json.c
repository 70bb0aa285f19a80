/*
 * yaml2json: a YAML document to JSON, exactly as PyYAML's safe_load
 * followed by Python's json.dumps(obj, indent=2) would print it.
 *
 * The work follows PyYAML's own stages, because its results depend on
 * them.  libyaml's event parser feeds a node graph (anchors make it a
 * graph, not a tree); scalars are resolved with PyYAML's YAML 1.1 rules
 * and constructed as its SafeConstructor does (integers of any size,
 * floats, timestamps, base64); mappings are flattened for merge keys in
 * PyYAML's order and with its side effects, then their keys are compared
 * with Python's equality (1, 1.0 and true are one key); last, the graph
 * is printed as json.dumps lays it out, every alias printed in full.
 * A document that needs none of this, as most do, is printed as it is
 * parsed, without the graph (see direct()).
 *
 * Every stage is bounded: nesting depth, the output that aliases and
 * merge keys add, and the length of integers, so that no input can
 * exhaust the stack, the memory or the time.
 */
/* For MAP_ANONYMOUS and MAP_POPULATE, which the arena uses when it can. */
#define _DEFAULT_SOURCE
#include <sys/mman.h>

#include <errno.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "hf.h"

/* The deepest nesting of collections, in the input and in the output. */
#define MAXDEPTH	1000
/* The nodes and scalar bytes that aliases and merge keys may add. */
#define MAXALIAS	10000000
/* What one key-value pair copied by a merge key costs of that budget. */
#define MERGECOST	10
/* Python refuses to convert integers of more decimal digits. */
#define MAXDIGITS	4300
/* Mappings with more pairs find duplicate keys with a hash table. */
#define HASHMIN		16
/* Directives that libyaml refuses and PyYAML reads, rewritten at most. */
#define MAXPATCH	1000
/*
 * The most bytes of input read (64 MiB). Real manifests are a few
 * kilobytes; the parsed tree and the indented output take several times
 * the text, so this keeps the whole run within a few hundred megabytes,
 * and a stream that never ends is refused as soon as it passes the bound
 * rather than when memory runs out.
 */
#define YAML2JSON_INPUT_MAX	(64UL * 1024 * 1024)

enum kind { K_SCALAR, K_SEQ, K_MAP };

/* The tags SafeConstructor knows, and the ones it refuses. */
enum tag {
	T_NULL, T_BOOL, T_INT, T_FLOAT, T_BINARY, T_TIMESTAMP, T_STR,
	T_SEQ, T_MAP, T_SET, T_OMAP, T_PAIRS,
	T_MERGE, T_VALUE, T_OTHER
};

/* What a constructed scalar is in JSON. */
enum jtype { J_NULL, J_TRUE, J_FALSE, J_NUM, J_STR };

/*
 * Classes of Python values for key equality: values of different classes
 * are never equal, and within a class two keys are equal when their
 * identity strings are.  Numbers (bool, int, float) share one class, with
 * integral values written as integers, which is how 1, 1.0 and True
 * become one key.
 */
enum kclass { C_NONE, C_NUM, C_STR, C_BYTES, C_DATE, C_NAIVE, C_AWARE };

/*
 * A node is allocated at the size of its kind: a scalar ends at kidlen,
 * so the fields after the scalars' part are only ever used on
 * collections.  Large documents hold hundreds of thousands of nodes, and
 * their size is most of the memory and of the page faults of a run.
 */
struct node {
	unsigned char	 kind;
	unsigned char	 tag;
	unsigned char	 jt;		/* scalars: enum jtype */
	unsigned char	 kc;		/* scalars: enum kclass */
	unsigned int	 started:1;	/* constructed or queued */
	unsigned int	 onstack:1;	/* being converted to JSON */
	unsigned int	 nul:1;		/* JSON text holds a NUL byte */
	unsigned int	 flat:1;	/* flattened, without duplicates */
	unsigned int	 used:1;	/* measured once already */
	uint32_t	 line, col;
	union {
		struct {			/* scalars */
			/*
			 * The text is read only until the scalar is
			 * constructed, and its JSON text is written
			 * last, so they share their place.
			 */
			union {
				char		*val;	/* see scalarval() */
				const char	*txt;	/* JSON number or string */
			};
			const char	*kid;	/* identity for equality */
			/*
			 * 32 bits are enough (see SCALARMAX) and make a
			 * scalar 40 bytes instead of 48.
			 */
			union {
				uint32_t	 len;
				uint32_t	 tlen;
			};
			uint32_t	 kidlen;
		};
		struct {			/* collections */
			struct node	**v;	/* items, or keys and values */
			size_t		 n;
			/*
			 * A mapping's cursors serve only until it is flat;
			 * its constructed pairs come after.
			 */
			union {
				struct {
					size_t	 fw, fr;	/* flattening cursors */
				};
				struct {
					struct node	**out;	/* constructed pairs */
					size_t		 nout;
				};
			};
			unsigned	 gen;	/* flattenings finished */
			/* Both are at most MAXDEPTH and a little. */
			int16_t		 active;	/* flattenings under way */
			int16_t		 height;
			uint64_t	 units;	/* nodes and scalar bytes in JSON */
		};
	};
};

#define SCALARSIZE	(offsetof(struct node, kidlen) + sizeof(uint32_t))

/*
 * No scalar's text, JSON text or identity is longer than six times the
 * input (a control character becomes "\u00XX"), so their lengths fit in
 * 32 bits as long as the input is bounded like this.
 */
#define SCALARMAX	(UINT32_MAX / 8)
_Static_assert(YAML2JSON_INPUT_MAX <= SCALARMAX,
    "scalar lengths must fit in 32 bits");

/* The tags of nodes with a tag SafeConstructor does not know. */
struct othertag {
	const struct node	*node;
	const char		*name;
};

struct anchor {
	const char	*name;
	struct node	*node;
};

/* Where a quoted or block scalar lies, in characters of the input. */
struct span {
	size_t		 start, end;
	int		 block;
};

struct chunk {
	struct chunk	*next;
	size_t		 used, cap;	/* in AUNIT */
	size_t		 size;		/* mapped, in bytes, or 0 */
	max_align_t	 data[];
};

/* A growing vector of node pointers. */
struct nvec {
	struct node	**v;
	size_t		 n, cap;
};

/*
 * Integers as Python's int() reads them, in decimal text of any length:
 * limbs of nine decimal digits, least significant first.
 */
struct big {
	uint32_t	*d;
	size_t		 n, cap;
};

/* An open collection of a document converted directly (see direct()). */
struct frame {
	size_t		 items;		/* members so far, keys and values */
	size_t		 keys;		/* where its keys start in C.dkeys */
	size_t		*tab;		/* a hash of its keys, past HASHMIN */
	size_t		 tcap;
	int		 map;
};

static struct {
	const char	*name;
	struct hf_buf	 in;
	yaml_parser_t	 parser;
	int		 parserok;
	struct chunk	*arena;
	struct anchor	*atab;
	size_t		 acap, acount;
	struct nvec	 queue;
	struct nvec	 stack;		/* open collections while parsing */
	struct nvec	 kids;		/* their children so far */
	struct othertag	*otags;
	size_t		 notag, capotag;
	size_t		 curc, curb;	/* a character index and its byte */
	int		 ascii;		/* the input is ASCII: they are equal */
	jmp_buf		 retry;
	unsigned long	 patched[MAXPATCH];	/* lines of ignored directives */
	char		 ph[3];		/* a tab in block indentation, for libyaml */
	size_t		 nph, phfound;
	char		 phmsg[256];	/* the error a failed rewrite reports */
	unsigned long	 phline, phcol;
	struct span	*spans;		/* quoted and block scalars */
	size_t		 nspan, capspan;
	size_t		 npatch, ndone;
	uint64_t	 budget;	/* units added by aliases */
	struct hf_str	 outbuf;
	char		**akeys;	/* -a key=value */
	size_t		 na;
	int		 compact, multi;
	int		 stream;	/* output may be written as made */
	int		 direct;	/* converting without the graph */
	int		 nodirect;	/* direct conversion gave up */
	struct frame	*frames;	/* its open collections */
	size_t		 nframe, capframe;
	struct node	*dkeys;		/* the keys of its open mappings */
	size_t		 ndkey, capdkey;
	yaml_event_t	*ev;		/* the event it is converting */
	/*
	 * The numbers cint() and cfloat() work with, kept here so that a
	 * jump out of them, as a direct conversion gives up, loses nothing.
	 */
	struct big	 bigs[3];
} C;

static const char tagpfx[] = "tag:yaml.org,2002:";

static void __attribute__((noreturn, format(printf, 3, 4)))
dieat(unsigned long line, unsigned long col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hf_dieat(HF_EDATA, C.name, line, col, "%s", msg);
}

/*
 * Leave direct conversion (see direct()): the document is parsed again,
 * into a node graph.
 */
static void __attribute__((noreturn))
giveup(void)
{
	/* The event belongs to parsedoc(), which the jump leaves. */
	if (C.ev != NULL)
		yaml_event_delete(C.ev);
	C.ev = NULL;
	C.nodirect = 1;
	longjmp(C.retry, 1);
}

/*
 * An error of a node, in constructing or printing it.  A direct
 * conversion gives up instead: the graph finds the same error, and
 * reports it in PyYAML's order, after any error of the parse.
 */
static void __attribute__((noreturn, format(printf, 2, 3)))
dienode(const struct node *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (C.direct)
		giveup();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dieat(n->line, n->col, "%s", msg);
}

/*
 * The arena holds what lives as long as a document: nodes, their lists,
 * scalar text and the strings made from it.  Its memory comes zeroed.
 * Nothing in it needs more alignment than a 64-bit integer or a pointer,
 * so it is handed out in units of 8 bytes: nodes and short strings waste
 * less than with max_align_t.
 */
#define AUNIT	8

/*
 * A chunk of size bytes or more, its capacity set to all it holds.  A
 * page fault per 4 KiB first touched was most of the time of a large
 * document, so where the system can, a chunk is mapped with its pages
 * present, and one of HF_BIG is a huge page (hf_bigalloc), which costs
 * less again: 38 ms instead of 46 for a 2 MB document.
 */
static struct chunk *
chunknew(size_t size)
{
	struct chunk *c;
	size_t mapped = 0;
#ifdef MAP_POPULATE
	long pg = sysconf(_SC_PAGESIZE);
	void *p;
#endif

	if (size >= HF_BIG)
		c = hf_bigalloc(size, &mapped);
	else {
#ifdef MAP_POPULATE
		if (pg > 0)
			size = (size + pg - 1) / pg * pg;
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p != MAP_FAILED) {
			c = p;
			mapped = size;
		} else
#endif
			c = hf_calloc(1, size);
	}
	c->size = mapped;
	c->cap = ((mapped > 0 ? mapped : size) - sizeof(*c)) / AUNIT;
	return c;
}

static void *
aalloc(size_t n)
{
	struct chunk *c;
	size_t size, units;
	void *p;

	units = (n + AUNIT - 1) / AUNIT;
	if (units == 0)
		units = 1;
	c = C.arena;
	if (c == NULL || c->cap - c->used < units) {
		/*
		 * Chunks double, from 64 KiB to HF_BIG, so a small document
		 * costs little and a large one leaves at most one chunk
		 * unused.
		 */
		size = c == NULL ? 64 << 10 : (sizeof(*c) + c->cap * AUNIT) * 2;
		if (size > HF_BIG)
			size = HF_BIG;
		if ((size - sizeof(*c)) / AUNIT < units)
			size = sizeof(*c) + units * AUNIT;
		c = chunknew(size);
		c->used = 0;
		c->next = C.arena;
		C.arena = c;
	}
	p = (char *)c->data + c->used * AUNIT;
	c->used += units;
	return p;
}

static char *
astrndup(const char *s, size_t n)
{
	char *p;

	p = aalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
nvpush(struct nvec *nv, struct node *n)
{
	if (nv->n == nv->cap) {
		nv->cap = nv->cap ? nv->cap * 2 : 8;
		nv->v = hf_reallocarray(nv->v, nv->cap, sizeof(*nv->v));
	}
	nv->v[nv->n++] = n;
}

/* Free what one document used. */
static void
freedoc(void)
{
	struct chunk *c;

	while ((c = C.arena) != NULL) {
		C.arena = c->next;
		hf_bigfree(c, c->size);
	}
	free(C.atab);
	C.atab = NULL;
	C.acap = C.acount = 0;
	C.queue.n = 0;
	C.budget = 0;
	C.notag = 0;
}

static void
charge(struct node *n, uint64_t units)
{
	C.budget += units;
	if (C.budget > MAXALIAS)
		dienode(n, "aliases and merge keys expand to more than %d "
		    "nodes and bytes", MAXALIAS);
}

/* FNV-1a, for anchors and keys. */
static uint64_t
hash(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	while (n-- > 0)
		h = (h ^ *s++) * 0x100000001b3ULL;
	return h;
}

#define HASHINIT	0xcbf29ce484222325ULL

static struct anchor *
anchorslot(const char *name)
{
	size_t i;

	i = hash(name, strlen(name), HASHINIT) & (C.acap - 1);
	while (C.atab[i].name != NULL && strcmp(C.atab[i].name, name) != 0)
		i = (i + 1) & (C.acap - 1);
	return &C.atab[i];
}

static struct node *
anchorget(const char *name)
{
	struct anchor *a;

	if (C.acount == 0)
		return NULL;
	a = anchorslot(name);
	return a->node;
}

static void
anchorput(const char *name, struct node *n)
{
	struct anchor *old, *a;
	size_t oldcap, i;

	if (anchorget(name) != NULL)
		dienode(n, "found duplicate anchor '%s'", name);
	if ((C.acount + 1) * 2 > C.acap) {
		old = C.atab;
		oldcap = C.acap;
		C.acap = C.acap ? C.acap * 2 : 64;
		C.atab = hf_calloc(C.acap, sizeof(*C.atab));
		for (i = 0; i < oldcap; i++)
			if (old[i].name != NULL)
				*anchorslot(old[i].name) = old[i];
		free(old);
	}
	a = anchorslot(name);
	a->name = astrndup(name, strlen(name));
	a->node = n;
	C.acount++;
}

/*
 * Scalar resolution: PyYAML's implicit resolvers, each regular expression
 * written out by hand.  Python's "$" also matches before a final newline,
 * which only matters for scalars tagged "!"; rmatch() gives that.
 */
static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isdigu(int c)
{
	return isdig(c) || c == '_';
}

static int
rmatch(int (*f)(const char *, size_t), const char *s, size_t n)
{
	return f(s, n) || (n > 0 && s[n - 1] == '\n' && f(s, n - 1));
}

static int
eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static int
isbool(const char *s, size_t n)
{
	static const char *const w[] = {
		"yes", "Yes", "YES", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF"
	};
	size_t i;

	if (n < 2 || n > 5)
		return 0;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (eq(s, n, w[i]))
			return 1;
	return 0;
}

static int
isnull(const char *s, size_t n)
{
	return n == 0 || eq(s, n, "~") || eq(s, n, "null") ||
	    eq(s, n, "Null") || eq(s, n, "NULL");
}

/* (?::[0-5]?[0-9])+ from s[i], returns the index after it or 0. */
static size_t
sexa(const char *s, size_t n, size_t i)
{
	size_t groups = 0;

	while (i < n && s[i] == ':') {
		i++;
		if (i + 1 < n && s[i] >= '0' && s[i] <= '5' && isdig(s[i + 1]))
			i += 2;
		else if (i < n && isdig(s[i]))
			i++;
		else
			return 0;
		groups++;
	}
	return groups > 0 ? i : 0;
}

static int
isint(const char *s, size_t n)
{
	size_t i = 0, j;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i >= n || !isdig(s[i]))
		return 0;
	if (s[i] == '0') {
		if (i + 1 == n)
			return 1;
		if (s[i + 1] == 'b' || s[i + 1] == 'x') {
			if (i + 2 >= n)
				return 0;
			for (j = i + 2; j < n; j++)
				if (s[i + 1] == 'b' ? !(s[j] == '0' ||
				    s[j] == '1' || s[j] == '_') :
				    !(isdig(s[j]) || s[j] == '_' ||
				    (s[j] >= 'a' && s[j] <= 'f') ||
				    (s[j] >= 'A' && s[j] <= 'F')))
					return 0;
			return 1;
		}
		for (j = i + 1; j < n; j++)
			if (!((s[j] >= '0' && s[j] <= '7') || s[j] == '_'))
				return 0;
		return 1;
	}
	for (j = i + 1; j < n && isdigu(s[j]); j++)
		;
	if (j == n)
		return 1;
	return sexa(s, n, j) == n;
}

/* (?:[eE][-+][0-9]+)?$ from s[i] */
static int
expend(const char *s, size_t n, size_t i)
{
	if (i == n)
		return 1;
	if (s[i] != 'e' && s[i] != 'E')
		return 0;
	i++;
	if (i >= n || (s[i] != '-' && s[i] != '+'))
		return 0;
	i++;
	if (i >= n)
		return 0;
	for (; i < n; i++)
		if (!isdig(s[i]))
			return 0;
	return 1;
}

static int
isfloat(const char *s, size_t n)
{
	size_t i = 0, j;
	int sign = 0;

	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		sign = 1;
		i = 1;
	}
	if (i < n && isdig(s[i])) {
		for (j = i + 1; j < n && isdigu(s[j]); j++)
			;
		if (j < n && s[j] == '.') {
			for (j++; j < n && isdigu(s[j]); j++)
				;
			return expend(s, n, j);
		}
		if (j < n && s[j] == ':') {
			if ((j = sexa(s, n, j)) == 0 || j >= n || s[j] != '.')
				return 0;
			for (j++; j < n && isdigu(s[j]); j++)
				;
			return j == n;
		}
		return 0;
	}
	if (i >= n || s[i] != '.')
		return 0;
	if (eq(s + i + 1, n - i - 1, "inf") || eq(s + i + 1, n - i - 1, "Inf") ||
	    eq(s + i + 1, n - i - 1, "INF"))
		return 1;
	if (sign)
		return 0;
	if (eq(s + 1, n - 1, "nan") || eq(s + 1, n - 1, "NaN") ||
	    eq(s + 1, n - 1, "NAN"))
		return 1;
	if (n < 2 || !isdig(s[1]))
		return 0;
	for (j = 2; j < n && isdigu(s[j]); j++)
		;
	return expend(s, n, j);
}

struct ts {
	int	 year, month, day, hour, minute, second, usec;
	int	 hastime, shortdate, hastz, tzneg, tzh, tzm;
};

static size_t
digits(const char *s, size_t n, size_t i, size_t min, size_t max, int *v)
{
	size_t k = 0;

	*v = 0;
	while (i + k < n && k < max && isdig(s[i + k])) {
		*v = *v * 10 + (s[i + k] - '0');
		k++;
	}
	return k >= min ? k : 0;
}

/*
 * The timestamp expression of SafeConstructor, which also accepts dates
 * with one-digit month and day; the resolver's own expression wants two
 * digits for a date alone, which ts.shortdate tells.
 */
static int
parsets(const char *s, size_t n, struct ts *t)
{
	size_t i = 0, k, f;

	memset(t, 0, sizeof(*t));
	if ((k = digits(s, n, i, 4, 4, &t->year)) == 0)
		return 0;
	i += k;
	if (i >= n || s[i++] != '-')
		return 0;
	if ((k = digits(s, n, i, 1, 2, &t->month)) == 0)
		return 0;
	t->shortdate |= k == 1;
	i += k;
	if (i >= n || s[i++] != '-')
		return 0;
	if ((k = digits(s, n, i, 1, 2, &t->day)) == 0)
		return 0;
	t->shortdate |= k == 1;
	i += k;
	if (i == n)
		return 1;
	if (s[i] == 'T' || s[i] == 't')
		i++;
	else if (s[i] == ' ' || s[i] == '\t')
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
	else
		return 0;
	t->hastime = 1;
	if ((k = digits(s, n, i, 1, 2, &t->hour)) == 0)
		return 0;
	i += k;
	if (i >= n || s[i++] != ':')
		return 0;
	if ((k = digits(s, n, i, 2, 2, &t->minute)) == 0)
		return 0;
	i += k;
	if (i >= n || s[i++] != ':')
		return 0;
	if ((k = digits(s, n, i, 2, 2, &t->second)) == 0)
		return 0;
	i += k;
	if (i < n && s[i] == '.') {
		i++;
		for (f = 0; i < n && isdig(s[i]); i++, f++)
			if (f < 6)
				t->usec = t->usec * 10 + (s[i] - '0');
		for (; f < 6; f++)
			t->usec *= 10;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n)
		return s[n - 1] != ' ' && s[n - 1] != '\t';
	if (s[i] == 'Z') {
		t->hastz = 1;
		return i + 1 == n;
	}
	if (s[i] != '-' && s[i] != '+')
		return 0;
	t->hastz = 1;
	t->tzneg = s[i++] == '-';
	if ((k = digits(s, n, i, 1, 2, &t->tzh)) == 0)
		return 0;
	i += k;
	if (i < n && s[i] == ':') {
		i++;
		if ((k = digits(s, n, i, 2, 2, &t->tzm)) == 0)
			return 0;
		i += k;
	}
	return i == n;
}

static int
istimestamp(const char *s, size_t n)
{
	struct ts t;

	return parsets(s, n, &t) && (t.hastime || !t.shortdate);
}

static int
ismerge(const char *s, size_t n)
{
	return eq(s, n, "<<");
}

static int
isvalue(const char *s, size_t n)
{
	return eq(s, n, "=");
}

static int
isyaml(const char *s, size_t n)
{
	return eq(s, n, "!") || eq(s, n, "&") || eq(s, n, "*");
}

static int
first(int c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* The tag of a plain scalar (or one tagged "!"), as PyYAML resolves it. */
static int
resolve(const char *s, size_t n, const char **name)
{
	int c;

	if (n == 0)
		return T_NULL;
	c = (unsigned char)s[0];
	/*
	 * PyYAML tries the rules that the first character allows.  Most
	 * scalars are words, which can only be bools, nulls or strings.
	 */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		if (first(c, "yYnNtTfFoO") && rmatch(isbool, s, n))
			return T_BOOL;
		if ((c == 'n' || c == 'N') && rmatch(isnull, s, n))
			return T_NULL;
		return T_STR;
	}
	if (first(c, "-+0123456789.") && rmatch(isfloat, s, n))
		return T_FLOAT;
	if (first(c, "-+0123456789") && rmatch(isint, s, n))
		return T_INT;
	if (c == '<' && rmatch(ismerge, s, n))
		return T_MERGE;
	if (c == '~' && rmatch(isnull, s, n))
		return T_NULL;
	if (isdig(c) && rmatch(istimestamp, s, n))
		return T_TIMESTAMP;
	if (c == '=' && rmatch(isvalue, s, n))
		return T_VALUE;
	if (first(c, "!&*") && rmatch(isyaml, s, n)) {
		*name = "tag:yaml.org,2002:yaml";
		return T_OTHER;
	}
	return T_STR;
}

/* An explicit tag. */
static int
tagid(const char *tag)
{
	static const struct {
		const char	*name;
		int		 id;
	} known[] = {
		{ "null", T_NULL }, { "bool", T_BOOL }, { "int", T_INT },
		{ "float", T_FLOAT }, { "binary", T_BINARY },
		{ "timestamp", T_TIMESTAMP }, { "str", T_STR },
		{ "seq", T_SEQ }, { "map", T_MAP }, { "set", T_SET },
		{ "omap", T_OMAP }, { "pairs", T_PAIRS },
		{ "merge", T_MERGE }, { "value", T_VALUE }
	};
	size_t i;

	if (strncmp(tag, tagpfx, sizeof(tagpfx) - 1) != 0)
		return T_OTHER;
	tag += sizeof(tagpfx) - 1;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(tag, known[i].name) == 0)
			return known[i].id;
	return T_OTHER;
}

static const char *
tagname(const struct node *n)
{
	static const char *const names[] = {
		"null", "bool", "int", "float", "binary", "timestamp", "str",
		"seq", "map", "set", "omap", "pairs", "merge", "value"
	};
	static char buf[64];
	size_t i;

	if (n->tag == T_OTHER) {
		for (i = 0; i < C.notag; i++)
			if (C.otags[i].node == n)
				return C.otags[i].name;
		return "";
	}
	snprintf(buf, sizeof(buf), "%s%s", tagpfx, names[n->tag]);
	return buf;
}

static const char *
kindname(int kind)
{
	return kind == K_SCALAR ? "scalar" : kind == K_SEQ ? "sequence" :
	    "mapping";
}

/*
 * Parsing: libyaml's events into nodes, with an explicit stack, so that
 * the depth bound is checked before anything deep is built.
 */
/* The length of a line break at d[i] as libyaml reads one, or 0. */
static size_t
brklen(size_t i)
{
	const unsigned char *d = (const unsigned char *)C.in.data;
	size_t n = C.in.len;

	if (i >= n)
		return 0;
	if (d[i] == '\r' && i + 1 < n && d[i + 1] == '\n')
		return 2;
	if (d[i] == '\n' || d[i] == '\r')
		return 1;
	if (d[i] == 0xc2 && i + 1 < n && d[i + 1] == 0x85)
		return 2;
	if (d[i] == 0xe2 && i + 2 < n && d[i + 1] == 0x80 &&
	    (d[i + 2] == 0xa8 || d[i + 2] == 0xa9))
		return 3;
	return 0;
}

/* The byte offset of the character after the one at i. */
static size_t
nextchar(size_t i)
{
	for (i++; i < C.in.len && (C.in.data[i] & 0xc0) == 0x80; i++)
		;
	return i;
}

/* The byte offset of a line (0-based), counting breaks as libyaml does. */
static size_t
lineoffset(size_t line)
{
	size_t i = 0, k;

	while (line > 0 && i < C.in.len) {
		if ((k = brklen(i)) > 0) {
			i += k;
			line--;
		} else
			i++;
	}
	return i;
}

/* The byte offset of a mark, whose column counts characters. */
static size_t
markoffset(const yaml_mark_t *m)
{
	size_t off, c;

	off = lineoffset(m->line);
	for (c = 0; c < m->column && off < C.in.len; c++)
		off = nextchar(off);
	return off;
}

/* Replace del bytes of the input at off with n bytes of s. */
static void
replace(size_t off, size_t del, const char *s, size_t n)
{
	char *d;

	d = hf_malloc(C.in.len - del + n + 1);
	memcpy(d, C.in.data, off);
	memcpy(d + off, s, n);
	memcpy(d + off + n, C.in.data + off + del, C.in.len - off - del + 1);
	hf_bigfree(C.in.data, C.in.mapped);
	C.in.data = d;
	C.in.len = C.in.len - del + n;
	C.in.mapped = 0;
}

/* A private-use character (U+E000 on) that the input does not hold. */
static void
phchoose(void)
{
	size_t i;
	int c;

	for (c = 0; c < 64; c++) {
		C.ph[0] = (char)0xee;
		C.ph[1] = (char)0x80;
		C.ph[2] = (char)(0x80 + c);
		for (i = 0; i + 2 < C.in.len; i++)
			if (memcmp(C.in.data + i, C.ph, 3) == 0)
				break;
		if (i + 2 >= C.in.len)
			return;
	}
}

static void __attribute__((noreturn))
phfail(void)
{
	dieat(C.phline, C.phcol, "%s", C.phmsg);
}

/*
 * The placeholders of phchoose() back into tabs.  They may only be text
 * of a literal block scalar: a folded one would fold differently around
 * a tab, and anywhere else PyYAML fails too.
 */
static void
phfix(struct node *n, int style)
{
	size_t i, k;

	for (i = k = 0; i < n->len; i++) {
		if (i + 2 < n->len && memcmp(n->val + i, C.ph, 3) == 0) {
			if (style != YAML_LITERAL_SCALAR_STYLE)
				phfail();
			n->val[k++] = '\t';
			i += 2;
			C.phfound++;
		} else
			n->val[k++] = n->val[i];
	}
	n->val[k] = '\0';
	n->len = k;
}

/*
 * A tab where libyaml still looks for a folded scalar's indentation:
 * PyYAML takes the most spaces of the lines before it as the
 * indentation (at least one more than the parent's), and when the tab
 * stands there, reads it as the first character of a more-indented
 * line.  Returns the indentation indicator that says so to libyaml, or
 * 0 when the tab is elsewhere (then PyYAML fails too).
 */
static int
foldindent(const yaml_parser_t *p)
{
	const char *d = C.in.data;
	size_t h, i, tab, col, max = 0;
	int parent, ind;

	h = markoffset(&p->context_mark);
	tab = markoffset(&p->problem_mark);
	if (h >= tab || d[h] != '>')
		return 0;
	/* The header has no indentation indicator of its own. */
	for (i = h + 1; i < tab && (d[i] == '+' || d[i] == '-'); i++)
		;
	if (isdig(d[i]))
		return 0;
	while (i < tab && d[i] != '\n' && d[i] != '\r')
		i++;
	/* Only spaces and line breaks until the tab. */
	for (col = 0; i < tab; i++) {
		if (d[i] == '\n' || d[i] == '\r')
			col = 0;
		else if (d[i] == ' ')
			max = ++col > max ? col : max;
		else
			return 0;
	}
	parent = p->indent >= 0 ? p->indent : 0;
	ind = p->indent + 1 > 1 ? p->indent + 1 : 1;
	if ((size_t)ind < max)
		ind = (int)max;
	if ((size_t)ind != col || ind - parent < 1 || ind - parent > 9)
		return 0;
	return ind - parent;
}

/*
 * PyYAML ignores directives it does not know and reads any %YAML 1.x;
 * libyaml refuses both.  Such a directive is rewritten (into a comment,
 * or into version 1.1, keeping every offset) and the input parsed again.
 */
static void
patch(void)
{
	yaml_parser_t *p = &C.parser;
	char *d = C.in.data, c;
	size_t off, i;

	if (C.npatch >= MAXPATCH || p->problem == NULL)
		return;
	if (p->error == YAML_SCANNER_ERROR && strcmp(p->problem,
	    "found a tab character where an indentation space is expected")
	    == 0 && (off = markoffset(&p->problem_mark)) < C.in.len &&
	    d[off] == '\t') {
		if ((i = foldindent(p)) > 0) {
			/*
			 * In a folded scalar a placeholder would fold as
			 * text, but PyYAML folds a tab-led line as a
			 * more-indented one.  The indentation PyYAML finds
			 * is made explicit in the header, so that libyaml
			 * reads the tab as the line's first character,
			 * keeping every offset after the header.
			 */
			c = (char)('0' + i);
			replace(markoffset(&p->context_mark) + 1, 0, &c, 1);
			C.npatch++;
			longjmp(C.retry, 1);
		}
		/*
		 * PyYAML counts only spaces as a block scalar's indentation,
		 * so the tab is text; libyaml stops.  The tab becomes a
		 * private-use character that appears nowhere else, turned
		 * back into a tab in the scalar (see phfix).
		 */
		if (C.nph == 0) {
			phchoose();
			snprintf(C.phmsg, sizeof(C.phmsg), "%s (%s at line %lu, "
			    "column %lu)", p->problem, p->context,
			    (unsigned long)p->context_mark.line + 1,
			    (unsigned long)p->context_mark.column + 1);
			C.phline = p->problem_mark.line + 1;
			C.phcol = p->problem_mark.column + 1;
		}
		replace(off, 1, C.ph, 3);
		C.nph++;
		C.npatch++;
		longjmp(C.retry, 1);
	}
	if (p->error == YAML_SCANNER_ERROR && strcmp(p->problem,
	    "found unexpected ':'") == 0 && p->context != NULL &&
	    (off = markoffset(&p->problem_mark)) + 1 < C.in.len &&
	    d[off] == ':' && strchr(",[]{}", d[off + 1]) != NULL) {
		/*
		 * In a flow collection PyYAML ends a plain scalar at a colon
		 * before ",[]{}" and reads the colon as a value indicator;
		 * libyaml stops.  A space after the colon says the same to
		 * libyaml.
		 */
		replace(off + 1, 0, " ", 1);
		C.npatch++;
		longjmp(C.retry, 1);
	}
	if (p->error == YAML_SCANNER_ERROR && p->context_mark.column == 0 &&
	    strcmp(p->problem, "found unknown directive name") == 0) {
		off = lineoffset(p->context_mark.line);
		if (off >= C.in.len || d[off] != '%')
			return;
		d[off] = '#';
		C.patched[C.npatch++] = p->context_mark.line + 1;
		longjmp(C.retry, 1);
	}
	if (p->error == YAML_PARSER_ERROR && p->problem_mark.column == 0 &&
	    strcmp(p->problem, "found incompatible YAML document") == 0) {
		off = lineoffset(p->problem_mark.line);
		if (C.in.len - off < 5 || memcmp(d + off, "%YAML", 5) != 0)
			return;
		for (i = off + 5; i < C.in.len && (d[i] == ' ' ||
		    d[i] == '\t'); i++)
			;
		while (i < C.in.len && d[i] == '0')
			i++;
		if (i + 2 >= C.in.len || d[i] != '1' || d[i + 1] != '.' ||
		    !isdig(d[i + 2]))
			return;
		d[i += 2] = '1';
		for (i++; i < C.in.len && isdig(d[i]); i++)
			d[i] = ' ';
		C.npatch++;
		longjmp(C.retry, 1);
	}
}

static void
parsefail(void)
{
	yaml_parser_t *p = &C.parser;
	unsigned long line = 1, col = 1;
	size_t i, off;
	char ctx[160] = "";

	if (p->error == YAML_MEMORY_ERROR)
		hf_die(HF_EUSAGE, "out of memory");
	patch();
	if (p->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset; count lines to it. */
		off = p->problem_offset < C.in.len ? p->problem_offset :
		    C.in.len;
		for (i = 0; i < off; i++) {
			if (C.in.data[i] == '\n' || (C.in.data[i] == '\r' &&
			    (i + 1 >= C.in.len || C.in.data[i + 1] != '\n'))) {
				line++;
				col = 1;
			} else if ((C.in.data[i] & 0xc0) != 0x80)
				col++;
		}
		if (p->problem_value != -1)
			dieat(line, col, "%s (#%X)", p->problem,
			    (unsigned)p->problem_value);
		dieat(line, col, "%s", p->problem);
	}
	if (p->context != NULL)
		snprintf(ctx, sizeof(ctx), " (%s at line %lu, column %lu)",
		    p->context, (unsigned long)p->context_mark.line + 1,
		    (unsigned long)p->context_mark.column + 1);
	dieat(p->problem_mark.line + 1, p->problem_mark.column + 1, "%s%s",
	    p->problem != NULL ? p->problem : "unknown parse error", ctx);
}

static void
nextevent(yaml_event_t *ev)
{
	if (!yaml_parser_parse(&C.parser, ev))
		parsefail();
}

static struct node *
newnode(int kind, const yaml_mark_t *m)
{
	struct node *n;

	n = aalloc(kind == K_SCALAR ? SCALARSIZE : sizeof(*n));
	n->kind = kind;
	n->line = m->line + 1;
	n->col = m->column + 1;
	return n;
}

static void
settag(struct node *n, const yaml_char_t *tag, int plainimplicit)
{
	const char *t = (const char *)tag, *name = NULL;

	if (n->kind == K_SCALAR) {
		/*
		 * PyYAML resolves a scalar tagged "!" like a plain one, in
		 * any style; libyaml leaves it implicit only when it is not
		 * empty.
		 */
		if ((t == NULL && plainimplicit) ||
		    (t != NULL && strcmp(t, "!") == 0))
			n->tag = resolve(n->val, n->len, &name);
		else if (t == NULL)
			n->tag = T_STR;
		else
			n->tag = tagid(t);
	} else if (t == NULL || strcmp(t, "!") == 0)
		n->tag = n->kind == K_SEQ ? T_SEQ : T_MAP;
	else
		n->tag = tagid(t);
	if (n->tag != T_OTHER)
		return;
	if (C.notag == C.capotag) {
		C.capotag = C.capotag ? C.capotag * 2 : 16;
		C.otags = hf_reallocarray(C.otags, C.capotag,
		    sizeof(*C.otags));
	}
	C.otags[C.notag].node = n;
	C.otags[C.notag++].name = name != NULL ? name :
	    astrndup(t, strlen(t));
}

static void
addspan(const yaml_event_t *ev)
{
	if (ev->start_mark.index == ev->end_mark.index)
		return;
	if (C.nspan == C.capspan) {
		C.capspan = C.capspan ? C.capspan * 2 : 64;
		C.spans = hf_reallocarray(C.spans, C.capspan,
		    sizeof(*C.spans));
	}
	C.spans[C.nspan].start = ev->start_mark.index;
	C.spans[C.nspan].end = ev->end_mark.index;
	C.spans[C.nspan].block =
	    ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
	    ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
	C.nspan++;
}

/*
 * PyYAML's scanner skips only spaces between tokens, so a tab anywhere
 * but in a quoted scalar, a block scalar's text or a comment is an
 * error there, and so is a block scalar header that runs into a comment
 * ("|#"); libyaml accepts both.  One pass over the input, with the
 * scalars' places from the parse, finds them.
 */
static void
tabcheck(void)
{
	const unsigned char *d = (const unsigned char *)C.in.data;
	size_t bi = 0, ci = 0, k = 0, n = C.in.len;
	unsigned long line = 1, col = 1;
	int blank = 1, comment = 0, hdr = 0, c;

	if (memchr(d, '\t', n) == NULL) {
		for (k = 0; k < C.nspan && !C.spans[k].block; k++)
			;
		if (k == C.nspan)
			return;
		k = 0;
	}
	while (bi < n) {
		c = d[bi];
		while (k < C.nspan && ci >= C.spans[k].end)
			k++;
		if (k < C.nspan && ci == C.spans[k].start && C.spans[k].block)
			hdr = 1;
		if (hdr) {
			/* The header: indicators, spaces, a comment. */
			if (hdr == 1 && (c == '|' || c == '>' || c == '+' ||
			    c == '-' || isdig(c)))
				;
			else if (hdr == 1 && c == '#')
				dieat(line, col, "expected chomping or "
				    "indentation indicators, but found '#'");
			else if (c == '\n' || c == '\r')
				hdr = 0;
			else if (c == ' ')
				hdr = hdr == 1 ? 2 : hdr;
			else if (c == '#' && hdr == 2)
				hdr = 3;
			else if (c == '\t' && hdr != 3)
				dieat(line, col, "found a tab character in a "
				    "block scalar header");
		} else if (k < C.nspan && ci >= C.spans[k].start)
			;
		else if (c == '\n' || c == '\r') {
			comment = 0;
			blank = 1;
		} else if (comment)
			;
		else if (c == '#' && blank)
			comment = 1;
		else if (c == '\t')
			dieat(line, col, "found character '\\t' that cannot "
			    "start any token");
		else if (!(c == 0xef && bi + 2 < n && d[bi + 1] == 0xbb &&
		    d[bi + 2] == 0xbf))
			blank = c == ' ';
		/* Lines and columns as libyaml counts them. */
		if (c == '\n' || (c == '\r' && (bi + 1 >= n ||
		    d[bi + 1] != '\n'))) {
			line++;
			col = 1;
		} else if (c != '\r')
			col++;
		bi = nextchar(bi);
		ci++;
	}
}

/* The line and column of a byte offset, as libyaml counts them. */
static void
offmark(size_t off, unsigned long *line, unsigned long *col)
{
	size_t i, k;

	*line = *col = 1;
	for (i = 0; i < off && i < C.in.len;) {
		if ((k = brklen(i)) > 0) {
			i += k;
			++*line;
			*col = 1;
		} else {
			i = nextchar(i);
			++*col;
		}
	}
}

/* Whether the event of a node gives it a tag or an anchor. */
static int
hasprops(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.tag != NULL ||
		    ev->data.scalar.anchor != NULL;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.tag != NULL ||
		    ev->data.sequence_start.anchor != NULL;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.tag != NULL ||
		    ev->data.mapping_start.anchor != NULL;
	default:
		return 0;
	}
}

/*
 * Inside a flow collection PyYAML's scanner ends a plain scalar at '?'
 * and reads the '?' as a key indicator where only ',' or the end may
 * follow; and it reads ",[]{}" right after a tag as part of the tag.
 * libyaml takes both as YAML 1.2 does.  ev is a node's event in a flow
 * collection, inseq when the innermost one is a sequence.
 */
static size_t	byteat(size_t);

static void
flowcheck(const yaml_event_t *ev, int inseq)
{
	const char *d = C.in.data, *q;
	size_t i, end, n = C.in.len;
	unsigned long line, col;
	int tag, props;

	/*
	 * Most nodes have no property and no '?': they are let through
	 * without looking for their text, which would cost a walk from the
	 * start of the input for each one.
	 */
	props = hasprops(ev);
	if (!props && (ev->type != YAML_SCALAR_EVENT ||
	    ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    memchr(ev->data.scalar.value, '?',
	    ev->data.scalar.length) == NULL))
		return;
	/*
	 * The cursor of byteat() moves forward with the events; a mark
	 * behind it, which is rare, is found from the start of its line.
	 */
	if ((i = byteat(ev->start_mark.index)) == SIZE_MAX)
		i = markoffset(&ev->start_mark);
	if ((end = byteat(ev->end_mark.index)) == SIZE_MAX)
		end = markoffset(&ev->end_mark);
	while (i < end && (d[i] == '&' || d[i] == '!')) {
		tag = d[i] == '!';
		if (tag && i + 1 < n && d[i + 1] == '<') {
			while (i < n && d[i] != '>')
				i++;
			i++;
		} else
			while (i < n && d[i] != '\0' &&
			    strchr(" \t\r\n,[]{}", d[i]) == NULL)
				i++;
		if (tag && i < n && d[i] != '\0' &&
		    strchr(",[]{}", d[i]) != NULL) {
			offmark(i, &line, &col);
			dieat(line, col, "found '%c' right after a tag, which "
			    "PyYAML reads as part of the tag", d[i]);
		}
		/* Spaces, line breaks and comments between properties. */
		while (i < end && (d[i] == ' ' || d[i] == '\t' || d[i] == '#' ||
		    brklen(i) > 0)) {
			if (d[i] == '#')
				while (i < end && brklen(i) == 0)
					i++;
			else
				i++;
		}
	}
	if (ev->type != YAML_SCALAR_EVENT ||
	    ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || i >= end ||
	    (q = memchr(d + i, '?', end - i)) == NULL)
		return;
	offmark((size_t)(q - d), &line, &col);
	dieat(line, col, "expected ',' or '%c', but got '?' (PyYAML ends a "
	    "plain scalar in a flow collection at '?')", inseq ? ']' : '}');
}

/*
 * The byte offset of the character index of a mark, from a cursor that
 * moves forward through the input, as events come in order; SIZE_MAX
 * when the cursor is past it.  libyaml counts every character, a break
 * CRLF as two, but not a byte order mark.
 */
static size_t
byteat(size_t index)
{
	const unsigned char *d = (const unsigned char *)C.in.data;
	size_t n = C.in.len;

	if (C.ascii)
		return index;
	if (C.curc == 0 && C.curb == 0 && n >= 3 &&
	    memcmp(d, "\xef\xbb\xbf", 3) == 0)
		C.curb = 3;
	if (index < C.curc)
		return SIZE_MAX;
	while (C.curc < index && C.curb < n) {
		C.curb = nextchar(C.curb);
		C.curc++;
	}
	return C.curb;
}

/*
 * Where a scalar's text lives.  A string whose bytes stand as they are
 * in the input, plain or quoted on one line without escapes, is read
 * there: most scalars of a large file are, and a copy of each would
 * cost as much memory as the input again.  Only strings qualify: the
 * constructors of the other tags read their text as a C string, and
 * the input is not NUL-terminated at a scalar's end.  The rest is
 * copied to the arena, so that libyaml's heap stays small and its
 * memory is reused.
 */
static char *
scalarval(const struct node *n, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t off, len = ev->data.scalar.length;

	if (n->tag == T_STR && (off = byteat(ev->start_mark.index)) <
	    C.in.len) {
		if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			off++;
		if (len <= C.in.len - off &&
		    memcmp(C.in.data + off, v, len) == 0)
			return C.in.data + off;
	}
	return astrndup(v, len);
}

static int direct(const yaml_event_t *);

/*
 * One document, from its DOCUMENT-START event (already read) to its end.
 * Returns the root node; a direct conversion returns NULL, having
 * written the document to the output.
 */
static struct node *
parsedoc(void)
{
	struct nvec *stack = &C.stack;
	struct node *n, *root = NULL;
	yaml_event_t ev;
	const yaml_char_t *anchor;
	size_t k, depth, flowat = 0;
	int done = 0, start;

	while (!done) {
		nextevent(&ev);
		n = NULL;
		anchor = NULL;
		/* The open collections, of the graph or of the output. */
		depth = C.direct ? C.nframe : stack->n;
		start = ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT;
		/* Inside a flow collection, depth is at least 1. */
		if (flowat > 0 && (ev.type == YAML_SCALAR_EVENT || start))
			flowcheck(&ev, C.direct ? !C.frames[depth - 1].map :
			    stack->v[depth - 1]->kind == K_SEQ);
		/* The depth at which the outermost flow collection began. */
		if (flowat == 0 && ((ev.type == YAML_SEQUENCE_START_EVENT &&
		    ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE) ||
		    (ev.type == YAML_MAPPING_START_EVENT &&
		    ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE)))
			flowat = depth + 1;
		else if (flowat > 0 && (ev.type == YAML_SEQUENCE_END_EVENT ||
		    ev.type == YAML_MAPPING_END_EVENT) && depth == flowat)
			flowat = 0;
		if (start && depth >= MAXDEPTH)
			dieat(ev.start_mark.line + 1, ev.start_mark.column + 1,
			    "nesting deeper than %d levels", MAXDEPTH);
		if (C.direct) {
			C.ev = &ev;
			done = direct(&ev);
			C.ev = NULL;
			yaml_event_delete(&ev);
			continue;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			n = newnode(K_SCALAR, &ev.start_mark);
			n->len = ev.data.scalar.length;
			if (C.nph > 0) {
				n->val = astrndup((char *)ev.data.scalar.value,
				    ev.data.scalar.length);
				phfix(n, ev.data.scalar.style);
			} else
				n->val = (char *)ev.data.scalar.value;
			settag(n, ev.data.scalar.tag,
			    ev.data.scalar.plain_implicit);
			/* Where the text stays depends on its tag. */
			if (C.nph == 0)
				n->val = scalarval(n, &ev);
			if (ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
				addspan(&ev);
			anchor = ev.data.scalar.anchor;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (ev.type == YAML_SEQUENCE_START_EVENT) {
				n = newnode(K_SEQ, &ev.start_mark);
				settag(n, ev.data.sequence_start.tag, 0);
				anchor = ev.data.sequence_start.anchor;
			} else {
				n = newnode(K_MAP, &ev.start_mark);
				settag(n, ev.data.mapping_start.tag, 0);
				anchor = ev.data.mapping_start.anchor;
			}
			break;
		case YAML_ALIAS_EVENT:
			n = anchorget((char *)ev.data.alias.anchor);
			if (n == NULL)
				dieat(ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "found undefined alias '%s'",
				    ev.data.alias.anchor);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			/* The children, from the pending list, sized exactly. */
			n = stack->v[--stack->n];
			k = C.kids.n - n->n;
			n->v = aalloc((k ? k : 1) * sizeof(*n->v));
			/* An empty collection may come before any list exists. */
			if (k > 0)
				memcpy(n->v, C.kids.v + n->n, k * sizeof(*n->v));
			C.kids.n = n->n;
			n->n = k;
			n = NULL;
			break;
		case YAML_DOCUMENT_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		if (n != NULL) {
			/* PyYAML registers an anchor before the children. */
			if (anchor != NULL)
				anchorput((char *)anchor, n);
			if (stack->n == 0)
				root = n;
			else
				nvpush(&C.kids, n);
			if (ev.type == YAML_SEQUENCE_START_EVENT ||
			    ev.type == YAML_MAPPING_START_EVENT) {
				/* Where its children start, until it ends. */
				n->n = C.kids.n;
				nvpush(stack, n);
			}
		}
		yaml_event_delete(&ev);
	}
	return root;
}

static void
bigmuladd(struct big *b, uint32_t m, uint32_t a)
{
	uint64_t carry = a, x;
	size_t i;

	for (i = 0; i < b->n; i++) {
		x = (uint64_t)b->d[i] * m + carry;
		b->d[i] = (uint32_t)(x % 1000000000);
		carry = x / 1000000000;
	}
	while (carry > 0) {
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 8;
			b->d = hf_reallocarray(b->d, b->cap, sizeof(*b->d));
		}
		b->d[b->n++] = (uint32_t)(carry % 1000000000);
		carry /= 1000000000;
	}
}

/* Decimal text of b, into the arena. */
static char *
bigtext(const struct big *b, int neg, size_t *len)
{
	char *s, *p;
	size_t i;

	if (b->n == 0) {
		*len = 1;
		return astrndup("0", 1);
	}
	s = aalloc(b->n * 9 + 2);
	p = s;
	if (neg)
		*p++ = '-';
	p += sprintf(p, "%u", (unsigned)b->d[b->n - 1]);
	for (i = b->n - 1; i-- > 0;)
		p += sprintf(p, "%09u", (unsigned)b->d[i]);
	*len = p - s;
	return s;
}

static int
pyspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static int
digval(int c)
{
	if (isdig(c))
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * Python's int(s, base) for s[0..n) without underscores: returns 0 and
 * sets the magnitude and sign, or -1 when Python would raise.
 */
static int
pyint(struct node *nd, const char *s, size_t n, int base, struct big *b,
    int *neg)
{
	size_t i;
	int bits;

	while (n > 0 && pyspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && pyspace((unsigned char)s[n - 1]))
		n--;
	*neg = 0;
	if (n > 0 && (*s == '-' || *s == '+')) {
		*neg = *s == '-';
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' && ((base == 16 && (s[1] | 0x20) == 'x') ||
	    (base == 8 && (s[1] | 0x20) == 'o') ||
	    (base == 2 && (s[1] | 0x20) == 'b'))) {
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return -1;
	for (i = 0; i < n; i++)
		if (digval((unsigned char)s[i]) >= base)
			return -1;
	if (base == 10 && n > MAXDIGITS)
		dienode(nd, "integer of more than %d digits", MAXDIGITS);
	while (n > 1 && s[0] == '0') {
		s++;
		n--;
	}
	/* A power-of-two base: check the size before converting. */
	if (base != 10) {
		bits = base == 16 ? 4 : base == 8 ? 3 : 1;
		/* 2**14286 has more than 4300 decimal digits. */
		if ((n - 1) * bits + 1 > 14287)
			dienode(nd, "integer of more than %d digits",
			    MAXDIGITS);
	}
	b->n = 0;
	for (i = 0; i < n; i++)
		bigmuladd(b, base, digval((unsigned char)s[i]));
	return 0;
}

/* An integer's text into n->txt, checking Python's digit limit. */
static void
setint(struct node *n, struct big *b, int neg)
{
	size_t len;
	char *t;

	t = bigtext(b, neg && b->n > 0, &len);
	if (len - (t[0] == '-') > MAXDIGITS)
		dienode(n, "integer of more than %d digits", MAXDIGITS);
	n->txt = n->kid = t;
	n->tlen = n->kidlen = len;
	n->jt = J_NUM;
	n->kc = C_NUM;
}

/* A copy of the scalar without underscores, optionally lowercased. */
static char *
nounder(const struct node *n, int lower, size_t *len)
{
	char *t;
	size_t i, k = 0;

	t = aalloc(n->len + 1);
	for (i = 0; i < n->len; i++) {
		if (n->val[i] == '_')
			continue;
		t[k] = n->val[i];
		if (lower && t[k] >= 'A' && t[k] <= 'Z')
			t[k] += 'a' - 'A';
		k++;
	}
	t[k] = '\0';
	*len = k;
	return t;
}

/* SafeConstructor.construct_yaml_int */
static void
cint(struct node *n)
{
	struct big *b = &C.bigs[0], *part = &C.bigs[1];
	size_t len, i, j;
	char *t;
	int sign = 0, neg = 0, r;

	b->n = part->n = 0;
	t = nounder(n, 0, &len);
	if (len == 0)
		dienode(n, "invalid integer '%s'", n->val);
	if (t[0] == '-')
		sign = 1;
	if (t[0] == '-' || t[0] == '+') {
		t++;
		len--;
	}
	if (eq(t, len, "0"))
		r = 0;
	else if (len >= 2 && t[0] == '0' && t[1] == 'b')
		r = pyint(n, t + 2, len - 2, 2, b, &neg);
	else if (len >= 2 && t[0] == '0' && t[1] == 'x')
		r = pyint(n, t + 2, len - 2, 16, b, &neg);
	else if (len >= 1 && t[0] == '0')
		r = pyint(n, t, len, 8, b, &neg);
	else if (len > 0 && memchr(t, ':', len) != NULL) {
		/* Base 60, most significant part first. */
		r = 0;
		neg = 0;
		for (i = 0; r == 0 && i <= len; i = j + 1) {
			for (j = i; j < len && t[j] != ':'; j++)
				;
			r = pyint(n, t + i, j - i, 10, part, &neg);
			if (r == 0 && (neg || part->n > 1))
				dienode(n, "unsupported base 60 integer '%s'",
				    n->val);
			if (r == 0)
				bigmuladd(b, 60, part->n ? part->d[0] : 0);
			if (b->n > MAXDIGITS / 9 + 2)
				dienode(n, "integer of more than %d digits",
				    MAXDIGITS);
		}
	} else
		r = len == 0 ? -1 : pyint(n, t, len, 10, b, &neg);
	if (r != 0)
		dienode(n, "invalid integer '%s'", n->val);
	sign ^= neg;
	setint(n, b, sign);
}

/*
 * Python's float(s) for a lowercased string without underscores: returns
 * 0 and sets *d, or -1.
 */
static int
pyfloat(const char *s, size_t n, double *d)
{
	char buf[64], *p;
	size_t i = 0, nd = 0;
	int neg = 0;

	while (n > 0 && pyspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && pyspace((unsigned char)s[n - 1]))
		n--;
	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (eq(s + i, n - i, "inf") || eq(s + i, n - i, "infinity")) {
		*d = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (eq(s + i, n - i, "nan")) {
		*d = NAN;
		return 0;
	}
	for (; i < n && isdig(s[i]); i++)
		nd++;
	if (i < n && s[i] == '.')
		for (i++; i < n && isdig(s[i]); i++)
			nd++;
	if (nd == 0)
		return -1;
	if (i < n && s[i] == 'e') {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i >= n || !isdig(s[i]))
			return -1;
		while (i < n && isdig(s[i]))
			i++;
	}
	if (i != n)
		return -1;
	p = n < sizeof(buf) ? buf : hf_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	*d = strtod(p, NULL);
	if (p != buf)
		free(p);
	return 0;
}

static void
setfloat(struct node *n, double d, int sharednan)
{
	char buf[32], kbuf[400];

	hf_float_repr(d, buf);
	n->txt = astrndup(buf, strlen(buf));
	n->tlen = strlen(buf);
	n->jt = J_NUM;
	n->kc = C_NUM;
	if (isnan(d)) {
		/*
		 * PyYAML's .nan is one object, equal to itself as a key;
		 * float('nan') makes a new one each time.
		 */
		if (sharednan)
			snprintf(kbuf, sizeof(kbuf), "nan");
		else
			snprintf(kbuf, sizeof(kbuf), "nan%p", (void *)n);
	} else if (isinf(d))
		snprintf(kbuf, sizeof(kbuf), "%s", d < 0 ? "-inf" : "inf");
	else if (d == floor(d))
		snprintf(kbuf, sizeof(kbuf), "%.0f", d == 0 ? 0.0 : d);
	else
		snprintf(kbuf, sizeof(kbuf), "f%s", buf);
	n->kid = astrndup(kbuf, strlen(kbuf));
	n->kidlen = strlen(kbuf);
}

/* SafeConstructor.construct_yaml_float */
static void
cfloat(struct node *n)
{
	struct big *base = &C.bigs[2];
	size_t len, i, j, blen;
	double d, v, bd;
	char *t, *bt;
	int neg = 0, bad = 0;

	t = nounder(n, 1, &len);
	if (len == 0)
		dienode(n, "invalid float '%s'", n->val);
	if (t[0] == '-')
		neg = 1;
	if (t[0] == '-' || t[0] == '+') {
		t++;
		len--;
	}
	if (eq(t, len, ".inf")) {
		setfloat(n, neg ? -INFINITY : INFINITY, 0);
		return;
	}
	if (eq(t, len, ".nan")) {
		setfloat(n, NAN, 1);
		return;
	}
	if (memchr(t, ':', len) == NULL) {
		if (pyfloat(t, len, &d) != 0)
			dienode(n, "invalid float '%s'", n->val);
		setfloat(n, neg ? -d : d, 0);
		return;
	}
	/*
	 * Base 60, least significant part first, in Python's float
	 * arithmetic: each part times 60**k, rounded once to a double.
	 */
	v = 0.0;
	base->n = 0;
	bigmuladd(base, 1, 1);
	for (j = len; !bad;) {
		for (i = j; i > 0 && t[i - 1] != ':'; i--)
			;
		if (pyfloat(t + i, j - i, &d) != 0) {
			bad = 1;
			break;
		}
		bt = bigtext(base, 0, &blen);
		bd = strtod(bt, NULL);
		if (isinf(bd))
			dienode(n, "base 60 float too large");
		v += d * bd;
		bigmuladd(base, 60, 0);
		if (i == 0)
			break;
		j = i - 1;
	}
	if (bad)
		dienode(n, "invalid float '%s'", n->val);
	setfloat(n, neg ? -v : v, 0);
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static int64_t
days(int y, int m, int d)
{
	static const int cum[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243,
	    273, 304, 334 };
	int64_t yy = y - 1;

	return yy * 365 + yy / 4 - yy / 100 + yy / 400 + cum[m - 1] +
	    (m > 2 && leap(y)) + d - 1 - 719162;
}

/* SafeConstructor.construct_yaml_timestamp, printed by isoformat(). */
static void
ctimestamp(struct node *n)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	char buf[64], kbuf[64];
	struct ts t;
	int off, len;
	int64_t secs;

	if (!parsets(n->val, n->len, &t) && !(n->len > 0 &&
	    n->val[n->len - 1] == '\n' && parsets(n->val, n->len - 1, &t)))
		dienode(n, "invalid timestamp '%s'", n->val);
	if (t.year < 1)
		dienode(n, "year %d is out of range", t.year);
	if (t.month < 1 || t.month > 12)
		dienode(n, "month must be in 1..12");
	if (t.day < 1 || t.day > mdays[t.month - 1] +
	    (t.month == 2 && leap(t.year)))
		dienode(n, "day is out of range for month");
	n->jt = J_STR;
	if (!t.hastime) {
		len = snprintf(buf, sizeof(buf), "%04d-%02d-%02d", t.year,
		    t.month, t.day);
		n->txt = n->kid = astrndup(buf, len);
		n->tlen = n->kidlen = len;
		n->kc = C_DATE;
		return;
	}
	if (t.hour > 23)
		dienode(n, "hour must be in 0..23");
	if (t.minute > 59)
		dienode(n, "minute must be in 0..59");
	if (t.second > 59)
		dienode(n, "second must be in 0..59");
	len = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d",
	    t.year, t.month, t.day, t.hour, t.minute, t.second);
	if (t.usec != 0)
		len += snprintf(buf + len, sizeof(buf) - len, ".%06d", t.usec);
	secs = days(t.year, t.month, t.day) * 86400 + t.hour * 3600 +
	    t.minute * 60 + t.second;
	if (t.hastz) {
		off = t.tzh * 60 + t.tzm;
		if (off >= 24 * 60)
			dienode(n, "offset must be strictly between "
			    "-24 and 24 hours");
		if (t.tzneg)
			off = -off;
		len += snprintf(buf + len, sizeof(buf) - len, "%c%02d:%02d",
		    off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
		secs -= (int64_t)off * 60;
		n->kc = C_AWARE;
	} else
		n->kc = C_NAIVE;
	snprintf(kbuf, sizeof(kbuf), "%lld.%06d", (long long)secs, t.usec);
	n->txt = astrndup(buf, len);
	n->tlen = len;
	n->kid = astrndup(kbuf, strlen(kbuf));
	n->kidlen = strlen(kbuf);
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (isdig(c))
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * SafeConstructor.construct_yaml_binary: Python's base64.decodebytes,
 * which skips characters outside the alphabet and stops at the padding
 * that completes a quantum.  The JSON value is the decoded bytes encoded
 * again, in one line.
 */
static void
cbinary(struct node *n)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char *bin, *p;
	char *out, *o;
	size_t i, nb, ndata = 0;
	unsigned left = 0;
	int q = 0, pads = 0, v;

	for (i = 0; i < n->len; i++)
		if ((unsigned char)n->val[i] >= 0x80)
			dienode(n, "failed to convert base64 data into ascii");
	bin = p = aalloc(n->len / 4 * 3 + 3);
	for (i = 0; i < n->len; i++) {
		if (n->val[i] == '=') {
			if (q >= 2 && q + ++pads >= 4)
				goto done;
			continue;
		}
		if ((v = b64val((unsigned char)n->val[i])) < 0)
			continue;
		pads = 0;
		ndata++;
		switch (q) {
		case 0:
			left = v;
			q = 1;
			break;
		case 1:
			*p++ = (left << 2) | (v >> 4);
			left = v & 0x0f;
			q = 2;
			break;
		case 2:
			*p++ = (left << 4) | (v >> 2);
			left = v & 0x03;
			q = 3;
			break;
		default:
			*p++ = (left << 6) | v;
			q = 0;
			break;
		}
	}
	if (q == 1)
		dienode(n, "failed to decode base64 data: number of data "
		    "characters (%zu) cannot be 1 more than a multiple of 4",
		    ndata);
	if (q != 0)
		dienode(n, "failed to decode base64 data: incorrect padding");
done:
	nb = p - bin;
	out = o = aalloc((nb + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < nb; i += 3) {
		*o++ = alpha[bin[i] >> 2];
		*o++ = alpha[((bin[i] & 3) << 4) | (bin[i + 1] >> 4)];
		*o++ = alpha[((bin[i + 1] & 15) << 2) | (bin[i + 2] >> 6)];
		*o++ = alpha[bin[i + 2] & 63];
	}
	if (nb - i == 1) {
		*o++ = alpha[bin[i] >> 2];
		*o++ = alpha[(bin[i] & 3) << 4];
		*o++ = '=';
		*o++ = '=';
	} else if (nb - i == 2) {
		*o++ = alpha[bin[i] >> 2];
		*o++ = alpha[((bin[i] & 3) << 4) | (bin[i + 1] >> 4)];
		*o++ = alpha[(bin[i + 1] & 15) << 2];
		*o++ = '=';
	}
	*o = '\0';
	n->jt = J_STR;
	n->txt = out;
	n->tlen = o - out;
	n->kc = C_BYTES;
	n->kid = (char *)bin;
	n->kidlen = nb;
}

/* SafeConstructor.construct_yaml_bool */
static void
cbool(struct node *n)
{
	static const char *const t[] = { "yes", "true", "on" };
	static const char *const f[] = { "no", "false", "off" };
	char low[8];
	size_t i;

	if (n->len >= sizeof(low))
		dienode(n, "invalid boolean '%s'", n->val);
	for (i = 0; i <= n->len; i++)
		low[i] = n->val[i] >= 'A' && n->val[i] <= 'Z' ?
		    n->val[i] + 'a' - 'A' : n->val[i];
	n->kc = C_NUM;
	for (i = 0; i < 3; i++) {
		if (strcmp(low, t[i]) == 0 && strlen(low) == n->len) {
			n->jt = J_TRUE;
			n->kid = "1";
			n->kidlen = 1;
			return;
		}
		if (strcmp(low, f[i]) == 0 && strlen(low) == n->len) {
			n->jt = J_FALSE;
			n->kid = "0";
			n->kidlen = 1;
			return;
		}
	}
	dienode(n, "invalid boolean '%s'", n->val);
}

static int
isscalartag(int tag)
{
	return tag <= T_STR;
}

/* Construct a scalar node now, or queue a collection for later. */
static void
cobj(struct node *n)
{
	if (n->started)
		return;
	n->started = 1;
	if (n->tag >= T_MERGE)
		dienode(n, "could not determine a constructor for the tag "
		    "'%s'", tagname(n));
	if (!isscalartag(n->tag)) {
		nvpush(&C.queue, n);
		return;
	}
	if (n->kind != K_SCALAR)
		dienode(n, "expected a scalar node, but found %s",
		    kindname(n->kind));
	switch (n->tag) {
	case T_NULL:
		n->jt = J_NULL;
		n->kc = C_NONE;
		n->kid = "";
		break;
	case T_BOOL:
		cbool(n);
		break;
	case T_INT:
		cint(n);
		break;
	case T_FLOAT:
		cfloat(n);
		break;
	case T_BINARY:
		cbinary(n);
		break;
	case T_TIMESTAMP:
		ctimestamp(n);
		break;
	default:
		n->jt = J_STR;
		n->txt = n->kid = n->val;
		n->tlen = n->kidlen = n->len;
		n->kc = C_STR;
		break;
	}
	n->nul = n->jt == J_STR && memchr(n->txt, '\0', n->tlen) != NULL;
}

static int
samekey(const struct node *a, const struct node *b)
{
	return a == b || (a->kc == b->kc && a->kidlen == b->kidlen &&
	    memcmp(a->kid, b->kid, a->kidlen) == 0);
}

static uint64_t
keyhash(const struct node *k)
{
	return hash(k->kid, k->kidlen, HASHINIT ^ k->kc);
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
		tab = hf_calloc(tcap, sizeof(*tab));
	}
	for (i = 0; i < n->n; i += 2) {
		k = n->v[i];
		val = n->v[i + 1];
		if (k->kind != K_SCALAR || !isscalartag(k->tag)) {
			if (k->tag >= T_MERGE)
				cobj(k);
			free(tab);
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
	free(tab);
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
					nvpush(&merge, val->v[i]);
			} else if (val->kind == K_SEQ) {
				sub.n = nseg = 0;
				seg = hf_reallocarray(seg, val->n + 1,
				    sizeof(*seg));
				for (i = 0; i < val->n; i++) {
					s = val->v[i];
					if (s->kind != K_MAP)
						dienode(s, "expected a mapping "
						    "for merging, but found %s",
						    kindname(s->kind));
					flatten(s, depth + 1);
					seg[nseg++] = sub.n;
					for (j = 0; j < s->n; j++)
						nvpush(&sub, s->v[j]);
				}
				seg[nseg] = sub.n;
				/* Later mappings first: earlier ones win. */
				for (i = nseg; i-- > 0;) {
					charge(n, (seg[i + 1] - seg[i]) / 2 *
					    MERGECOST);
					for (j = seg[i]; j < seg[i + 1]; j++)
						nvpush(&merge, sub.v[j]);
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
	free(merge.v);
	free(sub.v);
	free(seg);
}

/*
 * BaseConstructor.construct_mapping and dict insertion: the first key
 * stays, with the last value.
 */
static void
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

/* construct_yaml_omap and construct_yaml_pairs: [key, value] pairs. */
static void
cpairs(struct node *n)
{
	struct node *s;
	size_t i;

	if (n->kind != K_SEQ)
		dienode(n, "expected a sequence for %s, but found %s",
		    n->tag == T_OMAP ? "an ordered map" : "pairs",
		    kindname(n->kind));
	n->out = aalloc((n->n * 2 + 1) * sizeof(*n->out));
	for (i = 0; i < n->n; i++) {
		s = n->v[i];
		if (s->kind != K_MAP)
			dienode(s, "expected a mapping of length 1, but found "
			    "%s", kindname(s->kind));
		if (s->n != 2)
			dienode(s, "expected a single mapping item, but found "
			    "%zu items", s->n / 2);
		cobj(s->v[0]);
		cobj(s->v[1]);
		n->out[2 * i] = s->v[0];
		n->out[2 * i + 1] = s->v[1];
	}
	n->nout = 2 * n->n;
}

/*
 * construct_document: collections are built in the order PyYAML's
 * generators run, breadth first, because flattening has side effects
 * that later collections may see.
 */
static void
construct(struct node *root)
{
	struct node *n;
	size_t qi, i;

	cobj(root);
	for (qi = 0; qi < C.queue.n; qi++) {
		n = C.queue.v[qi];
		switch (n->tag) {
		case T_SEQ:
			if (n->kind != K_SEQ)
				dienode(n, "expected a sequence node, but "
				    "found %s", kindname(n->kind));
			for (i = 0; i < n->n; i++)
				cobj(n->v[i]);
			break;
		case T_MAP:
		case T_SET:
			cmapping(n);
			break;
		default:
			cpairs(n);
			break;
		}
	}
}

/*
 * Before anything is printed, one pass over what will be printed: it
 * refuses a structure that contains itself (json.dumps would), checks the
 * depth of the output, which aliases can make deeper than the input, and
 * charges every use of a value after the first to the alias budget at its
 * full size, so that the size of the output is known to be bounded.
 */
static int
firstuse(struct node *n)
{
	int used = n->used;

	n->used = 1;
	return used;
}

/*
 * What a measured value counts, and how deep it nests; a scalar has
 * neither field, and only numbers and strings have JSON text.
 */
static uint64_t
units(const struct node *n)
{
	if (n->kind != K_SCALAR)
		return n->units;
	return 1 + (n->jt == J_NUM || n->jt == J_STR ? n->tlen : 0);
}

static int
height(const struct node *n)
{
	return n->kind == K_SCALAR ? 0 : n->height;
}

static void
measure(struct node *n, int depth)
{
	struct node *c;
	size_t i, k;

	if (n->kind == K_SCALAR && isscalartag(n->tag)) {
		if (firstuse(n) > 0)
			charge(n, units(n));
		return;
	}
	if (firstuse(n) > 0 && !n->onstack) {
		if (depth - 1 + n->height > MAXDEPTH)
			dienode(n, "nesting deeper than %d levels", MAXDEPTH);
		charge(n, n->units);
		return;
	}
	if (n->onstack)
		dienode(n, "found a recursive structure (it contains "
		    "itself)");
	if (depth > MAXDEPTH)
		dienode(n, "nesting deeper than %d levels", MAXDEPTH);
	n->onstack = 1;
	n->units = 1;
	n->height = 1;
	k = n->tag == T_SEQ ? n->n : n->nout;
	for (i = 0; i < k; i++) {
		c = n->tag == T_SEQ ? n->v[i] : n->out[i];
		if (n->tag == T_SET && i % 2 == 1)
			continue;
		if (n->tag == T_MAP && i % 2 == 0) {
			n->units += units(c);
			continue;
		}
		/* The [key, value] lists of omap and pairs are a level. */
		if (n->tag == T_OMAP || n->tag == T_PAIRS) {
			if (i % 2 == 0)
				n->units++;
			measure(c, depth + 2);
			if (height(c) + 2 > n->height)
				n->height = height(c) + 2;
		} else {
			measure(c, depth + 1);
			if (height(c) + 1 > n->height)
				n->height = height(c) + 1;
		}
		n->units += units(c);
	}
	n->onstack = 0;
}

/*
 * Printing, as Python's json.dumps lays it out: with an indent of two,
 * a newline and the indentation before every member and before the
 * closing bracket of a non-empty container, ": " after keys, "," at line
 * ends; compact, "," and ":" alone.  Strings and floats come from the
 * shared writer (hf_json_string, hf_float_repr), so their escapes and
 * digits are the library's; the layout is written here, straight from
 * the node graph, because a cJSON tree of a large document would take
 * several times its memory, and because cJSON keys end at a NUL.
 */
/* Once nothing can fail, write the output in blocks as it grows. */
static void
flushout(struct hf_str *b)
{
	if (C.stream && b->len >= 1 << 16) {
		hf_write(b->s, b->len);
		b->len = 0;
	}
}

static void
newline(struct hf_str *b, int level)
{
	static const char sp[] = "                                ";
	size_t k, n = (size_t)level * 2;

	if (C.compact)
		return;
	hf_straddc(b, '\n');
	for (; n > 0; n -= k) {
		k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		hf_stradd(b, sp, k);
	}
}

static void
keytext(struct hf_str *b, const struct node *k)
{
	/* json.dumps names keys as it writes values, strings quoted. */
	if (k->jt == J_NULL)
		hf_stradd(b, "\"null\"", 6);
	else if (k->jt == J_TRUE)
		hf_stradd(b, "\"true\"", 6);
	else if (k->jt == J_FALSE)
		hf_stradd(b, "\"false\"", 7);
	else
		hf_json_string(b, k->txt, k->tlen);
	hf_stradd(b, ": ", C.compact ? 1 : 2);
}

/* A constructed scalar as a JSON value. */
static void
scalartext(struct hf_str *b, const struct node *n)
{
	switch (n->jt) {
	case J_NULL:
		hf_stradd(b, "null", 4);
		break;
	case J_TRUE:
		hf_stradd(b, "true", 4);
		break;
	case J_FALSE:
		hf_stradd(b, "false", 5);
		break;
	case J_NUM:
		hf_stradd(b, n->txt, n->tlen);
		break;
	default:
		hf_json_string(b, n->txt, n->tlen);
		break;
	}
}

static void
emit(struct hf_str *b, const struct node *n, int level)
{
	size_t i, k;
	int obj;

	if (n->kind == K_SCALAR && isscalartag(n->tag)) {
		scalartext(b, n);
		return;
	}
	obj = n->tag == T_MAP;
	k = n->tag == T_SEQ ? n->n : n->nout;
	if (k == 0) {
		hf_stradd(b, obj ? "{}" : "[]", 2);
		return;
	}
	hf_straddc(b, obj ? '{' : '[');
	for (i = 0; i < k; i++) {
		flushout(b);
		if (i > 0)
			hf_straddc(b, ',');
		newline(b, level + 1);
		switch (n->tag) {
		case T_SEQ:
			emit(b, n->v[i], level + 1);
			break;
		case T_MAP:
			keytext(b, n->out[i]);
			emit(b, n->out[i + 1], level + 1);
			i++;
			break;
		case T_SET:
			emit(b, n->out[i], level + 1);
			i++;
			break;
		default:
			hf_straddc(b, '[');
			newline(b, level + 2);
			emit(b, n->out[i], level + 2);
			hf_straddc(b, ',');
			newline(b, level + 2);
			emit(b, n->out[i + 1], level + 2);
			newline(b, level + 1);
			hf_straddc(b, ']');
			i++;
			break;
		}
	}
	newline(b, level);
	hf_straddc(b, obj ? '}' : ']');
}

/*
 * The top-level mapping with the -a members: a string key already there
 * gets the value in its place, as a Python dict assignment would; the
 * others are appended in order.
 */
static void
emittop(struct hf_str *b, struct node *root)
{
	const char **val;
	const char *key;
	size_t i, a, j, nextra = 0, *extra;
	struct node *k;

	if (root == NULL || root->tag != T_MAP)
		hf_dieat(HF_EDATA, C.name, root ? root->line : 0,
		    root ? root->col : 0,
		    "-a needs a mapping at the top level");
	val = hf_calloc(root->nout / 2 + C.na, sizeof(*val));
	extra = hf_calloc(C.na, sizeof(*extra));
	for (a = 0; a < C.na; a++) {
		key = C.akeys[a];
		for (i = 0; i < root->nout; i += 2) {
			k = root->out[i];
			if (k->kc == C_STR && k->tlen == strlen(key) &&
			    memcmp(k->txt, key, k->tlen) == 0)
				break;
		}
		if (i < root->nout) {
			val[i / 2] = key + strlen(key) + 1;
			continue;
		}
		for (j = 0; j < nextra; j++)
			if (strcmp(C.akeys[extra[j]], key) == 0)
				break;
		if (j == nextra)
			extra[nextra++] = a;
		val[root->nout / 2 + j] = key + strlen(key) + 1;
	}
	hf_straddc(b, '{');
	for (i = 0; i < root->nout / 2 + nextra; i++) {
		flushout(b);
		if (i > 0)
			hf_straddc(b, ',');
		newline(b, 1);
		if (i < root->nout / 2) {
			keytext(b, root->out[2 * i]);
			if (val[i] != NULL)
				hf_json_string(b, val[i], strlen(val[i]));
			else
				emit(b, root->out[2 * i + 1], 1);
		} else {
			key = C.akeys[extra[i - root->nout / 2]];
			hf_json_string(b, key, strlen(key));
			hf_stradd(b, ": ", C.compact ? 1 : 2);
			hf_json_string(b, val[i], strlen(val[i]));
		}
	}
	newline(b, 0);
	hf_straddc(b, '}');
	free(val);
	free(extra);
}

/*
 * Direct conversion.  Most documents hold only mappings, sequences and
 * implicitly typed scalars, and no mapping holds a key twice.  PyYAML
 * constructs such a document as it stands, so its JSON can be written as
 * the events come, in document order, without the node graph, whose
 * nodes took most of the time and memory of a large document.
 *
 * Anything else gives up (giveup()), and the document is parsed again
 * into a graph: a tag, an anchor or an alias, a merge key or a value key
 * ("="), a collection as a key, a key met twice in a mapping, a scalar
 * that fails to construct.  The graph then reports the error, if any,
 * that PyYAML reports first, as it constructs nothing before the whole
 * stream is parsed; an error of the parse is the same either way, and is
 * reported where it is met.  The output is held until the stream is
 * checked, as the graph's is (see run()).
 */

/*
 * Before a member of the innermost open collection: its separator and
 * indentation, as emit() writes them.  Returns whether it is a key.
 */
static int
member(void)
{
	struct frame *f;
	size_t i;

	if (C.nframe == 0)
		return 0;
	f = &C.frames[C.nframe - 1];
	i = f->items++;
	/* A value follows the ": " written after its key. */
	if (f->map && i % 2 == 1)
		return 0;
	if (i > 0)
		hf_straddc(&C.outbuf, ',');
	newline(&C.outbuf, (int)C.nframe);
	return f->map;
}

/* The slot of key k in the table of f: where it is, or where it goes. */
static size_t *
keyslot(const struct frame *f, const struct node *k)
{
	size_t h = keyhash(k) & (f->tcap - 1), i;

	while ((i = f->tab[h]) != 0 && !samekey(&C.dkeys[f->keys + i - 1], k))
		h = (h + 1) & (f->tcap - 1);
	return &f->tab[h];
}

/* A table of the keys of f, at most a quarter full. */
static void
rehash(struct frame *f)
{
	size_t i, m = C.ndkey - f->keys;

	free(f->tab);
	for (f->tcap = 64; f->tcap < m * 4; f->tcap *= 2)
		;
	f->tab = hf_calloc(f->tcap, sizeof(*f->tab));
	for (i = 0; i < m; i++)
		*keyslot(f, &C.dkeys[f->keys + i]) = i + 1;
}

/* A key of the innermost mapping, unless it is there already. */
static void
dkey(const struct node *k)
{
	struct frame *f = &C.frames[C.nframe - 1];
	size_t i, m = C.ndkey - f->keys, *slot;

	if (m >= HASHMIN && m * 2 >= f->tcap)
		rehash(f);
	if (f->tab != NULL) {
		slot = keyslot(f, k);
		if (*slot != 0)
			giveup();
		*slot = m + 1;
	} else
		for (i = f->keys; i < C.ndkey; i++)
			if (samekey(&C.dkeys[i], k))
				giveup();
	if (C.ndkey == C.capdkey) {
		C.capdkey = C.capdkey ? C.capdkey * 2 : 64;
		C.dkeys = hf_reallocarray(C.dkeys, C.capdkey,
		    sizeof(*C.dkeys));
	}
	C.dkeys[C.ndkey++] = *k;
	keytext(&C.outbuf, k);
}

/*
 * Give back what the arena handed out since chunk c held used units,
 * zeroed again, as the arena keeps its memory; a chunk added since stays.
 */
static void
arelease(struct chunk *c, size_t used)
{
	if (c == NULL || c != C.arena)
		return;
	memset((char *)c->data + used * AUNIT, 0, (c->used - used) * AUNIT);
	c->used = used;
}

/* One event of a direct conversion; returns 1 at the document's end. */
static int
direct(const yaml_event_t *ev)
{
	struct chunk *c;
	struct frame *f;
	struct node s;
	size_t used;
	int key;

	if (hasprops(ev))
		giveup();
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		s = (struct node){ .kind = K_SCALAR,
		    .line = ev->start_mark.line + 1,
		    .col = ev->start_mark.column + 1,
		    .val = (char *)ev->data.scalar.value,
		    .len = ev->data.scalar.length };
		settag(&s, NULL, ev->data.scalar.plain_implicit);
		if (s.tag >= T_MERGE)
			giveup();
		/* A key outlives its event: it is compared with later ones. */
		if ((key = member()))
			s.val = scalarval(&s, ev);
		if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			addspan(ev);
		/* A value's text (a number's, say) is done with once written. */
		c = C.arena;
		used = c != NULL ? c->used : 0;
		cobj(&s);
		if (key)
			dkey(&s);
		else {
			scalartext(&C.outbuf, &s);
			arelease(c, used);
		}
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		/* A collection is a key PyYAML cannot hash. */
		if (member())
			giveup();
		if (C.nframe == C.capframe) {
			C.capframe = C.capframe ? C.capframe * 2 : 16;
			C.frames = hf_reallocarray(C.frames, C.capframe,
			    sizeof(*C.frames));
		}
		f = &C.frames[C.nframe++];
		*f = (struct frame){ .keys = C.ndkey,
		    .map = ev->type == YAML_MAPPING_START_EVENT };
		hf_straddc(&C.outbuf, f->map ? '{' : '[');
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		f = &C.frames[--C.nframe];
		if (f->items > 0)
			newline(&C.outbuf, (int)C.nframe);
		hf_straddc(&C.outbuf, f->map ? '}' : ']');
		C.ndkey = f->keys;
		free(f->tab);
		return 0;
	case YAML_ALIAS_EVENT:
		giveup();
	case YAML_DOCUMENT_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

/* What a direct conversion leaves open when it stops. */
static void
directreset(void)
{
	while (C.nframe > 0)
		free(C.frames[--C.nframe].tab);
	C.ndkey = 0;
}

static void
document(struct node *root)
{
	if (root != NULL) {
		construct(root);
		measure(root, 1);
	}
	if (C.na > 0)
		emittop(&C.outbuf, root);
	else if (root != NULL)
		emit(&C.outbuf, root, 0);
	else
		hf_stradd(&C.outbuf, "null", 4);
	hf_straddc(&C.outbuf, '\n');
}

static void __attribute__((noreturn))
dirfail(unsigned long line, size_t off, size_t i, const char *what)
{
	unsigned long col = 1;
	size_t k, w;

	for (k = off; k < i; k++)
		if ((C.in.data[k] & 0xc0) != 0x80)
			col++;
	if (C.in.data[i] == '\t')
		dieat(line, col, "%s, but found '\\t'", what);
	w = nextchar(i) - i;
	dieat(line, col, "%s, but found '%.*s'", what, (int)w, C.in.data + i);
}

/*
 * PyYAML's scanner wants exactly spaces around a %YAML or %TAG
 * directive's values and a space before a comment after them; libyaml
 * also takes tabs, and a comment right after the version ("1.1#").
 * line is 0-based.
 */
static void
dirline(unsigned long line)
{
	const char *d = C.in.data;
	size_t off, i, n = C.in.len;
	int f, nf, yamlv;

	i = off = lineoffset(line);
	if (off == 0 && n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
		i = off = 3;
	if (n - i > 5 && memcmp(d + i, "%YAML", 5) == 0)
		yamlv = 1, nf = 1, i += 5;
	else if (n - i > 4 && memcmp(d + i, "%TAG", 4) == 0)
		yamlv = 0, nf = 2, i += 4;
	else
		return;
	if (d[i] != ' ' && d[i] != '\t')
		return;
	for (f = 0; f < nf; f++) {
		if (d[i] != ' ')
			dirfail(line + 1, off, i, f == 0 ? "expected "
			    "alphabetic or numeric character" :
			    "expected ' '");
		while (i < n && d[i] == ' ')
			i++;
		if (yamlv) {
			while (i < n && isdig(d[i]))
				i++;
			if (i < n && d[i] == '.')
				i++;
			while (i < n && isdig(d[i]))
				i++;
		} else if (f == 0) {
			for (i++; i < n && (isalnum((unsigned char)d[i]) ||
			    d[i] == '-' || d[i] == '_'); i++)
				;
			if (i < n && d[i] == '!')
				i++;
		} else
			while (i < n && d[i] != ' ' && d[i] != '\t' &&
			    brklen(i) == 0)
				i++;
	}
	if (i < n && d[i] != ' ' && brklen(i) == 0)
		dirfail(line + 1, off, i, yamlv ? "expected a digit or ' '" :
		    "expected ' '");
	while (i < n && d[i] == ' ')
		i++;
	if (i < n && d[i] != '#' && brklen(i) == 0)
		dirfail(line + 1, off, i, "expected a comment or a line break");
}

/*
 * A directive PyYAML ignores still needs an explicit document start after
 * it; ev is a DOCUMENT-START or the STREAM-END event.
 */
static void
directivecheck(const yaml_event_t *ev)
{
	unsigned long line;
	int pending = 0;

	if (ev->type == YAML_DOCUMENT_START_EVENT &&
	    !ev->data.document_start.implicit)
		for (line = ev->start_mark.line; line < ev->end_mark.line;
		    line++)
			dirline(line);
	while (C.ndone < C.npatch && C.patched[C.ndone] != 0 &&
	    C.patched[C.ndone] <= ev->start_mark.line + 1) {
		C.ndone++;
		pending = 1;
	}
	if (pending && (ev->type != YAML_DOCUMENT_START_EVENT ||
	    ev->data.document_start.implicit))
		dieat(ev->start_mark.line + 1, ev->start_mark.column + 1,
		    "expected '<document start>' after a directive");
}

/* Eight bytes at a time: this is a pass over every byte of the input. */
static int
isascii7(const unsigned char *d, size_t n)
{
	uint64_t or = 0, w;
	size_t i;

	for (i = 0; i + sizeof(w) <= n; i += sizeof(w)) {
		memcpy(&w, d + i, sizeof(w));
		or |= w;
	}
	for (; i < n; i++)
		or |= d[i];
	return (or & 0x8080808080808080ULL) == 0;
}

static void
run(void)
{
	yaml_event_t ev;
	struct node *root = NULL;
	int ndocs = 0;

	C.curc = C.curb = 0;
	C.ascii = isascii7((const unsigned char *)C.in.data, C.in.len);
	/*
	 * Directly, unless that gave up: not with -m, which prints each
	 * document as it ends, nor with -a, which edits the top mapping, nor
	 * when placeholders stand for tabs, which phfix() puts back in nodes.
	 */
	C.direct = !C.multi && C.na == 0 && C.nph == 0 && !C.nodirect;
	/*
	 * The output is held to the end, and is about one and a half times
	 * the input: room for twice the input spares copies as it grows.
	 */
	if (C.direct)
		hf_strreserve(&C.outbuf, C.in.len * 2);
	if (!yaml_parser_initialize(&C.parser))
		hf_die(HF_EUSAGE, "out of memory");
	C.parserok = 1;
	yaml_parser_set_input_string(&C.parser,
	    (const unsigned char *)C.in.data, C.in.len);
	/*
	 * Python reads UTF-8 only: no UTF-16 by byte order mark. A UTF-8
	 * mark is left for libyaml to find, which skips it cleanly; with the
	 * encoding set, it would count as a column and shift the indentation
	 * of the first line.
	 */
	if (C.in.len < 3 || memcmp(C.in.data, "\xef\xbb\xbf", 3) != 0)
		yaml_parser_set_encoding(&C.parser, YAML_UTF8_ENCODING);
	nextevent(&ev);
	yaml_event_delete(&ev);
	for (;;) {
		nextevent(&ev);
		directivecheck(&ev);
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ndocs > 0 && !C.multi)
			dieat(ev.start_mark.line + 1, ev.start_mark.column + 1,
			    "expected a single document in the stream, but "
			    "found another document (see -m)");
		yaml_event_delete(&ev);
		root = parsedoc();
		ndocs++;
		if (C.multi) {
			document(root);
			freedoc();
		}
	}
	if (C.phfound != C.nph)
		phfail();
	tabcheck();
	if (!C.multi) {
		/*
		 * The whole stream is read and checked: from here on
		 * nothing can fail, so the output may go out as it is made.
		 */
		C.stream = 1;
		/* A document converted directly is written but for its end. */
		if (C.direct && ndocs > 0)
			hf_straddc(&C.outbuf, '\n');
		else
			document(root);
		freedoc();
	}
	yaml_parser_delete(&C.parser);
	C.parserok = 0;
}

/*
 * run(), again from the start after each rewritten directive, and after
 * a direct conversion gave up.
 */
static void
runall(void)
{
	if (setjmp(C.retry) != 0) {
		yaml_parser_delete(&C.parser);
		C.parserok = 0;
		freedoc();
		directreset();
		C.stack.n = 0;
		C.kids.n = 0;
		C.outbuf.len = 0;
		C.ndone = 0;
		C.nspan = 0;
		C.phfound = 0;
	}
	run();
}

/*
 * Free what a run holds, the arena aside.  main() may run more than once
 * in a process (fuzzing builds), after a run that failed and left by
 * longjmp holding all of it; libyaml's parser alone is some 64 KiB.  The
 * mappings of such a run (the arena, a large input) the fuzzing driver
 * undoes itself.
 */
static void
release(void)
{
	size_t i;

	if (C.parserok)
		yaml_parser_delete(&C.parser);
	if (C.in.mapped == 0)
		hf_buffree(&C.in);
	hf_strfree(&C.outbuf);
	free(C.akeys);
	free(C.kids.v);
	free(C.queue.v);
	free(C.stack.v);
	free(C.spans);
	free(C.otags);
	free(C.atab);
	directreset();
	free(C.frames);
	free(C.dkeys);
	for (i = 0; i < sizeof(C.bigs) / sizeof(C.bigs[0]); i++)
		free(C.bigs[i].d);
	memset(&C, 0, sizeof(C));
}

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: yaml2json [-cm] [-a key=value] [file]\n");
	hf_exit(status);
}

int
main(int argc, char *argv[])
{
	int ch;

	release();
	hf_setprogname(argv[0]);
	while ((ch = getopt(argc, argv, "a:chm")) != -1) {
		switch (ch) {
		case 'a':
			if (hf_splitkv(optarg) == NULL)
				usage(HF_EUSAGE);
			C.akeys = hf_reallocarray(C.akeys, C.na + 1,
			    sizeof(*C.akeys));
			C.akeys[C.na++] = optarg;
			break;
		case 'c':
			C.compact = 1;
			break;
		case 'h':
			usage(HF_OK);
		case 'm':
			C.multi = C.compact = 1;
			break;
		default:
			usage(HF_EUSAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(HF_EUSAGE);
	hf_readmax(argc == 1 ? argv[0] : NULL, &C.in, YAML2JSON_INPUT_MAX,
	    HF_EDATA);
	C.name = C.in.name;
	runall();
	hf_write(C.outbuf.s, C.outbuf.len);
	hf_buffree(&C.in);
	release();
	hf_exit(HF_OK);
}

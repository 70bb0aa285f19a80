/*
 * yaml2json: a YAML document to JSON, exactly as PyYAML's safe_load
 * followed by Python's json.dumps(obj, indent=2) would print it.
 *
 * The work follows PyYAML's own stages, because its results depend on
 * them, one source file each:
 *	compose.c	libyaml's events into a node graph (anchors make it
 *			a graph, not a tree), with the document's memory
 *	resolve.c	the implicit tags of plain scalars (YAML 1.1 rules)
 *	construct.c	scalars as SafeConstructor builds them: integers of
 *			any size, floats, timestamps, base64; collections
 *	merge.c		merge keys flattened in PyYAML's order and with its
 *			side effects, keys compared with Python's equality
 *	emit.c		the graph printed as json.dumps lays it out, every
 *			alias in full
 *	direct.c	most documents printed as they are parsed, without
 *			the graph, which they do not need
 *	libyaml.c	where libyaml and PyYAML's scanner disagree: inputs
 *			PyYAML reads that libyaml refuses are rewritten, and
 *			those it refuses that libyaml reads are refused
 *	main.c		options, and each file operand converted as if alone
 *
 * Every stage is bounded: nesting depth, the output that aliases and
 * merge keys add, and the length of integers, so that no input can
 * exhaust the stack, the memory or the time.
 */
#ifndef YAML2JSON_H
#define YAML2JSON_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

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
	unsigned int	 merges:1;	/* a mapping with a "<<" or "=" key */
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

/*
 * Where a scalar lies, in characters of the input: quoted and block
 * scalars, and plain ones holding a '#' (see tabcheck()).
 */
enum { SPAN_QUOTED, SPAN_BLOCK, SPAN_PLAIN };
struct span {
	size_t		 start, end;
	int		 kind;
};

/* A block of the document's memory (see aalloc()). */
struct chunk {
	struct chunk	*next;
	size_t		 used, cap;	/* in AUNIT */
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

/* The state of the file being converted, and the options. */
struct yctx {
	const char	*name;
	struct hf_buf	 in;
	yaml_parser_t	 parser;
	int		 parserok;
	yaml_event_t	 ev;		/* the event being read */
	int		 evlive;
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
	jmp_buf		 retry;		/* the input rewritten, parse again */
	jmp_buf		 fail;		/* an error: on to the next file */
	unsigned long	 patched[MAXPATCH];	/* lines of ignored directives */
	char		 ph[3];		/* a tab in block indentation, for libyaml */
	size_t		 nph, phfound;
	char		 phmsg[256];	/* the error a failed rewrite reports */
	unsigned long	 phline, phcol;
	struct span	*spans;
	size_t		 nspan, capspan;
	size_t		 npatch;	/* rewrites of the input */
	size_t		 ndir, ndone;	/* directives ignored, and seen */
	uint64_t	 budget;	/* units added by aliases */
	struct hf_str	 outbuf;
	struct hf_jw	 out;		/* the writer of outbuf */
	int		 stream;	/* output may be written as made */
	int		 direct;	/* converting without the graph */
	int		 nodirect;	/* direct conversion gave up */
	/*
	 * The numbers cint() and cfloat() work with, kept here so that an
	 * error, which leaves them by a jump, loses nothing.
	 */
	struct big	 bigs[3];
	/* Options, the same for every file. */
	char		**akeys;	/* -a key=value */
	size_t		 na;
	int		 compact, multi;
};

extern struct yctx Y;

/* main.c */
void	 dieat(unsigned long, unsigned long, const char *, ...)
	    __attribute__((noreturn, format(printf, 3, 4)));
void	 dienode(const struct node *, const char *, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));

/* compose.c */
void	*aalloc(size_t);
/* Where the arena stands, to give back what it handed out after. */
struct amark {
	struct chunk	*c;
	size_t		 used;
};
void	 amark(struct amark *);
void	 arelease(const struct amark *);
char	*astrndup(const char *, size_t);
void	 nvpush(struct nvec *, struct node *);
void	 apush(struct nvec *, struct node *);
void	 freedoc(void);
struct node *parsedoc(void);
void	 settag(struct node *, const yaml_char_t *, int);
char	*scalarval(const struct node *, const yaml_event_t *);

/* resolve.c */
int	 isdig(int);
int	 eq(const char *, size_t, const char *);
struct ts {
	int	 year, month, day, hour, minute, second, usec;
	int	 hastime, shortdate, hastz, tzneg, tzh, tzm;
};
int	 parsets(const char *, size_t, struct ts *);
int	 resolve(const char *, size_t, const char **);
int	 tagid(const char *);
const char *tagname(const struct node *);
const char *kindname(int);

/* construct.c */
int	 isscalartag(int);
void	 cobj(struct node *);
void	 construct(struct node *);

/* merge.c */
void	 charge(struct node *, uint64_t);
uint64_t keyhash(const struct node *);
int	 samekey(const struct node *, const struct node *);
void	 cmapping(struct node *);

/* emit.c */
void	 outstart(void);
void	 document(struct node *);
void	 keytext(const struct node *);
void	 scalartext(const struct node *);

/* direct.c */
int	 direct(const yaml_event_t *);
size_t	 directdepth(int *);
void	 directreset(void);
void	 directfree(void);
void	 giveup(void) __attribute__((noreturn));

/* libyaml.c */
void	 parserstart(void);
void	 parserend(void);
yaml_event_t *nextevent(void);
void	 eventdone(void);
size_t	 nextchar(size_t);
size_t	 byteat(size_t);
void	 phfix(struct node *, int);
void	 phcheck(void);
void	 addspan(const yaml_event_t *);
int	 hasprops(const yaml_event_t *);
void	 flowcheck(const yaml_event_t *, int);
void	 tabcheck(void);
void	 directivecheck(const yaml_event_t *);

#endif /* YAML2JSON_H */

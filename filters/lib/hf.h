/*
 * The handoff library: the few pieces every filter shares.
 *
 * One concern per source file:
 *	err.c		diagnostics (one escaped line each), exit status,
 *			checked allocation, stdout flush
 *	outfile.c	-o FILE: output through a temporary file and rename
 *	big.c		memory for large buffers, in huge pages
 *	input.c		reading a whole file or stdin, and lines from it
 *	str.c		the growing string buffer; UTF-8 decoding
 *	ident.c		the vocabulary: slug, commit, branch, scope, mission,
 *			step, timestamp
 *	jsonload.c	JSON files parsed with located errors
 *	shconst.c	the constants of a generate.sh, written and read
 *	manifest.c	the walk of an artifact manifest's items
 *	jsonw.c		printing a cJSON tree exactly as Python's json.dumps does
 *	timeu.c		ISO 8601 UTC time, SOURCE_DATE_EPOCH, ULID
 *	glob.c		Python fnmatch semantics
 *	sha.c		SHA-256 of buffers and file descriptors, as lowercase hex
 *	hash.c		FNV-1a for hash tables
 *	md.c		Markdown text and code spans
 */
#ifndef HF_H
#define HF_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cJSON.h>

/* Exit statuses, the same in every filter. */
#define HF_OK		0	/* success */
#define HF_EDATA	1	/* bad input data */
#define HF_EUSAGE	2	/* usage or I/O error */

/* The name shown for standard input in diagnostics. */
#define HF_STDIN_NAME	"<stdin>"

/* err.c */
#ifdef HF_FUZZ
#include <setjmp.h>
/*
 * Fuzzing builds only: when set, every exit of the library longjmps here
 * with the exit status plus one, so a filter's main() can run repeatedly
 * in one process.
 */
extern jmp_buf *hf_fuzz_env;
#endif
void	 hf_setprogname(const char *);
/* "prog: message" and exit with status. */
void	 hf_die(int, const char *, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));
/* "prog: message: strerror(errno)" and exit 2. */
void	 hf_dieio(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
/* "prog: message", without exiting. */
void	 hf_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * "prog: file:line:col: message"; a line or column of 0 is left out, and
 * a file of NULL too.  hf_warnat only prints; hf_dieat also exits with
 * status.
 */
void	 hf_warnat(const char *, unsigned long, unsigned long,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
void	 hf_vwarnat(const char *, unsigned long, unsigned long,
	    const char *, va_list);
void	 hf_dieat(int, const char *, unsigned long, unsigned long,
	    const char *, ...) __attribute__((noreturn, format(printf, 5, 6)));
void	*hf_malloc(size_t);
void	*hf_calloc(size_t, size_t);
void	*hf_realloc(void *, size_t);
void	*hf_reallocarray(void *, size_t, size_t);
char	*hf_strdup(const char *);
char	*hf_strndup(const char *, size_t);
/* Write all of buf to stdout or exit 2. */
void	 hf_write(const void *, size_t);
/* Flush stdout and check for errors; exit 2 on failure. Call before exit. */
void	 hf_flush(void);
/*
 * Flush and exit with the given status.  With -o FILE (hf_setoutput),
 * status 0 puts the output in place; any other status, an exit through
 * hf_die and the like, or a fatal signal discards it.
 */
void	 hf_exit(int) __attribute__((noreturn));
/*
 * Print a program's usage text and exit with status: on standard output
 * when it was asked for (-h, HF_OK), on standard error otherwise.
 */
void	 hf_usage(int, const char *) __attribute__((noreturn));

/* outfile.c */
/*
 * -o FILE for every program.  Call once, before any output.  Output to
 * stdout then goes to a temporary file ".FILE.XXXXXX" beside path;
 * hf_exit(0) renames it over path unless path already holds the same
 * bytes (then path is left untouched, mtime too); any other exit, or
 * SIGHUP, SIGINT or SIGTERM, removes the temporary file and leaves path
 * as it was.  The file keeps path's mode, or gets 0666 less the umask.
 * A path of "-" means standard output.
 */
void	 hf_setoutput(const char *);
/*
 * The mode the file of -o gets, new or replaced (a script's 0755); an
 * identical file of another mode is replaced.  Call after hf_setoutput.
 */
void	 hf_setoutputmode(mode_t);
/* For err.c: put the output in place, or discard it. */
void	 hf_outcommit(void);
void	 hf_outdiscard(void);

/* big.c */
/*
 * Memory for one large buffer, zeroed: at least size bytes, mapped apart
 * from the heap, aligned to HF_BIG and asked of the kernel as transparent
 * huge pages.  *mapped is set to the size mapped, the whole of it usable,
 * or to 0 where the system maps no anonymous memory and calloc gave it.
 * hf_bigfree takes the same size.  Worth it from about HF_BIG / 2 on; see
 * big.c.
 */
#define HF_BIG		((size_t)2 << 20)
void	*hf_bigalloc(size_t, size_t *);
void	 hf_bigfree(void *, size_t);
/*
 * Resize a buffer p holding len bytes, mapped as *mapped tells, to at
 * least *size bytes: on the heap while it is under HF_BIG / 2 and not
 * mapped, else in a new big mapping, the bytes copied.  Updates *mapped
 * and sets *size to the room there is.
 */
void	*hf_bigrealloc(void *, size_t, size_t *, size_t *);

/* input.c */
/*
 * A whole input in memory, always NUL-terminated (the NUL is not counted
 * in len). path NULL or "-" means standard input; name is what
 * diagnostics call it.
 */
struct hf_buf {
	char		*data;
	size_t		 len;
	const char	*name;
	size_t		 mapped;	/* see hf_bigalloc; 0 for malloc */
};
/* Read all of path (or stdin); exit 2 on I/O error. */
void	 hf_readall(const char *, struct hf_buf *);
/*
 * The same, for an input of at most max bytes: past it, "prog: file: more
 * than max bytes of input" and exit with status, before reading a regular
 * file that is already larger and as soon as a stream goes past it.
 */
void	 hf_readmax(const char *, struct hf_buf *, size_t, int);
void	 hf_buffree(struct hf_buf *);
/*
 * Read n bytes at offset off of fd, which a first pass found there: fewer
 * now means the file changed under us, an error (exit 2) naming name.
 */
void	 hf_preadall(int, void *, size_t, off_t, const char *);
/* The display name of a path argument: "<stdin>" for NULL or "-". */
const char *hf_inname(const char *);
/* Open path for reading, or stdin for NULL or "-"; exit 2 on failure. */
FILE	*hf_open(const char *);
/* One line of a buffer: its bytes without the newline, and its number. */
struct hf_line {
	const char	*s;
	size_t		 len;
	unsigned long	 no;
};
/*
 * Step l to the next line of b, starting at *pos (0 and a zeroed l for the
 * first); returns 0 at the end. A last line without a newline counts.
 */
int	 hf_nextline(const struct hf_buf *, size_t *, struct hf_line *);
/*
 * Split a "key=value" string in place; returns the value, or NULL when
 * there is no '=' or the key is empty.
 */
char	*hf_splitkv(char *);

/* str.c */
/* A growing string, always NUL-terminated; zeroed is empty. */
struct hf_str {
	char	*s;
	size_t	 len;
	size_t	 cap;
	size_t	 mapped;	/* see hf_strreserve; 0 on the heap */
};
void	 hf_stradd(struct hf_str *, const void *, size_t);
/*
 * Room for n more bytes.  From HF_BIG / 2 on, the buffer moves to a big
 * mapping (hf_bigrealloc) and stays in one as it grows, so that a large
 * output costs a page fault per 2 MiB; such a buffer is freed only by
 * hf_strfree.  Growth alone never maps one.
 */
void	 hf_strreserve(struct hf_str *, size_t);
void	 hf_straddc(struct hf_str *, int);
void	 hf_straddstr(struct hf_str *, const char *);
void	 hf_strfree(struct hf_str *);
/* qsort(3)'s comparison of two elements of an array of C strings. */
int	 hf_strpcmp(const void *, const void *);
/*
 * Decode one UTF-8 sequence at s (n bytes available): its length, with
 * the code point in *cp, or 0 when the bytes are not well-formed UTF-8
 * (overlong forms, encoded surrogates and values past U+10FFFF are not,
 * as for Python's decoder).
 */
size_t	 hf_utf8dec(const unsigned char *, size_t, unsigned *);

/* ident.c */
/*
 * The shared vocabulary.  Each returns NULL when s is good, else a short
 * reason ("'/' is not allowed", "must not contain '..'").
 *	slug	[A-Za-z0-9._-], no leading '.' or '-', no "..", at most
 *		HF_NAME_MAX bytes: spec-kitty's "045-name" and
 *		"name-01KZY498" alike
 *	scope, mission, step
 *		[A-Za-z0-9._-], no leading '.' or '-', at most HF_NAME_MAX
 *	commit	40 or 64 lowercase hex digits
 *	branch	git-check-ref-format(1) for a branch, ASCII, no character
 *		a shell treats specially, at most HF_BRANCH_MAX bytes
 *	time	ISO 8601 UTC with Z (YYYY-MM-DDTHH:MM:SS[.fff]Z), 1970 on
 */
#define HF_NAME_MAX	200
#define HF_BRANCH_MAX	255
const char *hf_badslug(const char *);
const char *hf_badcommit(const char *);
const char *hf_badbranch(const char *);
const char *hf_badscope(const char *);
const char *hf_badmission(const char *);
const char *hf_badstep(const char *);
const char *hf_badtime(const char *);
/* A manifest version: no white space or control character. */
const char *hf_badversion(const char *);
/*
 * An option's value held to one of these rules: "prog: -X: "value": why"
 * and 1 when it breaks it, 0 when it keeps it or is NULL.
 */
int	 hf_badopt(int, const char *, const char *(*)(const char *));
/*
 * The identity tuple of a package, as namespace.json holds it; a filter
 * fills in what it is given and leaves the rest NULL.  step NULL is no
 * step; at is the time of the file being written (generated_at,
 * captured_at, the bootstrap event's at).
 */
struct hf_ns {
	const char	*scope;		/* project_scope_id */
	const char	*slug;		/* feature_slug */
	const char	*branch;	/* source_branch */
	const char	*commit;	/* source_commit */
	const char	*mission;	/* mission_key */
	const char	*mversion;	/* manifest_version */
	const char	*step;		/* step_id */
	const char	*at;		/* generated_at */
};
/*
 * Fill ns from the members of a namespace.json tree (the strings stay
 * root's), each checked by its validator; a problem is "prog: file:
 * /member: reason" and exit with status.
 */
void	 hf_ns_fromjson(struct hf_ns *, const cJSON *, const char *, int);

/* shconst.c */
/*
 * The line by which a generate.sh tells that it was written from handoff's
 * template.
 */
#define HF_GENERATE_MARK	"# Written by handoff.mk from its template;"
/* Append v for a shell's single quotes: each ' as '\''. */
void	 hf_shquoted(struct hf_str *, const char *);
/*
 * The value of the first line "NAME=value" of len bytes of text: single-
 * quoted as hf_shquoted writes it, double-quoted or bare; NULL when there
 * is none.  The caller frees it.
 */
char	*hf_shconst(const char *, size_t, const char *);

/* jsonload.c */
/*
 * Read path (stdin for NULL or "-") of at most max bytes and parse it as
 * one JSON value.  A file too large or not JSON is "prog: file:line:col:
 * invalid JSON" (columns in bytes, from 1) and exit with status.  Lone
 * surrogate escapes \udc80 to \udcff, which treehash and Python's
 * surrogateescape write for bytes that are not UTF-8, become those bytes.
 */
cJSON	*hf_json_load(const char *, size_t, int);
/*
 * The same for len bytes of s in memory, for a caller that treats a text
 * that is not JSON as a finding of its own: NULL, with the offset of the
 * error in *erroff when it is not NULL.
 */
cJSON	*hf_json_parse(const char *, size_t, size_t *);
/* Append the JSON pointer (RFC 6901) of node within root to p. */
void	 hf_json_pointer(struct hf_str *, const cJSON *, const cJSON *);
/*
 * "prog: file: /json/pointer: message" naming node within root, with
 * key (when not NULL) as one more step: the member key of node, which
 * may be missing.  The pointer is left out when it is empty (root).
 * Exits with status.
 */
void	 hf_json_dieat(int, const char *, const cJSON *, const cJSON *,
	    const char *, const char *, ...)
	    __attribute__((noreturn, format(printf, 6, 7)));
/*
 * A string as messages show it: a JSON string literal, so that every byte
 * is visible, cut after 64 bytes with "..." after it.  Allocated.
 */
char	*hf_quote(const char *);
char	*hf_quoten(const char *, size_t);

/* manifest.c */
/* Where an item is required: always, from a step on, or never. */
enum hf_when {
	HF_ALWAYS,		/* required_always */
	HF_STEP,		/* required_by_step, step names it */
	HF_OPTIONAL		/* optional_always */
};
/* A loaded manifest: its tree, and how problems in it are reported. */
struct hf_manifest {
	const cJSON	*root;
	const char	*file;		/* the name in messages */
	int		 status;	/* the exit status of a problem */
};
struct hf_item {
	const cJSON	*node;		/* the item: a string or an object */
	const char	*pattern;	/* its path pattern, never empty */
	const char	*step;		/* HF_STEP: the step's name */
	enum hf_when	 when;
};
typedef void hf_itemfn(const struct hf_manifest *, const struct hf_item *,
    void *);
/*
 * Call fn(m, item, arg) for each item of m in the manifest's order:
 * required_always, each step of required_by_step in order,
 * optional_always.  A section may be absent or null; anything else out
 * of shape is "prog: file: /json/pointer: problem", exit m->status.  fn
 * reports problems of its own with hf_json_dieat(m->status, m->file,
 * m->root, item->node, key, ...).
 */
void	 hf_manifest_walk(const struct hf_manifest *, hf_itemfn *, void *);

/* jsonw.c */
/*
 * The one JSON writer: values appended to a buffer as they come, laid out
 * as Python's json.dumps(obj, indent=N) (indent > 0) or json.dumps(obj,
 * separators=(",", ":")) (indent == 0) lays them out.  A container is
 * opened and closed with its bracket; a member of an object is a key and
 * then a value.  The writer adds every separator, newline and
 * indentation; the caller only says what comes next.
 */
struct hf_jw {
	struct hf_str	*b;
	int		 indent;	/* spaces a level; 0 for compact */
	int		 level;		/* containers open */
	int		 first;		/* the innermost has no member yet */
	int		 afterkey;	/* a key is written; its value is next */
};
void	 hf_jw_init(struct hf_jw *, struct hf_str *, int);
void	 hf_jw_open(struct hf_jw *, int);	/* '{' or '[' */
void	 hf_jw_close(struct hf_jw *, int);	/* '}' or ']' */
void	 hf_jw_key(struct hf_jw *, const char *, size_t);
void	 hf_jw_str(struct hf_jw *, const char *, size_t);
/* A value's text as it stands: a number, true, false or null. */
void	 hf_jw_raw(struct hf_jw *, const char *, size_t);
void	 hf_jw_uint(struct hf_jw *, uint64_t);
/*
 * Print a cJSON tree as Python's json.dumps(obj, indent=2) (indent > 0)
 * or json.dumps(obj, separators=(",", ":")) (indent == 0) prints it, with
 * ensure_ascii: keys in tree order, non-ASCII as \uXXXX, astral characters
 * as surrogate pairs, bytes that are not UTF-8 as \udcXX (Python's
 * surrogateescape, so file names round-trip through os.fsencode).
 *
 * Numbers: a cJSON_Raw node is printed verbatim, which is how callers keep
 * the exact text of big integers and floats; a
 * cJSON_Number that is integral and fits in 53 bits prints as an integer,
 * any other as Python's float repr.
 *
 * The result is appended to a growing buffer; no newline is added.
 */
void	 hf_json_dump(struct hf_str *, const cJSON *, int);
/* Append one JSON string literal (with the quotes) for len bytes of s. */
void	 hf_json_string(struct hf_str *, const char *, size_t);
/* Python's repr() of a double ("1.0", "1e+16", "Infinity", "NaN"). */
void	 hf_float_repr(double, char [32]);
/* Dump with a trailing newline to stdout, then free the buffer. */
void	 hf_json_print(const cJSON *, int);

/* timeu.c */
/* Seconds since the epoch: SOURCE_DATE_EPOCH when set, else now. */
time_t	 hf_now(void);
/* Format t as "2026-02-23T19:37:40Z" into buf (21 bytes with the NUL). */
void	 hf_isotime(time_t, char [21]);
/*
 * Parse "YYYY-MM-DDTHH:MM:SS[.frac]Z" strictly; returns 0 and sets *t
 * (and *ms, the milliseconds, when not NULL) or -1.
 */
int	 hf_parseiso(const char *, time_t *, unsigned *);
/* ULID: 48-bit milliseconds and 80 bits, Crockford base32, 26 chars. */
void	 hf_ulid(uint64_t, const unsigned char [10], char [27]);

/* hash.c */
#define HF_FNV_INIT	0xcbf29ce484222325ULL
/* FNV-1a of n bytes at p, continuing from h (HF_FNV_INIT to start). */
uint64_t hf_fnv1a(const void *, size_t, uint64_t);
/* FNV-1a of n bytes, its bits mixed: for indexing a hash table. */
uint64_t hf_hash(const void *, size_t);

/* glob.c */
/*
 * Python fnmatch.fnmatchcase: '*' matches any run of characters, '/'
 * included; '?' one character; "[seq]" and "[!seq]" sets with ranges; no
 * backslash escapes; a '[' with no closing ']' is literal. Returns 1 on a
 * match. Strings are compared as bytes; a character is one byte.
 */
int	 hf_fnmatch(const char *, const char *);

/* sha.c */
#define HF_SHA256_HEX	65
/* Lowercase hex SHA-256 of a buffer. */
void	 hf_sha256_hex(const void *, size_t, char [HF_SHA256_HEX]);
/*
 * The lowercase hex form of a digest of n bytes, as sha256sum and git print
 * it: 2n digits and a NUL.
 */
void	 hf_hexdigest(const unsigned char *, size_t, char *);
void	 hf_sha256_raw(const void *, size_t, unsigned char [32]);
/*
 * Incremental SHA-256, whatever the backend chosen at build time (libmd,
 * or libcrypto with make SHA256=openssl). A context comes from
 * hf_sha256_new() and may be reused: hf_sha256_init() starts a new digest
 * at any point, so one context a thread serves any number of inputs
 * without an allocation each. Failures of the backend are fatal.
 */
struct hf_sha256;
struct hf_sha256 *hf_sha256_new(void);
void	 hf_sha256_init(struct hf_sha256 *);
void	 hf_sha256_update(struct hf_sha256 *, const void *, size_t);
void	 hf_sha256_final(struct hf_sha256 *, unsigned char [32]);
void	 hf_sha256_free(struct hf_sha256 *);

/* ---- md.c: Markdown output (matrixgen, tapnote) ---------------------- */
/*
 * Append s as Markdown text that shows it literally: the characters that
 * could start inline markup ("\`*_[]<>&~|") get a backslash, and spaces
 * at either end become "&#32;", so that it also fits a table cell.
 */
void	 hf_md_text(struct hf_str *, const char *);
/*
 * Append s as a code span, its fence one backtick longer than the longest
 * run inside, padded with spaces when s starts or ends with a backtick or
 * a space.  With intable (non-zero), '|' is written "\|" as GitHub table
 * cells need; a string that no code span can show exactly (empty, blank,
 * or a '|' after an odd run of backslashes in a table) is written with
 * hf_md_text instead.
 */
void	 hf_md_code(struct hf_str *, const char *, int);
/* ---- end of md.c ----------------------------------------------------- */

/* ---- pkgcmp.c, evlog.c: the package as a whole (install, check) ----- */
/* The files of a package, in the order messages list them. */
#define HF_PKG_NFILES	7
extern const char *const hf_pkg_files[HF_PKG_NFILES];
/* The index of name in hf_pkg_files, or -1 when it is none of them. */
int	 hf_pkg_index(const char *);
/*
 * How a package file a (the one installed or committed) compares with b
 * (the one built or replayed): byte for byte the same; the same but for
 * the value of a timestamp field (namespace.json's generated_at, the
 * manifest's and the tree's captured_at, the at and event_id of a lone
 * bootstrap event), which *fields then names; or different.  This is the
 * one definition of "changed" that install and check share.
 */
enum hf_pkgcmp {
	HF_PKG_SAME,
	HF_PKG_STAMP,
	HF_PKG_DIFFERS
};
enum hf_pkgcmp hf_pkgcmp(const char *, const char *, size_t, const char *,
	    size_t, const char **);
/* dir/name, allocated. */
char	*hf_pkg_path(const char *, const char *);
/* Write the one-word outcome of a run (written, refused, matches ...). */
void	 hf_pkg_outcome(const char *, const char *);
/* Whether the text is one line holding a bootstrap event. */
int	 hf_pkg_isbootstrap(const char *, size_t);

/*
 * An event log as the comparison reads it: len bytes from offset start
 * of the descriptor fd (read with pread, so one file may serve several).
 */
struct hf_evsrc {
	const char	*name;
	int		 fd;
	long long	 start;
	long long	 len;
};
enum hf_evkind {
	HF_EV_IDENTICAL,
	HF_EV_APPENDED,		/* the committed log is a prefix of the new */
	HF_EV_REWRITTEN		/* they part at line .line of the committed */
};
struct hf_evdiff {
	enum hf_evkind	 kind;
	unsigned long	 line;		/* HF_EV_REWRITTEN: committed line */
	long long	 linestart;	/* its offset in the committed log */
	size_t		 appended;	/* HF_EV_APPENDED: events appended */
};
/*
 * Compare a committed event log with the log now, both as evcat passes
 * them through, so a missing final newline makes no difference.
 * I/O errors are fatal.
 */
void	 hf_evlog_compare(const struct hf_evsrc *, const struct hf_evsrc *,
	    struct hf_evdiff *);
/*
 * Append the verdict in words, without a newline: "identical", "N events
 * appended since the handoff" or "history rewritten at line N (event_id
 * ID)", the id read from the committed line when it has one.
 */
void	 hf_evlog_describe(struct hf_str *, const struct hf_evsrc *,
	    const struct hf_evdiff *);
/*
 * Append an event_id as messages show it: as it is when it is printable
 * ASCII without blanks, else as a JSON string.
 */
void	 hf_evlog_id(struct hf_str *, const char *, size_t);
/* ---- end of pkgcmp.c, evlog.c ---------------------------------------- */

#endif /* HF_H */

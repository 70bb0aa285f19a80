/*
 * tapnote: read the TAP stream of a test run and write the verification
 * note of a handoff package.
 *
 * The note is evidence, so the verdict is strict: PASS only when the
 * stream has a plan, every planned test reported once and in order, none
 * failed, nothing bailed out, at least one test passed and every mapped
 * scenario has a passing test and no failing one.  Skipped tests and
 * failing TODO tests are allowed.  Each reason for a FAIL is listed in
 * the note, in the order of the stream.
 *
 * TAP versions 12 to 14 are read.  Subtests (TAP 14 indents them by four
 * spaces) are summed up by their parent's test line, so only top-level
 * test lines count; an indented "Bail out!" still stops the run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

/*
 * The largest plan and the highest test number accepted: a million tests
 * is far beyond any real suite, and it bounds the memory spent on the
 * table of test numbers.
 */
#define TAPNOTE_TESTS_MAX	1000000UL
/* The most scenarios a mapping file may hold; matching is tests x these. */
#define TAPNOTE_SCENARIOS_MAX	1000UL
/*
 * The most bytes of TAP read (64 MiB): TAPNOTE_TESTS_MAX test lines of 64
 * bytes on average, with their diagnostics. A real suite writes well
 * under a megabyte.
 */
#define TAPNOTE_INPUT_MAX	(64UL * 1024 * 1024)
/*
 * The most bytes of a scenarios file (1 MiB): TAPNOTE_SCENARIOS_MAX lines
 * of about a kilobyte each.
 */
#define TAPNOTE_SCENFILE_MAX	(1024UL * 1024)

/*
 * A note is written for a passing and a failing run alike, and exits 0:
 * the verdict is the note's to tell.  Input that is not a TAP stream, or
 * a bad scenarios file, is bad input like any other.
 */
#define EXIT_UNUSABLE	HF_EDATA

enum dir {
	DIR_NONE,
	DIR_SKIP,
	DIR_TODO
};

struct test {
	unsigned long	 num;
	unsigned long	 line;
	int		 ok;
	enum dir	 dir;
	char		*desc;
	char		*reason;	/* of the directive, or NULL */
};

struct scenario {
	char		*label;
	char		*about;
	char		*pattern;
	unsigned long	 line;
	unsigned long	 tests;
	unsigned long	 passed;
	unsigned long	 failed;
};

struct run {
	struct test	*t;
	size_t		 n;
	size_t		 cap;
	int		 version;	/* 12 when there is no version line */
	unsigned long	 planned;
	unsigned long	 planline;	/* 0: no plan */
	int		 planlast;	/* the plan came after test lines */
	char		*skipall;	/* reason of "1..0 # SKIP" */
	unsigned long	*seen;		/* line of each test number, or 0 */
	size_t		 seencap;
	unsigned long	 passed;
	unsigned long	 failed;
	unsigned long	 skipped;
	unsigned long	 todo;
	unsigned long	 notrun;
	unsigned long	 outofseq;	/* first test out of sequence */
	int		 afterplan;	/* a test line followed a final plan */
	int		 bailed;
	struct hf_str	 why;		/* the reasons for FAIL, a list */
	unsigned long	 nwhy;
};

/*
 * What goes into the note as given: of the identity tuple the branch,
 * the source commit and, as at, the run date; besides it the commit
 * the tests ran at and the command that reruns them.
 */
struct opts {
	struct hf_ns	 ns;
	const char	*head;
	const char	*rerun;
};

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status, "usage: tapnote [-n] [-b branch] [-d run_date] "
	    "[-H head_commit] [-m scenarios] [-o file]\n"
	    "               [-r rerun_command] [-s source_commit] [file]\n"
	    "       tapnote -c note [-m scenarios] [file]\n");
}

/* The next line of b, without a final carriage return. */
static int
nextline(const struct hf_buf *b, size_t *pos, struct hf_line *l)
{
	if (!hf_nextline(b, pos, l))
		return 0;
	if (l->len > 0 && l->s[l->len - 1] == '\r')
		l->len--;
	return 1;
}

static int
iscntrlbyte(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int
isblankc(char c)
{
	return c == ' ' || c == '\t';
}

static int
iswordc(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* Case-insensitive: does s (n bytes) start with the lowercase text w? */
static int
prefixci(const char *s, size_t n, const char *w)
{
	size_t i;
	char c;

	for (i = 0; w[i] != '\0'; i++) {
		if (i == n)
			return 0;
		c = s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i];
		if (c != w[i])
			return 0;
	}
	return 1;
}

/* A copy of s without control characters, which no note can show. */
static char *
cleandup(const char *s, size_t n)
{
	char *d = hf_strndup(s, n);
	size_t i;

	for (i = 0; i < n; i++)
		if (iscntrlbyte((unsigned char)d[i]))
			d[i] = d[i] == '\t' ? ' ' : '?';
	return d;
}

/* Start one more reason for FAIL; the caller appends its text. */
static struct hf_str *
why(struct run *r)
{
	r->nwhy++;
	hf_straddstr(&r->why, "- ");
	return &r->why;
}

static void
whyf(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A reason made of plain words and numbers only. */
static void
whyf(struct run *r, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hf_straddstr(why(r), buf);
	hf_straddc(&r->why, '\n');
}

/*
 * A decimal number of at most TAPNOTE_TESTS_MAX at s; returns the digits
 * read, and sets *big when the number is past the limit.
 */
static size_t
number(const char *s, size_t n, unsigned long *v, int *big)
{
	size_t i;

	*v = 0;
	*big = 0;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (*v > TAPNOTE_TESTS_MAX)
			*big = 1;
		else
			*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	if (*v > TAPNOTE_TESTS_MAX)
		*big = 1;
	return i;
}

/*
 * Does the text at s start a directive ("# SKIP..." or "# TODO", any
 * case, after the '#' and optional blanks)?  Sets *d and *reason.
 */
static int
directive(const char *s, size_t n, enum dir *d, size_t *reason)
{
	size_t i = 1, k;

	while (i < n && isblankc(s[i]))
		i++;
	if (prefixci(s + i, n - i, "skip")) {
		/* "SKIP\S*", as in "# Skipped: no network" */
		for (k = i + 4; k < n && !isblankc(s[k]); k++)
			continue;
		*d = DIR_SKIP;
	} else if (prefixci(s + i, n - i, "todo") &&
	    (i + 4 == n || isblankc(s[i + 4]))) {
		k = i + 4;
		*d = DIR_TODO;
	} else
		return 0;
	while (k < n && isblankc(s[k]))
		k++;
	*reason = k;
	return 1;
}

/* TAP 14 escapes '#' and '\' in descriptions with a backslash. */
static char *
unescape(const char *s, size_t n, int version)
{
	char *d = cleandup(s, n), *w = d;
	const char *p;

	if (version < 14)
		return d;
	for (p = d; *p != '\0'; p++) {
		if (p[0] == '\\' && (p[1] == '#' || p[1] == '\\'))
			p++;
		*w++ = *p;
	}
	*w = '\0';
	return d;
}

static void
seen(struct run *r, unsigned long num, unsigned long line,
    unsigned long *first)
{
	size_t ncap;

	if (num >= r->seencap) {
		ncap = r->seencap == 0 ? 1024 : r->seencap;
		while (ncap <= num)
			ncap *= 2;
		r->seen = hf_reallocarray(r->seen, ncap, sizeof(*r->seen));
		memset(r->seen + r->seencap, 0,
		    (ncap - r->seencap) * sizeof(*r->seen));
		r->seencap = ncap;
	}
	*first = r->seen[num];
	if (*first == 0)
		r->seen[num] = line;
}

static void
addnum(struct hf_str *o, unsigned long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu", v);
	hf_straddstr(o, buf);
}

/* A test line: "ok" or "not ok", number, description, directive. */
static void
testline(struct run *r, const char *name, const struct hf_line *l)
{
	const char *s = l->s;
	size_t n = l->len, i, k, dend, reason;
	unsigned long num, first, expect;
	struct test *t;
	enum dir d = DIR_NONE;
	int big;

	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 64 : r->cap * 2;
		r->t = hf_reallocarray(r->t, r->cap, sizeof(*r->t));
	}
	t = &r->t[r->n];
	t->ok = s[0] == 'o';
	i = t->ok ? 2 : 6;
	while (i < n && isblankc(s[i]))
		i++;
	expect = r->n == 0 ? 1 : r->t[r->n - 1].num + 1;
	k = number(s + i, n - i, &num, &big);
	if (big)
		hf_dieat(EXIT_UNUSABLE, name, l->no, 0, "test number %.*s is "
		    "past the limit of %lu", k > 30 ? 30 : (int)k, s + i,
		    TAPNOTE_TESTS_MAX);
	if (k == 0) {
		num = expect;
		if (num > TAPNOTE_TESTS_MAX)
			hf_dieat(EXIT_UNUSABLE, name, l->no, 0, "more than "
			    "%lu tests", TAPNOTE_TESTS_MAX);
	}
	i += k;
	while (i < n && isblankc(s[i]))
		i++;
	if (i < n && s[i] == '-' && (i + 1 == n || isblankc(s[i + 1])))
		for (i++; i < n && isblankc(s[i]); i++)
			continue;
	/* The first unescaped '#' that starts a directive ends the text. */
	for (dend = i; dend < n; dend++)
		if (s[dend] == '#' && (dend == i || s[dend - 1] != '\\') &&
		    directive(s + dend, n - dend, &d, &reason))
			break;
	for (k = dend; k > i && isblankc(s[k - 1]); k--)
		continue;
	t->desc = unescape(s + i, k - i, r->version);
	t->reason = NULL;
	if (d != DIR_NONE) {
		for (k = n; k > dend + reason && isblankc(s[k - 1]); k--)
			continue;
		t->reason = cleandup(s + dend + reason, k - dend - reason);
	}
	t->num = num;
	t->line = l->no;
	t->dir = d;
	r->n++;

	if (r->planline != 0 && r->planlast && !r->afterplan) {
		r->afterplan = 1;
		whyf(r, "test line %lu comes after the plan at the end "
		    "(line %lu)", l->no, r->planline);
	}
	seen(r, num, l->no, &first);
	if (first != 0)
		whyf(r, "test %lu is reported twice (lines %lu and %lu)", num,
		    first, l->no);
	else if (num != expect && r->outofseq == 0) {
		r->outofseq = l->no;
		whyf(r, "test %lu on line %lu is out of sequence (expected "
		    "%lu)", num, l->no, expect);
	}
	if (d == DIR_SKIP)
		r->skipped++;
	else if (d == DIR_TODO)
		r->todo++;
	else if (t->ok)
		r->passed++;
	else {
		r->failed++;
		hf_straddstr(why(r), "test ");
		addnum(&r->why, num);
		if (*t->desc != '\0') {
			hf_straddstr(&r->why, " (");
			hf_md_code(&r->why, t->desc, 0);
			hf_straddc(&r->why, ')');
		}
		hf_straddstr(&r->why, " failed on line ");
		addnum(&r->why, l->no);
		hf_straddc(&r->why, '\n');
	}
}

/*
 * A plan line, "1..N" with an optional "# comment"; returns 0 when l is
 * not one.  "1..0 # SKIP reason" skips the whole run.
 */
static int
planline(struct run *r, const char *name, const struct hf_line *l)
{
	const char *s = l->s;
	size_t n = l->len, i, k, reason;
	unsigned long v;
	enum dir d;
	int big;

	if (n < 4 || memcmp(s, "1..", 3) != 0)
		return 0;
	if ((k = number(s + 3, n - 3, &v, &big)) == 0)
		return 0;
	for (i = 3 + k; i < n && isblankc(s[i]); i++)
		continue;
	if (i < n && s[i] != '#')
		return 0;
	if (big)
		hf_dieat(EXIT_UNUSABLE, name, l->no, 0, "plan 1..%.*s is past "
		    "the limit of %lu tests", k > 30 ? 30 : (int)k, s + 3,
		    TAPNOTE_TESTS_MAX);
	if (r->planline != 0) {
		whyf(r, "a second plan on line %lu (the first is on line %lu)",
		    l->no, r->planline);
		return 1;
	}
	r->planned = v;
	r->planline = l->no;
	r->planlast = r->n > 0;
	if (v == 0 && i < n && directive(s + i, n - i, &d, &reason) &&
	    d == DIR_SKIP)
		r->skipall = cleandup(s + i + reason, n - i - reason);
	return 1;
}

/* Is l (after at) "---" or "..." alone, the bounds of a YAML block? */
static int
yamlmark(const struct hf_line *l, size_t at, const char *mark)
{
	size_t e = l->len;

	while (e > at && isblankc(l->s[e - 1]))
		e--;
	return e - at == 3 && memcmp(l->s + at, mark, 3) == 0;
}

static int
istestline(const char *s, size_t n)
{
	if (n >= 2 && memcmp(s, "ok", 2) == 0)
		return n == 2 || !iswordc(s[2]);
	if (n >= 6 && memcmp(s, "not ok", 6) == 0)
		return n == 6 || !iswordc(s[6]);
	return 0;
}

/*
 * Read the whole stream.  Exits 1 on input that is not TAP at all; every
 * other flaw becomes a reason for FAIL.
 */
static void
readtap(struct run *r, const struct hf_buf *b)
{
	struct hf_line l;
	size_t pos = 0, ind;
	unsigned long yaml = 0;		/* line of the open YAML block */
	unsigned long lasttest = 0;	/* line of the last top-level test */
	unsigned long v;
	const char *p;
	int big;

	if ((p = memchr(b->data, '\0', b->len)) != NULL) {
		for (v = 1; p-- > b->data;)
			v += *p == '\n';
		hf_dieat(EXIT_UNUSABLE, b->name, v, 0, "NUL byte: not a TAP "
		    "stream");
	}
	r->version = 12;
	l.no = 0;
	while (nextline(b, &pos, &l)) {
		for (ind = 0; ind < l.len && isblankc(l.s[ind]); ind++)
			continue;
		if (yaml != 0) {
			if (ind == l.len)
				continue;
			if (ind > 0) {
				if (yamlmark(&l, ind, "..."))
					yaml = 0;
				continue;
			}
			whyf(r, "the YAML block from line %lu is not closed",
			    yaml);
			yaml = 0;
		}
		if (l.no == 1 && l.len >= 12 &&
		    memcmp(l.s, "TAP version ", 12) == 0) {
			if (number(l.s + 12, l.len - 12, &v, &big) !=
			    l.len - 12 || v < 12 || v > 14)
				hf_dieat(EXIT_UNUSABLE, b->name, l.no, 0,
				    "unsupported TAP version: %.*s",
				    (int)(l.len - 12 > 30 ? 30 : l.len - 12),
				    l.s + 12);
			r->version = (int)v;
			continue;
		}
		if (ind > 0) {
			/* A YAML block belongs to the test line above it. */
			if (lasttest != 0 && lasttest == l.no - 1 &&
			    yamlmark(&l, ind, "---")) {
				yaml = l.no;
				continue;
			}
			/*
			 * Subtests count through their parent's test line;
			 * of their lines only a bail-out matters.
			 */
			if (!prefixci(l.s + ind, l.len - ind, "bail out!"))
				continue;
		}
		if (prefixci(l.s + ind, l.len - ind, "bail out!")) {
			r->bailed = 1;
			for (ind += 9; ind < l.len && isblankc(l.s[ind]);)
				ind++;
			hf_straddstr(why(r), "the run bailed out on line ");
			addnum(&r->why, l.no);
			if (ind < l.len) {
				char *reason = cleandup(l.s + ind, l.len - ind);

				hf_straddstr(&r->why, ": ");
				hf_md_code(&r->why, reason, 0);
				free(reason);
			}
			hf_straddc(&r->why, '\n');
			break;
		}
		if (istestline(l.s, l.len)) {
			testline(r, b->name, &l);
			lasttest = l.no;
			continue;
		}
		/* Comments, pragmas and unknown lines mean nothing. */
		planline(r, b->name, &l);
	}
	if (yaml != 0)
		whyf(r, "the YAML block from line %lu is not closed", yaml);
	if (r->planline == 0 && r->n == 0 && !r->bailed)
		hf_dieat(EXIT_UNUSABLE, b->name, l.no > 0 ? l.no : 1, 0,
		    "no TAP plan and no test line: not a TAP stream");
}

/* The reasons known only at the end: plan, missing tests, no pass. */
static void
judge(struct run *r)
{
	unsigned long i, lo, outside = 0, firstout = 0, firstline = 0;
	int nranges = 0;

	if (r->planline == 0 && !r->bailed)
		whyf(r, "there is no plan, so nothing shows that every test "
		    "ran");
	for (i = 0; i < r->n && r->planline != 0; i++) {
		if (r->t[i].num >= 1 && r->t[i].num <= r->planned)
			continue;
		if (outside++ == 0) {
			firstout = r->t[i].num;
			firstline = r->t[i].line;
		}
	}
	if (outside > 0)
		whyf(r, "%lu test%s outside the plan 1..%lu, the first test "
		    "%lu on line %lu", outside, outside == 1 ? " is" : "s are",
		    r->planned, firstout, firstline);
	for (i = 1; i <= r->planned; i++) {
		if (i < r->seencap && r->seen[i] != 0)
			continue;
		r->notrun++;
		for (lo = i; i < r->planned &&
		    !(i + 1 < r->seencap && r->seen[i + 1] != 0); i++)
			continue;
		if (nranges++ == 0)
			hf_straddstr(why(r), "planned tests that did not "
			    "run: ");
		else
			hf_straddstr(&r->why, ", ");
		r->notrun += i - lo;
		addnum(&r->why, lo);
		if (i > lo) {
			hf_straddc(&r->why, '-');
			addnum(&r->why, i);
		}
	}
	if (nranges > 0)
		hf_straddc(&r->why, '\n');
	if (r->skipall != NULL) {
		hf_straddstr(why(r), "the plan skips the whole run");
		if (*r->skipall != '\0') {
			hf_straddstr(&r->why, ": ");
			hf_md_code(&r->why, r->skipall, 0);
		}
		hf_straddc(&r->why, '\n');
	} else if (r->nwhy == 0 && r->passed == 0)
		whyf(r, "no test passed, so the run shows nothing");
}

static char *
field(const char *s, size_t n, const char *name, const struct hf_line *l,
    const char *what)
{
	size_t i;

	while (n > 0 && s[0] == ' ')
		s++, n--;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0)
		hf_dieat(EXIT_UNUSABLE, name, l->no, 0, "empty %s", what);
	for (i = 0; i < n; i++)
		if (iscntrlbyte((unsigned char)s[i]))
			hf_dieat(EXIT_UNUSABLE, name, l->no, 0, "control "
			    "character in the %s", what);
	return hf_strndup(s, n);
}

static struct scenario *volatile scenkeep;

/*
 * The scenarios file: one scenario a line, "label TAB description TAB
 * pattern"; blank lines and lines starting with '#' are skipped.
 */
static struct scenario *
readscen(const char *path, size_t *np)
{
	struct hf_buf b;
	struct hf_line l;
	struct scenario *sc = NULL, *x;
	const char *tab[3];
	size_t pos = 0, n = 0, cap = 0, i, nf;

	hf_readmax(path, &b, TAPNOTE_SCENFILE_MAX, EXIT_UNUSABLE);
	l.no = 0;
	while (nextline(&b, &pos, &l)) {
		for (i = 0; i < l.len && isblankc(l.s[i]); i++)
			continue;
		if (i == l.len || l.s[0] == '#')
			continue;
		for (i = nf = 0; i < l.len; i++)
			if (l.s[i] == '\t' && nf++ < 2)
				tab[nf - 1] = l.s + i;
		if (nf != 2)
			hf_dieat(EXIT_UNUSABLE, b.name, l.no, 0, "expected 3 "
			    "tab-separated fields (label, description, "
			    "pattern), found %zu", nf + 1);
		if (n == TAPNOTE_SCENARIOS_MAX)
			hf_dieat(EXIT_UNUSABLE, b.name, l.no, 0, "more than "
			    "%lu scenarios", TAPNOTE_SCENARIOS_MAX);
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			sc = hf_reallocarray(sc, cap, sizeof(*sc));
			/*
			 * Held where leak checkers look, for the exit of a
			 * later bad line.
			 */
			scenkeep = sc;
		}
		x = &sc[n];
		memset(x, 0, sizeof(*x));
		x->line = l.no;
		x->label = field(l.s, (size_t)(tab[0] - l.s), b.name, &l,
		    "label");
		x->about = field(tab[0] + 1, (size_t)(tab[1] - tab[0] - 1),
		    b.name, &l, "description");
		x->pattern = field(tab[1] + 1,
		    (size_t)(l.s + l.len - tab[1] - 1), b.name, &l, "pattern");
		for (i = 0; i < n; i++)
			if (strcmp(sc[i].label, x->label) == 0)
				hf_dieat(EXIT_UNUSABLE, b.name, l.no, 0,
				    "scenario %s is already on line %lu",
				    x->label, sc[i].line);
		n++;
	}
	hf_buffree(&b);
	*np = n;
	return sc;
}

/* Match every scenario against the tests and add the reasons for FAIL. */
static void
scenarios(struct run *r, struct scenario *sc, size_t nsc, int ran)
{
	const struct test *t;
	size_t i, j;

	for (i = 0; i < nsc; i++) {
		for (j = 0; j < r->n; j++) {
			t = &r->t[j];
			if (!hf_fnmatch(sc[i].pattern, t->desc))
				continue;
			sc[i].tests++;
			if (t->dir == DIR_NONE && t->ok)
				sc[i].passed++;
			else if (t->dir == DIR_NONE)
				sc[i].failed++;
		}
		if (!ran || (sc[i].passed > 0 && sc[i].failed == 0))
			continue;
		hf_straddstr(why(r), "scenario ");
		hf_md_text(&r->why, sc[i].label);
		if (sc[i].tests == 0)
			hf_straddstr(&r->why, " has no matching test");
		else if (sc[i].failed > 0) {
			hf_straddstr(&r->why, " has ");
			addnum(&r->why, sc[i].failed);
			hf_straddstr(&r->why, sc[i].failed == 1 ?
			    " failing test" : " failing tests");
		} else
			hf_straddstr(&r->why, ": none of its tests passed "
			    "(all skipped or todo)");
		hf_straddc(&r->why, '\n');
	}
}

static void
cell(struct hf_str *o, unsigned long v)
{
	hf_straddstr(o, " ");
	addnum(o, v);
	hf_straddstr(o, " |");
}

/* One row of the table at the top; a value not given says so. */
static void
inforow(struct hf_str *o, const char *name, const char *val, int code)
{
	hf_straddstr(o, "| ");
	hf_straddstr(o, name);
	hf_straddstr(o, " | ");
	if (val == NULL)
		hf_straddstr(o, "not recorded");
	else if (code)
		hf_md_code(o, val, 1);
	else
		hf_straddstr(o, val);
	hf_straddstr(o, " |\n");
}

/* One row of the table of tests. */
static void
testrow(struct hf_str *o, const struct test *t)
{
	static const char *const word[][2] = {
		{ "FAIL", "PASS" },		/* DIR_NONE */
		{ "SKIP", "SKIP" },		/* DIR_SKIP */
		{ "TODO, failed", "TODO, passed" }	/* DIR_TODO */
	};

	hf_straddstr(o, "|");
	cell(o, t->num);
	hf_straddc(o, ' ');
	if (*t->desc != '\0')
		hf_md_code(o, t->desc, 1);
	hf_straddstr(o, " | ");
	hf_straddstr(o, word[t->dir][t->ok]);
	if (t->reason != NULL && *t->reason != '\0') {
		hf_straddstr(o, ": ");
		hf_md_text(o, t->reason);
	}
	hf_straddstr(o, " |\n");
}

static void
writenote(struct hf_str *o, struct run *r, const struct opts *op,
    const struct scenario *sc, size_t nsc, int ran)
{
	const char *verdict = r->nwhy == 0 ? "PASS" : "FAIL";
	size_t i, j, longest = 0, run = 0;

	hf_straddstr(o, "# Verification note\n\nOverall result: **");
	hf_straddstr(o, verdict);
	hf_straddstr(o, "**\n\n| Field | Value |\n|---|---|\n");
	inforow(o, "Branch", op->ns.branch, 1);
	inforow(o, "Source commit", op->ns.commit, 1);
	inforow(o, "HEAD commit", op->head, 1);
	inforow(o, "Run date", op->ns.at, 0);

	hf_straddstr(o, "\n## Verdict\n\n");
	if (!ran)
		hf_straddstr(o, "FAIL: no test was run, so this note "
		    "verifies nothing.\n");
	else if (r->nwhy == 0) {
		if (r->planned == 1)
			hf_straddstr(o, "PASS: the one planned test ran and "
			    "passed.\n");
		else {
			hf_straddstr(o, "PASS: all ");
			addnum(o, r->planned);
			hf_straddstr(o, " planned tests ran and none "
			    "failed.\n");
		}
	} else {
		hf_straddstr(o, "FAIL, for these reasons:\n\n");
		hf_stradd(o, r->why.s, r->why.len);
	}

	hf_straddstr(o, "\n## Scenarios\n\n");
	if (nsc == 0)
		hf_straddstr(o, "No scenario is mapped to the tests.\n");
	else {
		hf_straddstr(o, "A scenario passes when at least one test "
		    "whose description matches its pattern passed and none "
		    "failed.\n\n| Scenario | Description | Test pattern | "
		    "Tests | Passed | Failed | Result |\n"
		    "|---|---|---|---|---|---|---|\n");
		for (i = 0; i < nsc; i++) {
			hf_straddstr(o, "| ");
			hf_md_text(o, sc[i].label);
			hf_straddstr(o, " | ");
			hf_md_text(o, sc[i].about);
			hf_straddstr(o, " | ");
			hf_md_code(o, sc[i].pattern, 1);
			hf_straddstr(o, " |");
			cell(o, sc[i].tests);
			cell(o, sc[i].passed);
			cell(o, sc[i].failed);
			hf_straddstr(o, ran && sc[i].passed > 0 &&
			    sc[i].failed == 0 ? " PASS |\n" : " FAIL |\n");
		}
	}

	hf_straddstr(o, "\n## Counts\n\n");
	if (!ran)
		hf_straddstr(o, "No test was run, so there is nothing to "
		    "count.\n");
	else {
		hf_straddstr(o, "| Planned | Ran | Passed | Failed | Skipped "
		    "| Todo | Not run |\n|---|---|---|---|---|---|---|\n|");
		if (r->planline == 0)
			hf_straddstr(o, " no plan |");
		else
			cell(o, r->planned);
		cell(o, r->n);
		cell(o, r->passed);
		cell(o, r->failed);
		cell(o, r->skipped);
		cell(o, r->todo);
		cell(o, r->notrun);
		hf_straddc(o, '\n');
	}

	if (ran && r->n > 0) {
		hf_straddstr(o, "\n## Tests\n\nIn the order of the stream."
		    "\n\n| Test | Description | Result |\n|---|---|---|\n");
		for (i = 0; i < r->n; i++)
			testrow(o, &r->t[i]);
	}

	hf_straddstr(o, "\n## Re-run\n\n");
	if (op->rerun == NULL) {
		hf_straddstr(o, "No re-run command was recorded.\n");
		return;
	}
	/* A fence longer than any run of backticks in the command. */
	for (j = 0; op->rerun[j] != '\0'; j++) {
		run = op->rerun[j] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	hf_straddstr(o, "From the root of the repository, at the HEAD "
	    "commit:\n\n");
	for (j = 0; j < (longest < 3 ? 3 : longest + 1); j++)
		hf_straddc(o, '`');
	hf_straddstr(o, "sh\n");
	hf_straddstr(o, op->rerun);
	if (op->rerun[strlen(op->rerun) - 1] != '\n')
		hf_straddc(o, '\n');
	for (j = 0; j < (longest < 3 ? 3 : longest + 1); j++)
		hf_straddc(o, '`');
	hf_straddc(o, '\n');
}

/*
 * Check mode (-c): a committed note read back and held to its own
 * numbers, and, given a run, to that run.  A note that was edited by
 * hand (FAIL made PASS) no longer adds up: its counts disagree with its
 * table of tests, a scenario row says PASS over a failing test, or the
 * overall result does not follow from the rows.
 */

/* The most bytes of a note read: the largest note a largest run gives. */
#define TAPNOTE_NOTE_MAX	(4 * TAPNOTE_INPUT_MAX)

enum { RES_PASS, RES_FAIL, RES_SKIP, RES_TODO, NRES };

struct noterow {
	char		*label;		/* as written, Markdown escapes kept */
	unsigned long	 tests, passed, failed;
	int		 pass;
	unsigned long	 line;
};

struct note {
	const char	*name;
	int		 overall;	/* 1 PASS, 0 FAIL, -1 not found */
	unsigned long	 oline;
	int		 verdict;	/* the Verdict section, the same way */
	unsigned long	 vline;
	unsigned long	 nreasons;
	int		 norun;		/* "no test was run" */
	int		 counted;	/* the counts row was found */
	int		 noplan;
	unsigned long	 count[7];	/* planned ran passed failed ... */
	unsigned long	 cline;
	unsigned long	 rows[NRES];	/* rows of the table of tests */
	struct noterow	*sc;
	size_t		 nsc;
	size_t		 capsc;
};

enum { C_PLANNED, C_RAN, C_PASSED, C_FAILED, C_SKIPPED, C_TODO, C_NOTRUN };
static const char *const cname[] = {
	"planned", "ran", "passed", "failed", "skipped", "todo", "not run"
};

/*
 * Split a table row into its cells, trimmed: a '|' after an odd run of
 * backslashes is part of a cell.  Returns the number of cells, at most
 * max.
 */
static size_t
cells(const char *s, size_t n, const char **c, size_t *clen, size_t max)
{
	size_t i, start = 0, k = 0, bs = 0, a, b;

	if (n < 2 || s[0] != '|' || s[n - 1] != '|')
		return 0;
	for (i = 1, start = 1; i < n; i++) {
		if (s[i] == '\\') {
			bs++;
			continue;
		}
		if (s[i] == '|' && bs % 2 == 0) {
			if (k == max)
				return 0;
			for (a = start; a < i && s[a] == ' '; a++)
				continue;
			for (b = i; b > a && s[b - 1] == ' '; b--)
				continue;
			c[k] = s + a;
			clen[k++] = b - a;
			start = i + 1;
		}
		bs = 0;
	}
	return k;
}

/* A cell that is a decimal number. */
static int
cellnum(const char *c, size_t n, unsigned long *v)
{
	int big;

	return n > 0 && number(c, n, v, &big) == n && !big;
}

static int
celleq(const char *c, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(c, w, n) == 0;
}

static int
hasprefix(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);

	return len >= n && memcmp(s, w, n) == 0;
}

static int
startswith(const struct hf_line *l, const char *w)
{
	return hasprefix(l->s, l->len, w);
}

static void __attribute__((noreturn))
badnote(const struct note *nt, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hf_vwarnat(nt->name, line, 0, fmt, ap);
	va_end(ap);
	hf_exit(HF_EDATA);
}

static void
readnote(const char *path, struct note *nt)
{
	enum { S_TOP, S_VERDICT, S_SCEN, S_COUNTS, S_TESTS, S_END } sect = S_TOP;
	struct hf_buf b;
	struct hf_line l;
	struct noterow *x;
	const char *c[8];
	size_t clen[8], pos = 0, k, i;
	unsigned long v;

	memset(nt, 0, sizeof(*nt));
	nt->overall = nt->verdict = -1;
	hf_readmax(path, &b, TAPNOTE_NOTE_MAX, HF_EDATA);
	nt->name = b.name;
	l.no = 0;
	while (sect != S_END && nextline(&b, &pos, &l)) {
		if (startswith(&l, "## ")) {
			sect = startswith(&l, "## Verdict") ? S_VERDICT :
			    startswith(&l, "## Scenarios") ? S_SCEN :
			    startswith(&l, "## Counts") ? S_COUNTS :
			    startswith(&l, "## Tests") ? S_TESTS :
			    startswith(&l, "## Re-run") ? S_END : S_TOP;
			continue;
		}
		switch (sect) {
		case S_TOP:
			if (nt->overall != -1 ||
			    !startswith(&l, "Overall result: **"))
				break;
			nt->oline = l.no;
			if (celleq(l.s, l.len, "Overall result: **PASS**"))
				nt->overall = 1;
			else if (celleq(l.s, l.len, "Overall result: **FAIL**"))
				nt->overall = 0;
			else
				badnote(nt, l.no, "the overall result is "
				    "neither PASS nor FAIL");
			break;
		case S_VERDICT:
			if (startswith(&l, "- ")) {
				nt->nreasons++;
				break;
			}
			if (nt->verdict != -1 || l.len == 0)
				break;
			nt->vline = l.no;
			if (startswith(&l, "PASS"))
				nt->verdict = 1;
			else if (startswith(&l, "FAIL")) {
				nt->verdict = 0;
				nt->norun = startswith(&l, "FAIL: no test was "
				    "run");
			} else
				badnote(nt, l.no, "the verdict is neither "
				    "PASS nor FAIL");
			break;
		case S_SCEN:
			k = cells(l.s, l.len, c, clen, 8);
			if (k != 7 || celleq(c[0], clen[0], "Scenario") ||
			    celleq(c[0], clen[0], "---"))
				break;
			if (nt->nsc == nt->capsc) {
				nt->capsc = nt->capsc == 0 ? 16 : nt->capsc * 2;
				nt->sc = hf_reallocarray(nt->sc, nt->capsc,
				    sizeof(*nt->sc));
			}
			x = &nt->sc[nt->nsc++];
			x->label = hf_strndup(c[0], clen[0]);
			x->line = l.no;
			if (!cellnum(c[3], clen[3], &x->tests) ||
			    !cellnum(c[4], clen[4], &x->passed) ||
			    !cellnum(c[5], clen[5], &x->failed) ||
			    (!celleq(c[6], clen[6], "PASS") &&
			    !celleq(c[6], clen[6], "FAIL")))
				badnote(nt, l.no, "scenario %s: a row that is "
				    "not counts and PASS or FAIL", x->label);
			x->pass = celleq(c[6], clen[6], "PASS");
			break;
		case S_COUNTS:
			k = cells(l.s, l.len, c, clen, 8);
			if (k != 7 || nt->counted ||
			    celleq(c[0], clen[0], "Planned") ||
			    celleq(c[0], clen[0], "---"))
				break;
			nt->counted = 1;
			nt->cline = l.no;
			nt->noplan = celleq(c[0], clen[0], "no plan");
			for (i = nt->noplan; i < 7; i++)
				if (!cellnum(c[i], clen[i], &nt->count[i]))
					badnote(nt, l.no, "the counts row "
					    "holds something not a number");
			break;
		case S_TESTS:
			k = cells(l.s, l.len, c, clen, 8);
			if (k != 3 || !cellnum(c[0], clen[0], &v))
				break;
			if (hasprefix(c[2], clen[2], "PASS"))
				nt->rows[RES_PASS]++;
			else if (hasprefix(c[2], clen[2], "FAIL"))
				nt->rows[RES_FAIL]++;
			else if (hasprefix(c[2], clen[2], "SKIP"))
				nt->rows[RES_SKIP]++;
			else if (hasprefix(c[2], clen[2], "TODO"))
				nt->rows[RES_TODO]++;
			else
				badnote(nt, l.no, "test %lu: a result that is "
				    "not PASS, FAIL, SKIP or TODO", v);
			break;
		case S_END:
			break;
		}
	}
	hf_buffree(&b);
	if (nt->overall == -1)
		badnote(nt, 0, "no overall result: not a verification note");
	if (nt->verdict == -1)
		badnote(nt, 0, "no verdict");
}

/* The note against itself; the first inconsistency ends the program. */
static void
selfcheck(const struct note *nt)
{
	static const int kind[NRES] = {
		C_PASSED, C_FAILED, C_SKIPPED, C_TODO
	};
	const struct noterow *x;
	unsigned long sum = 0;
	size_t i;
	int pass;

	if (nt->verdict != nt->overall)
		badnote(nt, nt->vline, "the verdict says %s but the overall "
		    "result is %s", nt->verdict ? "PASS" : "FAIL",
		    nt->overall ? "PASS" : "FAIL");
	if (nt->counted) {
		for (i = 0; i < NRES; i++) {
			sum += nt->count[kind[i]];
			if (nt->rows[i] != nt->count[kind[i]])
				badnote(nt, nt->cline, "the counts say %lu "
				    "%s, the table of tests lists %lu",
				    nt->count[kind[i]], cname[kind[i]],
				    nt->rows[i]);
		}
		if (sum != nt->count[C_RAN])
			badnote(nt, nt->cline, "%lu passed, failed, skipped "
			    "and todo do not add up to the %lu that ran", sum,
			    nt->count[C_RAN]);
	}
	for (i = 0; i < nt->nsc; i++) {
		x = &nt->sc[i];
		if (x->passed + x->failed > x->tests)
			badnote(nt, x->line, "scenario %s: %lu passed and %lu "
			    "failed of %lu tests", x->label, x->passed,
			    x->failed, x->tests);
		pass = !nt->norun && x->passed > 0 && x->failed == 0;
		if (x->pass != pass)
			badnote(nt, x->line, "scenario %s: %s with %lu passed "
			    "and %lu failed", x->label, x->pass ? "PASS" :
			    "FAIL", x->passed, x->failed);
	}
	if (!nt->overall) {
		if (nt->nreasons == 0 && !nt->norun)
			badnote(nt, nt->vline, "FAIL without a reason");
		return;
	}
	if (nt->nreasons > 0)
		badnote(nt, nt->vline, "PASS with %lu reasons for FAIL",
		    nt->nreasons);
	if (!nt->counted || nt->noplan)
		badnote(nt, nt->oline, "PASS without %s", nt->counted ?
		    "a plan" : "counts");
	if (nt->count[C_FAILED] > 0 || nt->count[C_NOTRUN] > 0 ||
	    nt->count[C_PASSED] == 0)
		badnote(nt, nt->cline, "PASS with %lu failed, %lu not run and "
		    "%lu passed", nt->count[C_FAILED], nt->count[C_NOTRUN],
		    nt->count[C_PASSED]);
	for (i = 0; i < nt->nsc; i++)
		if (!nt->sc[i].pass)
			badnote(nt, nt->oline, "PASS with scenario %s failing",
			    nt->sc[i].label);
}

/*
 * The note against a run: each scenario, the counts and the overall
 * verdict.  Every disagreement is named; returns their number.
 */
static unsigned long
against(const struct note *nt, const struct run *r,
    const struct scenario *sc, size_t nsc)
{
	const unsigned long runc[7] = { r->planned, r->n, r->passed,
	    r->failed, r->skipped, r->todo, r->notrun };
	struct hf_str lab = { 0 };
	const struct noterow *x;
	unsigned long bad = 0;
	size_t i, j;
	int pass;

	for (i = 0; i < nsc; i++) {
		lab.len = 0;
		hf_md_text(&lab, sc[i].label);
		for (j = 0; j < nt->nsc; j++)
			if (strcmp(nt->sc[j].label, lab.s) == 0)
				break;
		pass = sc[i].passed > 0 && sc[i].failed == 0;
		if (j == nt->nsc) {
			hf_warnat(nt->name, 0, 0, "scenario %s: not in the "
			    "note", lab.s);
			bad++;
			continue;
		}
		x = &nt->sc[j];
		if (x->pass != pass || x->tests != sc[i].tests ||
		    x->passed != sc[i].passed || x->failed != sc[i].failed) {
			hf_warnat(nt->name, x->line, 0, "scenario %s: the note "
			    "says %s (%lu tests, %lu passed, %lu failed), the "
			    "run %s (%lu tests, %lu passed, %lu failed)", lab.s,
			    x->pass ? "PASS" : "FAIL", x->tests, x->passed,
			    x->failed, pass ? "PASS" : "FAIL", sc[i].tests,
			    sc[i].passed, sc[i].failed);
			bad++;
		}
	}
	for (j = 0; j < nt->nsc; j++) {
		for (i = 0; i < nsc; i++) {
			lab.len = 0;
			hf_md_text(&lab, sc[i].label);
			if (strcmp(nt->sc[j].label, lab.s) == 0)
				break;
		}
		if (i == nsc) {
			hf_warnat(nt->name, nt->sc[j].line, 0, "scenario %s: "
			    "not in the scenarios file", nt->sc[j].label);
			bad++;
		}
	}
	hf_strfree(&lab);
	for (i = 0; nt->counted && i < 7; i++) {
		if (i == C_PLANNED && (nt->noplan || r->planline == 0)) {
			if (nt->noplan == (r->planline == 0))
				continue;
		} else if (nt->count[i] == runc[i])
			continue;
		hf_warnat(nt->name, nt->cline, 0, "%s: the note says %lu, the "
		    "run %lu", cname[i], nt->count[i], runc[i]);
		bad++;
	}
	if (nt->overall != (r->nwhy == 0)) {
		hf_warnat(nt->name, nt->oline, 0, "the note says %s, the run "
		    "%s", nt->overall ? "PASS" : "FAIL", r->nwhy == 0 ?
		    "PASS" : "FAIL");
		bad++;
	}
	return bad;
}

static void
notefree(struct note *nt)
{
	size_t i;

	for (i = 0; i < nt->nsc; i++)
		free(nt->sc[i].label);
	free(nt->sc);
}

static void
runfree(struct run *r, struct scenario *sc, size_t nsc)
{
	size_t i;

	hf_strfree(&r->why);
	for (i = 0; i < r->n; i++) {
		free(r->t[i].desc);
		free(r->t[i].reason);
	}
	free(r->t);
	free(r->seen);
	free(r->skipall);
	for (i = 0; i < nsc; i++) {
		free(sc[i].label);
		free(sc[i].about);
		free(sc[i].pattern);
	}
	free(sc);
}

/* Read a TAP run (path, stdin for NULL) and judge it. */
static void
readrun(const char *path, struct run *r)
{
	struct hf_buf b;

	hf_readmax(path, &b, TAPNOTE_INPUT_MAX, EXIT_UNUSABLE);
	readtap(r, &b);
	hf_buffree(&b);
	judge(r);
}

/*
 * -c: check the note at path against itself and, with withrun, against
 * the run in tap with the scenarios of spath.
 */
static int
checknote(const char *path, const char *spath, const char *tap,
    int withrun)
{
	struct scenario *sc = NULL;
	struct note nt;
	struct run r;
	unsigned long bad;
	size_t nsc = 0;

	readnote(path, &nt);
	selfcheck(&nt);
	if (!withrun) {
		printf("%s: consistent with itself, overall %s\n", nt.name,
		    nt.overall ? "PASS" : "FAIL");
		notefree(&nt);
		return HF_OK;
	}
	memset(&r, 0, sizeof(r));
	if (spath != NULL)
		sc = readscen(spath, &nsc);
	readrun(tap, &r);
	scenarios(&r, sc, nsc, 1);
	bad = against(&nt, &r, sc, nsc);
	if (bad == 0)
		printf("%s: agrees with the run, overall %s\n", nt.name,
		    nt.overall ? "PASS" : "FAIL");
	runfree(&r, sc, nsc);
	notefree(&nt);
	return bad == 0 ? HF_OK : HF_EDATA;
}

/* One option value checked by its validator, or exit 2 naming it. */
static void
checkopt(int opt, const char *v, const char *(*bad)(const char *))
{
	if (hf_badopt(opt, v, bad))
		hf_exit(HF_EUSAGE);
}

static void
checkopts(const struct opts *op)
{
	const char *p;

	checkopt('b', op->ns.branch, hf_badbranch);
	checkopt('s', op->ns.commit, hf_badcommit);
	checkopt('H', op->head, hf_badcommit);
	checkopt('d', op->ns.at, hf_badtime);
	if (op->rerun != NULL) {
		for (p = op->rerun; *p != '\0'; p++)
			if (iscntrlbyte((unsigned char)*p) && *p != '\n' &&
			    *p != '\t')
				break;
		if (*op->rerun == '\0' || *p != '\0')
			hf_die(HF_EUSAGE, "-r: empty, or a control character "
			    "in the command");
	}
}

int
main(int argc, char *argv[])
{
	struct opts op;
	struct run r;
	struct hf_str o;
	struct scenario *sc = NULL;
	const char *spath = NULL, *out = NULL, *notepath = NULL;
	char date[21];
	size_t nsc = 0;
	int ch, nflag = 0;

	hf_setprogname(argv[0]);
	memset(&op, 0, sizeof(op));
	while ((ch = getopt(argc, argv, "b:c:d:hH:m:no:r:s:")) != -1) {
		switch (ch) {
		case 'b':
			op.ns.branch = optarg;
			break;
		case 'c':
			notepath = optarg;
			break;
		case 'd':
			op.ns.at = optarg;
			break;
		case 'h':
			usage(HF_OK);
			break;
		case 'H':
			op.head = optarg;
			break;
		case 'm':
			spath = optarg;
			break;
		case 'n':
			nflag = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			op.rerun = optarg;
			break;
		case 's':
			op.ns.commit = optarg;
			break;
		default:
			usage(HF_EUSAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (nflag && argc > 0))
		usage(HF_EUSAGE);
	if (notepath != NULL) {
		if (nflag || out != NULL || op.ns.branch != NULL ||
		    op.ns.commit != NULL || op.ns.at != NULL ||
		    op.head != NULL || op.rerun != NULL)
			usage(HF_EUSAGE);
		hf_exit(checknote(notepath, spath, argc == 1 ? argv[0] : NULL,
		    argc == 1 || spath != NULL));
	}
	if (op.ns.at == NULL) {
		hf_isotime(hf_now(), date);
		op.ns.at = date;
	}
	checkopts(&op);
	if (out != NULL)
		hf_setoutput(out);

	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	if (spath != NULL)
		sc = readscen(spath, &nsc);
	if (!nflag)
		readrun(argc == 1 ? argv[0] : NULL, &r);
	else
		whyf(&r, "no test was run");
	scenarios(&r, sc, nsc, !nflag);
	writenote(&o, &r, &op, sc, nsc, !nflag);
	hf_write(o.s, o.len);

	hf_strfree(&o);
	runfree(&r, sc, nsc);
	hf_exit(HF_OK);
}

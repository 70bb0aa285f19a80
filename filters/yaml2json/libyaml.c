/*
 * Where libyaml and PyYAML's own scanner disagree.  yaml2json parses
 * with libyaml, which reads YAML 1.1 much as PyYAML does but not quite:
 *
 *  - Inputs PyYAML reads and libyaml refuses are rewritten and parsed
 *    again (see patch()): unknown directives and any %YAML 1.x, a tab
 *    where libyaml wants a block scalar's indentation, a colon right
 *    before ",[]{}" in a flow collection, and a surrogate pair written
 *    as two escapes.  Each rewrite keeps the offsets of what follows it
 *    on other lines, so that later errors are still located right.
 *  - Inputs PyYAML refuses and libyaml reads are refused here with
 *    PyYAML's words: tabs outside quoted and block scalars and comments
 *    (tabcheck()), '?' and ",[]{}" in places of flow collections
 *    (flowcheck()), and directives spaced otherwise than with spaces
 *    (dirline()).
 *
 * Lines and columns are counted as libyaml counts them: from 1, a
 * column per character, CRLF as one break.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml2json.h"

/* The length of a line break at d[i] as libyaml reads one, or 0. */
static size_t
brklen(size_t i)
{
	const unsigned char *d = (const unsigned char *)Y.in.data;
	size_t n = Y.in.len;

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
size_t
nextchar(size_t i)
{
	for (i++; i < Y.in.len && (Y.in.data[i] & 0xc0) == 0x80; i++)
		;
	return i;
}

/*
 * The byte offset of a line (0-based), counting breaks as libyaml does;
 * the first line starts after a byte order mark, which libyaml does not
 * count as a character.
 */
static size_t
lineoffset(size_t line)
{
	size_t i = 0, k;

	if (Y.in.len >= 3 && memcmp(Y.in.data, "\xef\xbb\xbf", 3) == 0)
		i = 3;

	while (line > 0 && i < Y.in.len) {
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
	for (c = 0; c < m->column && off < Y.in.len; c++)
		off = nextchar(off);
	return off;
}

static void __attribute__((noreturn))
dirfail(unsigned long line, size_t off, size_t i, const char *what)
{
	unsigned long col = 1;
	size_t k, w;

	for (k = off; k < i; k++)
		if ((Y.in.data[k] & 0xc0) != 0x80)
			col++;
	if (Y.in.data[i] == '\t')
		dieat(line, col, "%s, but found '\\t'", what);
	w = nextchar(i) - i;
	dieat(line, col, "%s, but found '%.*s'", what, (int)w, Y.in.data + i);
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
	const char *d = Y.in.data;
	size_t off, i, n = Y.in.len;
	int f, nf, yamlv;

	i = off = lineoffset(line);
	if (n - i > 5 && memcmp(d + i, "%YAML", 5) == 0)
		yamlv = 1, nf = 1, i += 5;
	else if (n - i > 4 && memcmp(d + i, "%TAG", 4) == 0)
		yamlv = 0, nf = 2, i += 4;
	else {
		/* Any other name, which must end at a space or a break. */
		if (i >= n || d[i] != '%')
			return;
		for (i++; i < n && (isalnum((unsigned char)d[i]) ||
		    d[i] == '-' || d[i] == '_'); i++)
			;
		if (i < n && d[i] != ' ' && d[i] != '\0' && brklen(i) == 0)
			dirfail(line + 1, off, i, "expected alphabetic or "
			    "numeric character");
		return;
	}
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
void
directivecheck(const yaml_event_t *ev)
{
	unsigned long line;
	int pending = 0;

	if (ev->type == YAML_DOCUMENT_START_EVENT &&
	    !ev->data.document_start.implicit)
		for (line = ev->start_mark.line; line < ev->end_mark.line;
		    line++)
			dirline(line);
	while (Y.ndone < Y.ndir &&
	    Y.patched[Y.ndone] <= ev->start_mark.line + 1) {
		Y.ndone++;
		pending = 1;
	}
	if (pending && (ev->type != YAML_DOCUMENT_START_EVENT ||
	    ev->data.document_start.implicit))
		dieat(ev->start_mark.line + 1, ev->start_mark.column + 1,
		    "expected '<document start>' after a directive");
}

/* Replace del bytes of the input at off with n bytes of s. */
static void
replace(size_t off, size_t del, const char *s, size_t n)
{
	char *d;

	d = hf_malloc(Y.in.len - del + n + 1);
	memcpy(d, Y.in.data, off);
	memcpy(d + off, s, n);
	memcpy(d + off + n, Y.in.data + off + del, Y.in.len - off - del + 1);
	hf_bigfree(Y.in.data, Y.in.mapped);
	Y.in.data = d;
	Y.in.len = Y.in.len - del + n;
	Y.in.mapped = 0;
}

/* A private-use character (U+E000 on) that the input does not hold. */
static void
phchoose(void)
{
	size_t i;
	int c;

	for (c = 0; c < 64; c++) {
		Y.ph[0] = (char)0xee;
		Y.ph[1] = (char)0x80;
		Y.ph[2] = (char)(0x80 + c);
		for (i = 0; i + 2 < Y.in.len; i++)
			if (memcmp(Y.in.data + i, Y.ph, 3) == 0)
				break;
		if (i + 2 >= Y.in.len)
			return;
	}
}

static void __attribute__((noreturn))
phfail(void)
{
	dieat(Y.phline, Y.phcol, "%s", Y.phmsg);
}

/*
 * The placeholders of phchoose() back into tabs.  They may only be text
 * of a literal block scalar: a folded one would fold differently around
 * a tab, and anywhere else PyYAML fails too.
 */
void
phfix(struct node *n, int style)
{
	size_t i, k;

	for (i = k = 0; i < n->len; i++) {
		if (i + 2 < n->len && memcmp(n->val + i, Y.ph, 3) == 0) {
			if (style != YAML_LITERAL_SCALAR_STYLE)
				phfail();
			n->val[k++] = '\t';
			i += 2;
			Y.phfound++;
		} else
			n->val[k++] = n->val[i];
	}
	n->val[k] = '\0';
	n->len = k;
}

/* Every placeholder put in the input came back out as a tab. */
void
phcheck(void)
{
	if (Y.phfound != Y.nph)
		phfail();
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
	const char *d = Y.in.data;
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

/* Four hexadecimal digits at d[i] as a number, or -1. */
static long
hex4(size_t i)
{
	long v = 0;
	size_t k;
	int c;

	if (Y.in.len - i < 4)
		return -1;
	for (k = i; k < i + 4; k++) {
		c = (unsigned char)Y.in.data[k];
		if (!isxdigit(c))
			return -1;
		v = v * 16 + (isdig(c) ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/*
 * Rewrite what PyYAML reads and libyaml refuses, and parse again:
 *  - a directive of another name than YAML or TAG, which PyYAML ignores,
 *    into a comment;
 *  - %YAML 1.x, which PyYAML reads as 1.1 whatever x is, into 1.1;
 *  - a surrogate pair written as two escapes ("\ud83d\ude00", as
 *    json.dumps writes characters past U+FFFF), which PyYAML keeps as
 *    two code units that json.dumps writes back the same, into the one
 *    escape of the character ("\U0001f600");
 *  - a tab where libyaml wants a block scalar's indentation, and a colon
 *    right before ",[]{}" in a flow collection (see below).
 * A directive is first checked as PyYAML's scanner checks it.  Each
 * rewrite keeps the offsets of every other line.
 */
static void
patch(void)
{
	yaml_parser_t *p = &Y.parser;
	char *d = Y.in.data, c, esc[16];
	size_t off, i;
	long hi, lo;

	if (Y.npatch >= MAXPATCH || p->problem == NULL)
		return;
	if (p->error == YAML_SCANNER_ERROR && strcmp(p->problem,
	    "found a tab character where an indentation space is expected")
	    == 0 && (off = markoffset(&p->problem_mark)) < Y.in.len &&
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
			Y.npatch++;
			longjmp(Y.retry, 1);
		}
		/*
		 * PyYAML counts only spaces as a block scalar's indentation,
		 * so the tab is text; libyaml stops.  The tab becomes a
		 * private-use character that appears nowhere else, turned
		 * back into a tab in the scalar (see phfix).
		 */
		if (Y.nph == 0) {
			phchoose();
			snprintf(Y.phmsg, sizeof(Y.phmsg), "%s (%s at line %lu, "
			    "column %lu)", p->problem, p->context,
			    (unsigned long)p->context_mark.line + 1,
			    (unsigned long)p->context_mark.column + 1);
			Y.phline = p->problem_mark.line + 1;
			Y.phcol = p->problem_mark.column + 1;
		}
		replace(off, 1, Y.ph, 3);
		Y.nph++;
		Y.npatch++;
		longjmp(Y.retry, 1);
	}
	if (p->error == YAML_SCANNER_ERROR && strcmp(p->problem,
	    "found unexpected ':'") == 0 && p->context != NULL &&
	    (off = markoffset(&p->problem_mark)) + 1 < Y.in.len &&
	    d[off] == ':' && strchr(",[]{}", d[off + 1]) != NULL) {
		/*
		 * In a flow collection PyYAML ends a plain scalar at a colon
		 * before ",[]{}" and reads the colon as a value indicator;
		 * libyaml stops.  A space after the colon says the same to
		 * libyaml.
		 */
		replace(off + 1, 0, " ", 1);
		Y.npatch++;
		longjmp(Y.retry, 1);
	}
	if (p->error == YAML_SCANNER_ERROR && strcmp(p->problem,
	    "found invalid Unicode character escape code") == 0 &&
	    (off = markoffset(&p->problem_mark)) >= 2 &&
	    memcmp(d + off - 2, "\\u", 2) == 0 &&
	    (hi = hex4(off)) >= 0xd800 && hi <= 0xdbff &&
	    Y.in.len - off >= 10 && memcmp(d + off + 4, "\\u", 2) == 0 &&
	    (lo = hex4(off + 6)) >= 0xdc00 && lo <= 0xdfff) {
		snprintf(esc, sizeof(esc), "\\U%08lx",
		    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
		replace(off - 2, 12, esc, 10);
		Y.npatch++;
		longjmp(Y.retry, 1);
	}
	if (p->error == YAML_SCANNER_ERROR && p->context_mark.column == 0 &&
	    strcmp(p->problem, "found unknown directive name") == 0) {
		off = lineoffset(p->context_mark.line);
		if (off >= Y.in.len || d[off] != '%')
			return;
		dirline(p->context_mark.line);
		d[off] = '#';
		Y.patched[Y.ndir++] = p->context_mark.line + 1;
		Y.npatch++;
		longjmp(Y.retry, 1);
	}
	if (p->error == YAML_PARSER_ERROR && p->problem_mark.column == 0 &&
	    strcmp(p->problem, "found incompatible YAML document") == 0) {
		off = lineoffset(p->problem_mark.line);
		if (Y.in.len - off < 5 || memcmp(d + off, "%YAML", 5) != 0)
			return;
		dirline(p->problem_mark.line);
		for (i = off + 5; i < Y.in.len && (d[i] == ' ' ||
		    d[i] == '\t'); i++)
			;
		while (i < Y.in.len && d[i] == '0')
			i++;
		if (i + 2 >= Y.in.len || d[i] != '1' || d[i + 1] != '.' ||
		    !isdig(d[i + 2]))
			return;
		d[i += 2] = '1';
		for (i++; i < Y.in.len && isdig(d[i]); i++)
			d[i] = ' ';
		Y.npatch++;
		longjmp(Y.retry, 1);
	}
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
parsefail(void)
{
	yaml_parser_t *p = &Y.parser;
	unsigned long line = 1, col = 1;
	size_t i, off;
	char ctx[160] = "";

	if (p->error == YAML_MEMORY_ERROR)
		hf_die(HF_EUSAGE, "out of memory");
	patch();
	if (p->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset; count lines to it. */
		off = p->problem_offset < Y.in.len ? p->problem_offset :
		    Y.in.len;
		for (i = 0; i < off; i++) {
			if (Y.in.data[i] == '\n' || (Y.in.data[i] == '\r' &&
			    (i + 1 >= Y.in.len || Y.in.data[i + 1] != '\n'))) {
				line++;
				col = 1;
			} else if ((Y.in.data[i] & 0xc0) != 0x80)
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

/* A parser for the input, which is read as UTF-8 only. */
void
parserstart(void)
{
	Y.curc = Y.curb = 0;
	Y.ascii = isascii7((const unsigned char *)Y.in.data, Y.in.len);
	if (!yaml_parser_initialize(&Y.parser))
		hf_die(HF_EUSAGE, "out of memory");
	Y.parserok = 1;
	yaml_parser_set_input_string(&Y.parser,
	    (const unsigned char *)Y.in.data, Y.in.len);
	/*
	 * Python reads UTF-8 only: no UTF-16 by byte order mark.  A UTF-8
	 * mark is left for libyaml to find, which skips it cleanly; with the
	 * encoding set, it would count as a column and shift the indentation
	 * of the first line.
	 */
	if (Y.in.len < 3 || memcmp(Y.in.data, "\xef\xbb\xbf", 3) != 0)
		yaml_parser_set_encoding(&Y.parser, YAML_UTF8_ENCODING);
}

/* The parser and the event it holds, if any. */
void
parserend(void)
{
	eventdone();
	if (Y.parserok)
		yaml_parser_delete(&Y.parser);
	Y.parserok = 0;
}

/*
 * The next event, in Y.ev until eventdone(), so that an error, which
 * leaves by a jump, can still free it.
 */
yaml_event_t *
nextevent(void)
{
	if (!yaml_parser_parse(&Y.parser, &Y.ev))
		parsefail();
	Y.evlive = 1;
	return &Y.ev;
}

void
eventdone(void)
{
	if (Y.evlive)
		yaml_event_delete(&Y.ev);
	Y.evlive = 0;
}

/* The place of a scalar that tabcheck() must know. */
void
addspan(const yaml_event_t *ev)
{
	int kind;

	if (ev->start_mark.index == ev->end_mark.index)
		return;
	switch (ev->data.scalar.style) {
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		kind = SPAN_BLOCK;
		break;
	case YAML_PLAIN_SCALAR_STYLE:
		if (memchr(ev->data.scalar.value, '#',
		    ev->data.scalar.length) == NULL)
			return;
		kind = SPAN_PLAIN;
		break;
	default:
		kind = SPAN_QUOTED;
		break;
	}
	if (Y.nspan == Y.capspan) {
		Y.capspan = Y.capspan ? Y.capspan * 2 : 64;
		Y.spans = hf_reallocarray(Y.spans, Y.capspan,
		    sizeof(*Y.spans));
	}
	Y.spans[Y.nspan].start = ev->start_mark.index;
	Y.spans[Y.nspan].end = ev->end_mark.index;
	Y.spans[Y.nspan].kind = kind;
	Y.nspan++;
}

/* The states of tabcheck() in a block scalar's header. */
enum { H_NONE, H_PROPS, H_PROPCOMMENT, H_IND, H_SPACE, H_COMMENT };

/*
 * PyYAML's scanner skips only spaces between tokens, so a tab anywhere
 * but in a quoted scalar, a block scalar's text or a comment is an
 * error there, and so is a block scalar header that runs into a comment
 * ("|#"); libyaml accepts both.  One pass over the input, with the
 * scalars' places from the parse, finds them.  A '#' starts a comment
 * after a space, at the start of a line, or right after a token that
 * is not part of a plain scalar (a bracket, a comma, a closing quote),
 * as in "[#c" and "'x'#c".
 */
void
tabcheck(void)
{
	const unsigned char *d = (const unsigned char *)Y.in.data;
	size_t bi = 0, ci = 0, k = 0, n = Y.in.len;
	unsigned long line = 1, col = 1;
	int prev = '\n', comment = 0, hdr = H_NONE, c, in;

	if (memchr(d, '\t', n) == NULL) {
		for (k = 0; k < Y.nspan && Y.spans[k].kind != SPAN_BLOCK; k++)
			;
		if (k == Y.nspan)
			return;
		k = 0;
	}
	while (bi < n) {
		c = d[bi];
		while (k < Y.nspan && ci >= Y.spans[k].end)
			k++;
		in = k < Y.nspan && ci >= Y.spans[k].start;
		if (in && ci == Y.spans[k].start &&
		    Y.spans[k].kind == SPAN_BLOCK)
			hdr = H_PROPS;
		if (hdr == H_PROPS && (c == '|' || c == '>'))
			hdr = H_IND;
		else if (hdr == H_PROPS || hdr == H_PROPCOMMENT) {
			/* An anchor or a tag, before the indicator. */
			if (c == '\n' || c == '\r')
				hdr = H_PROPS;
			else if (hdr == H_PROPCOMMENT)
				;
			else if (c == '#' && (prev == ' ' || prev == '\n'))
				hdr = H_PROPCOMMENT;
			else if (c == '\t')
				dieat(line, col, "found character '\\t' that "
				    "cannot start any token");
		} else if (hdr != H_NONE) {
			/* The header: indicators, spaces, a comment. */
			if (hdr == H_IND && (c == '+' || c == '-' || isdig(c)))
				;
			else if (hdr == H_IND && c == '#')
				dieat(line, col, "expected chomping or "
				    "indentation indicators, but found '#'");
			else if (c == '\n' || c == '\r')
				hdr = H_NONE;
			else if (c == ' ')
				hdr = hdr == H_IND ? H_SPACE : hdr;
			else if (c == '#' && hdr == H_SPACE)
				hdr = H_COMMENT;
			else if (c == '\t' && hdr != H_COMMENT)
				dieat(line, col, "found a tab character in a "
				    "block scalar header");
		} else if (in && Y.spans[k].kind != SPAN_PLAIN)
			;
		else if (c == '\n' || c == '\r')
			comment = 0;
		else if (comment)
			;
		else if (c == '#' && !in && strchr(" \n\r[]{},\"'", prev))
			comment = 1;
		else if (c == '\t')
			dieat(line, col, "found character '\\t' that cannot "
			    "start any token");
		/* A byte order mark is no character to libyaml. */
		if (bi == 0 && n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
			bi = 3;
			continue;
		}
		prev = c;
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
	for (i = 0; i < off && i < Y.in.len;) {
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
int
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
void
flowcheck(const yaml_event_t *ev, int inseq)
{
	const char *d = Y.in.data, *q;
	size_t i, end, n = Y.in.len;
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
size_t
byteat(size_t index)
{
	const unsigned char *d = (const unsigned char *)Y.in.data;
	size_t n = Y.in.len;

	if (Y.ascii)
		return index;
	if (Y.curc == 0 && Y.curb == 0 && n >= 3 &&
	    memcmp(d, "\xef\xbb\xbf", 3) == 0)
		Y.curb = 3;
	if (index < Y.curc)
		return SIZE_MAX;
	while (Y.curc < index && Y.curb < n) {
		Y.curb = nextchar(Y.curb);
		Y.curc++;
	}
	return Y.curb;
}

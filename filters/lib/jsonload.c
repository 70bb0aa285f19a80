/*
 * Located JSON loading: a file parsed with cJSON, a syntax error named by
 * its line and column, a wrong structure by the JSON pointer (RFC 6901)
 * of the value at fault, so that every program points at a JSON problem
 * the same way: "prog: file:3:17: invalid JSON", "prog: file:
 * /required_by_step/implement/2/path_pattern: not a string".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hf.h"

static int
hex4(const char *s, unsigned *v)
{
	int i, c;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = s[i];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	return 1;
}

/*
 * Python's surrogateescape writes a byte that is not UTF-8 as a lone low
 * surrogate, \udc80 to \udcff, and json.dumps writes it escaped; that is
 * how treehash and Python's os.fsdecode keep odd file names.  cJSON
 * refuses such an escape, but takes any byte inside a string, so each
 * one is rewritten in place before parsing: with raw set, to the byte it
 * stands for (the string gets shorter); else to "\u00XX", as long as the
 * escape, so that the offsets of a syntax error stay those of the file.
 * Returns the new length, and whether any escape was rewritten in *any.
 */
static size_t
lonesurrogates(char *s, size_t len, int raw, int *any)
{
	size_t r = 0, w = 0;
	int instr = 0, high = 0;
	unsigned v;

	*any = 0;
	while (r < len) {
		if (!instr || s[r] == '"' || s[r] != '\\' || r + 1 >= len) {
			if (s[r] == '"')
				instr = !instr;
			high = 0;
			s[w++] = s[r++];
			continue;
		}
		if (s[r + 1] != 'u' || r + 6 > len || !hex4(s + r + 2, &v)) {
			high = 0;
			s[w++] = s[r++];
			s[w++] = s[r++];
			continue;
		}
		if (!high && v >= 0xdc80 && v <= 0xdcff) {
			*any = 1;
			if (raw)
				s[w++] = (char)(v & 0xff);
			else {
				memmove(s + w, "\\u00", 4);
				s[w + 4] = s[r + 4];
				s[w + 5] = s[r + 5];
				w += 6;
			}
			r += 6;
			continue;
		}
		high = v >= 0xd800 && v <= 0xdbff;
		memmove(s + w, s + r, 6);
		w += 6;
		r += 6;
	}
	s[w] = '\0';
	return w;
}

/* The line and column (bytes, from 1) of offset off of s. */
static void
locate(const char *s, size_t off, unsigned long *line, unsigned long *col)
{
	const char *p, *nl;

	*line = 1;
	for (p = s; (nl = memchr(p, '\n', (size_t)(s + off - p))) != NULL;
	    p = nl + 1)
		++*line;
	*col = (unsigned long)(s + off - p) + 1;
}

/*
 * Parse len bytes of s (NUL-terminated) that must hold one JSON value
 * and nothing but white space after it; NULL and the offset of the
 * error, or the tree.  cJSON stops at arrays and objects nested deeper
 * than CJSON_NESTING_LIMIT (1000) with a syntax error, which is the
 * depth limit the programs' manuals state.
 */
static cJSON *
parse(const char *s, size_t len, size_t *erroff)
{
	const char *end = NULL, *nul;
	cJSON *root;

	/* cJSON would take a NUL byte for the end of the text. */
	if ((nul = memchr(s, '\0', len)) != NULL) {
		*erroff = (size_t)(nul - s);
		return NULL;
	}
	if ((root = cJSON_ParseWithLengthOpts(s, len + 1, &end, 1)) != NULL)
		return root;
	if (end == NULL)
		end = cJSON_GetErrorPtr();
	*erroff = end != NULL && end >= s && end <= s + len ?
	    (size_t)(end - s) : len;
	return NULL;
}

cJSON *
hf_json_parse(const char *s, size_t len, size_t *erroff)
{
	cJSON *root;
	size_t n, off;
	char *copy;
	int any;

	copy = hf_strndup(s, len);
	n = lonesurrogates(copy, len, 0, &any);
	if ((root = parse(copy, n, &off)) == NULL) {
		if (erroff != NULL)
			*erroff = off;
		free(copy);
		return NULL;
	}
	if (any) {
		/* Valid with the escapes, so valid with their bytes. */
		cJSON_Delete(root);
		memcpy(copy, s, len);
		n = lonesurrogates(copy, len, 1, &any);
		if ((root = parse(copy, n, &off)) == NULL)
			hf_die(HF_EUSAGE, "out of memory");
	}
	free(copy);
	return root;
}

cJSON *
hf_json_load(const char *path, size_t max, int status)
{
	struct hf_buf b;
	unsigned long line, col;
	size_t off;
	cJSON *root;

	hf_readmax(path, &b, max, status);
	if ((root = hf_json_parse(b.data, b.len, &off)) == NULL) {
		locate(b.data, off, &line, &col);
		hf_dieat(status, b.name, line, col, "invalid JSON");
	}
	hf_buffree(&b);
	return root;
}

/* Append one reference token of a JSON pointer, '~' and '/' escaped. */
static void
token(struct hf_str *p, const char *k)
{
	hf_straddc(p, '/');
	for (; *k != '\0'; k++) {
		if (*k == '~')
			hf_straddstr(p, "~0");
		else if (*k == '/')
			hf_straddstr(p, "~1");
		else
			hf_straddc(p, *k);
	}
}

/*
 * Append the JSON pointer of node below at to p, which holds at's own;
 * returns 1 when node was found, else leaves p as it was.
 */
static int
findptr(struct hf_str *p, const cJSON *at, const cJSON *node)
{
	const cJSON *c;
	size_t mark = p->len, i = 0;
	char idx[24];

	if (at == node)
		return 1;
	for (c = at->child; c != NULL; c = c->next, i++) {
		if (cJSON_IsObject(at) && c->string != NULL)
			token(p, c->string);
		else {
			snprintf(idx, sizeof(idx), "%zu", i);
			token(p, idx);
		}
		if (findptr(p, c, node))
			return 1;
		p->len = mark;
		p->s[mark] = '\0';
	}
	return 0;
}

void
hf_json_pointer(struct hf_str *p, const cJSON *root, const cJSON *node)
{
	findptr(p, root, node);
}

void
hf_json_dieat(int status, const char *file, const cJSON *root,
    const cJSON *node, const char *key, const char *fmt, ...)
{
	struct hf_str m = { 0 };
	char buf[1024];
	va_list ap;

	hf_json_pointer(&m, root, node);
	if (key != NULL)
		token(&m, key);
	if (m.len > 0)
		hf_straddstr(&m, ": ");
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hf_straddstr(&m, buf);
	hf_dieat(status, file, 0, 0, "%s", m.s);
}

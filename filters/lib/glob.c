/*
 * Glob matching with Python's fnmatch.fnmatchcase semantics, which the
 * artifact manifests were written for: '*' crosses '/', there are no
 * backslash escapes, and a '[' without its ']' is an ordinary character.
 * fnmatch(3) differs in those corners (and in character classes such as
 * "[[:alpha:]]"), so the manifests get a matcher of their own.
 *
 * Python matches characters, not bytes: a UTF-8 sequence counts as one
 * character, and a byte that is not UTF-8 as one character of its own.
 */
#include <string.h>

#include "hf.h"

/*
 * Decode the character at s; returns its length in bytes. A byte that
 * does not start well-formed UTF-8 (as strictly as Python decodes it) is
 * a character of its own, as Python's surrogateescape makes it: then a
 * string decodes one way only, and equal characters are equal bytes,
 * which lets callers compare literal text bytewise. The terminating NUL
 * stops the decoder before it reads past the string.
 */
static size_t
nextc(const unsigned char *s, unsigned *cp)
{
	size_t n;

	if ((n = hf_utf8dec(s, 4, cp)) > 0)
		return n;
	*cp = 0xdc00 | s[0];
	return 1;
}

/*
 * Match one bracket expression starting at p (just past '[') against the
 * character c. Returns the position after the closing ']' and sets *ok,
 * or NULL when the bracket has no closing ']' and so is literal.
 */
static const unsigned char *
bracket(const unsigned char *p, unsigned c, int *ok)
{
	const unsigned char *q = p;
	unsigned lo, hi;
	int neg = 0, hit = 0;

	if (*q == '!') {
		neg = 1;
		q++;
	}
	/* A ']' first in the set is a member, as in Python. */
	if (*q == ']')
		q++;
	while (*q != '\0' && *q != ']')
		q++;
	if (*q == '\0')
		return NULL;
	q = p + neg;
	do {
		q += nextc(q, &lo);
		hi = lo;
		if (q[0] == '-' && q[1] != ']' && q[1] != '\0') {
			q++;
			q += nextc(q, &hi);
		}
		/* An empty range such as "z-a" matches nothing. */
		if (lo <= c && c <= hi)
			hit = 1;
	} while (*q != ']');
	*ok = hit != neg;
	return q + 1;
}

int
hf_fnmatch(const char *pattern, const char *string)
{
	const unsigned char *p = (const unsigned char *)pattern;
	const unsigned char *s = (const unsigned char *)string;
	const unsigned char *star = NULL, *mark = NULL, *after;
	unsigned c, pc;
	size_t n;
	int ok;

	/*
	 * Classic single-star backtracking: since '*' matches every
	 * character, only the most recent star ever needs to be retried.
	 */
	while (*s != '\0') {
		n = nextc(s, &c);
		if (*p == '*') {
			while (*p == '*')
				p++;
			star = p;
			mark = s;
			continue;
		}
		if (*p == '?') {
			p++;
			s += n;
			continue;
		}
		if (*p == '[' && (after = bracket(p + 1, c, &ok)) != NULL) {
			if (ok) {
				p = after;
				s += n;
				continue;
			}
		} else if (*p != '\0') {
			size_t pn = nextc(p, &pc);

			if (pc == c) {
				p += pn;
				s += n;
				continue;
			}
		}
		if (star == NULL)
			return 0;
		p = star;
		mark += nextc(mark, &c);
		s = mark;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/*
 * The growing string buffer every filter builds its output in, and the
 * UTF-8 decoder that the JSON writer and the diagnostics share.
 */
#include <stdlib.h>
#include <string.h>

#include "hf.h"

/*
 * Room for n more bytes and a NUL: exactly when reserving, else by
 * doubling, as appends come one after another.
 */
static void
grow(struct hf_str *b, size_t n, int reserving)
{
	size_t need, cap;

	if (n > SIZE_MAX - b->len - 1)
		hf_die(HF_EUSAGE, "out of memory");
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	cap = need;
	if (!reserving) {
		cap = b->cap > 0 ? b->cap : 256;
		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	}
	if (b->mapped > 0 || reserving)
		b->s = hf_bigrealloc(b->s, b->len, &cap, &b->mapped);
	else
		b->s = hf_realloc(b->s, cap);
	b->cap = cap;
}

void
hf_strreserve(struct hf_str *b, size_t n)
{
	grow(b, n, 1);
}

void
hf_stradd(struct hf_str *b, const void *p, size_t n)
{
	if (n >= b->cap - b->len)
		grow(b, n, 0);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
hf_straddc(struct hf_str *b, int c)
{
	char ch = (char)c;

	hf_stradd(b, &ch, 1);
}

void
hf_straddstr(struct hf_str *b, const char *s)
{
	hf_stradd(b, s, strlen(s));
}

void
hf_strfree(struct hf_str *b)
{
	hf_bigfree(b->s, b->mapped);
	b->s = NULL;
	b->len = b->cap = b->mapped = 0;
}

/*
 * qsort passes pointers to the elements, here pointers to strings: handing
 * it strcmp itself would compare the bytes of the pointers.
 */
int
hf_strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Decode one UTF-8 sequence at s (n bytes available). Returns its length
 * and stores the code point, or returns 0 when the first byte does not
 * start a well-formed sequence: overlong forms, encoded surrogates and
 * values past U+10FFFF are rejected, as Python's decoder rejects them.
 */
size_t
hf_utf8dec(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

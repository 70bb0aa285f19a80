/*
 * Constructing: scalars as PyYAML's SafeConstructor builds them, each
 * with its JSON text and its identity for key equality (see enum kclass):
 * integers of any size, floats with Python's repr, timestamps as
 * isoformat() prints them, base64; and collections, in the order
 * PyYAML's generators build them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml2json.h"

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
	struct big *b = &Y.bigs[0], *part = &Y.bigs[1];
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
	struct big *base = &Y.bigs[2];
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

int
isscalartag(int tag)
{
	return tag <= T_STR;
}

/* Construct a scalar node now, or queue a collection for later. */
void
cobj(struct node *n)
{
	if (n->started)
		return;
	n->started = 1;
	if (n->tag >= T_MERGE)
		dienode(n, "could not determine a constructor for the tag "
		    "'%s'", tagname(n));
	if (!isscalartag(n->tag)) {
		nvpush(&Y.queue, n);
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
void
construct(struct node *root)
{
	struct node *n;
	size_t qi, i;

	cobj(root);
	for (qi = 0; qi < Y.queue.n; qi++) {
		n = Y.queue.v[qi];
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

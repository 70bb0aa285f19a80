/*
 * The JSON writer: values printed byte for byte as Python prints them with
 * json.dumps(obj, indent=2) or with separators=(",", ":"), ensure_ascii
 * on, either as they come (hf_jw_*) or from a cJSON tree (hf_json_dump).
 * The package files are compared with files Python wrote, so every detail
 * here (the escapes, the float repr, the empty containers) is Python's,
 * not cJSON's.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hf.h"

static void
addu(struct hf_str *b, unsigned u)
{
	char esc[16];

	snprintf(esc, sizeof(esc), "\\u%04x", u);
	hf_stradd(b, esc, 6);
}

void
hf_json_string(struct hf_str *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run, k;
	unsigned cp;

	hf_straddc(b, '"');
	while (i < n) {
		/* Copy runs of plain printable ASCII in one call. */
		for (run = i; run < n && s[run] >= 0x20 && s[run] < 0x7f &&
		    s[run] != '"' && s[run] != '\\'; run++)
			;
		if (run > i) {
			hf_stradd(b, s + i, run - i);
			i = run;
			continue;
		}
		switch (s[i]) {
		case '"':
			hf_stradd(b, "\\\"", 2);
			i++;
			continue;
		case '\\':
			hf_stradd(b, "\\\\", 2);
			i++;
			continue;
		case '\b':
			hf_stradd(b, "\\b", 2);
			i++;
			continue;
		case '\f':
			hf_stradd(b, "\\f", 2);
			i++;
			continue;
		case '\n':
			hf_stradd(b, "\\n", 2);
			i++;
			continue;
		case '\r':
			hf_stradd(b, "\\r", 2);
			i++;
			continue;
		case '\t':
			hf_stradd(b, "\\t", 2);
			i++;
			continue;
		}
		if ((k = hf_utf8dec(s + i, n - i, &cp)) == 0) {
			/* Python's surrogateescape: one lone surrogate a byte. */
			addu(b, 0xdc00 | s[i]);
			i++;
			continue;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			addu(b, 0xd800 | (cp >> 10));
			addu(b, 0xdc00 | (cp & 0x3ff));
		} else
			addu(b, cp);
		i += k;
	}
	hf_straddc(b, '"');
}

#define QUOTE_MAX	64

char *
hf_quoten(const char *s, size_t len)
{
	struct hf_str b = { 0 };

	hf_json_string(&b, s, len > QUOTE_MAX ? QUOTE_MAX : len);
	if (len > QUOTE_MAX)
		hf_straddstr(&b, "...");
	return b.s;
}

char *
hf_quote(const char *s)
{
	return hf_quoten(s, strlen(s));
}

/*
 * Python's float repr: the shortest digit string that reads back as the
 * same double, in positional notation for decimal exponents from -4 to 15
 * and in scientific notation with at least two exponent digits otherwise.
 */
void
hf_float_repr(double d, char out[32])
{
	char buf[40], digits[24], *p;
	int prec, exp, nd, i, o = 0;

	if (isnan(d)) {
		strcpy(out, "NaN");
		return;
	}
	if (isinf(d)) {
		strcpy(out, d < 0 ? "-Infinity" : "Infinity");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	p = buf;
	if (*p == '-') {
		out[o++] = '-';
		p++;
	}
	for (nd = 0; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	exp = atoi(p + 1);
	if (exp >= -4 && exp < 16) {
		if (exp < 0) {
			out[o++] = '0';
			out[o++] = '.';
			for (i = -1; i > exp; i--)
				out[o++] = '0';
			for (i = 0; i < nd; i++)
				out[o++] = digits[i];
		} else {
			for (i = 0; i <= exp; i++)
				out[o++] = i < nd ? digits[i] : '0';
			out[o++] = '.';
			if (nd > exp + 1)
				for (i = exp + 1; i < nd; i++)
					out[o++] = digits[i];
			else
				out[o++] = '0';
		}
		out[o] = '\0';
	} else {
		out[o++] = digits[0];
		if (nd > 1) {
			out[o++] = '.';
			for (i = 1; i < nd; i++)
				out[o++] = digits[i];
		}
		snprintf(out + o, 32 - o, "e%c%02d", exp < 0 ? '-' : '+',
		    exp < 0 ? -exp : exp);
	}
}

/*
 * The streaming writer.  It lays values out as json.dumps does: with an
 * indent, a newline and the indentation before every member and before
 * the closing bracket of a container that has members, ": " after keys
 * and "," at line ends; without one, "," and ":" alone.  It holds no
 * stack: what a member needs to know of its container is whether it is
 * the first one, and the caller names the bracket it closes.
 */
void
hf_jw_init(struct hf_jw *w, struct hf_str *b, int indent)
{
	*w = (struct hf_jw){ .b = b, .indent = indent };
}

static void
newline(struct hf_jw *w, int level)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)w->indent * (size_t)level, k;

	if (w->indent == 0)
		return;
	hf_straddc(w->b, '\n');
	for (; n > 0; n -= k) {
		k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		hf_stradd(w->b, spaces, k);
	}
}

/* What goes before a value: nothing after its key, else a member's lead. */
static void
lead(struct hf_jw *w)
{
	if (w->afterkey) {
		w->afterkey = 0;
		return;
	}
	if (w->level == 0)
		return;
	if (!w->first)
		hf_straddc(w->b, ',');
	w->first = 0;
	newline(w, w->level);
}

void
hf_jw_open(struct hf_jw *w, int bracket)
{
	lead(w);
	hf_straddc(w->b, bracket);
	w->level++;
	w->first = 1;
}

void
hf_jw_close(struct hf_jw *w, int bracket)
{
	w->level--;
	if (!w->first)
		newline(w, w->level);
	w->first = 0;
	hf_straddc(w->b, bracket);
}

void
hf_jw_key(struct hf_jw *w, const char *s, size_t n)
{
	lead(w);
	hf_json_string(w->b, s, n);
	if (w->indent > 0)
		hf_stradd(w->b, ": ", 2);
	else
		hf_straddc(w->b, ':');
	w->afterkey = 1;
}

void
hf_jw_str(struct hf_jw *w, const char *s, size_t n)
{
	lead(w);
	hf_json_string(w->b, s, n);
}

void
hf_jw_raw(struct hf_jw *w, const char *s, size_t n)
{
	lead(w);
	hf_stradd(w->b, s, n);
}

void
hf_jw_uint(struct hf_jw *w, uint64_t v)
{
	char num[24];

	hf_jw_raw(w, num, (size_t)snprintf(num, sizeof(num), "%" PRIu64, v));
}

static void
number(struct hf_jw *w, double d)
{
	char buf[32];

	/* Integral values within a double's exact range print as ints. */
	if (d == floor(d) && fabs(d) < 9007199254740992.0) {
		snprintf(buf, sizeof(buf), "%.0f", d);
		if (strcmp(buf, "-0") == 0)
			strcpy(buf, "0");
	} else
		hf_float_repr(d, buf);
	hf_jw_raw(w, buf, strlen(buf));
}

static void
dump(struct hf_jw *w, const cJSON *item)
{
	const cJSON *c;
	int obj;

	switch (item->type & 0xff) {
	case cJSON_False:
		hf_jw_raw(w, "false", 5);
		return;
	case cJSON_True:
		hf_jw_raw(w, "true", 4);
		return;
	case cJSON_NULL:
		hf_jw_raw(w, "null", 4);
		return;
	case cJSON_Number:
		number(w, item->valuedouble);
		return;
	case cJSON_Raw:
		hf_jw_raw(w, item->valuestring, strlen(item->valuestring));
		return;
	case cJSON_String:
		hf_jw_str(w, item->valuestring, strlen(item->valuestring));
		return;
	case cJSON_Array:
	case cJSON_Object:
		break;
	default:
		hf_die(HF_EUSAGE, "JSON writer: invalid node type %d",
		    item->type);
	}
	obj = (item->type & 0xff) == cJSON_Object;
	hf_jw_open(w, obj ? '{' : '[');
	for (c = item->child; c != NULL; c = c->next) {
		if (obj)
			hf_jw_key(w, c->string, strlen(c->string));
		dump(w, c);
	}
	hf_jw_close(w, obj ? '}' : ']');
}

void
hf_json_dump(struct hf_str *b, const cJSON *item, int indent)
{
	struct hf_jw w;

	hf_jw_init(&w, b, indent);
	dump(&w, item);
}

void
hf_json_print(const cJSON *item, int indent)
{
	struct hf_str b = { 0 };

	hf_json_dump(&b, item, indent);
	hf_straddc(&b, '\n');
	hf_write(b.s, b.len);
	hf_strfree(&b);
}

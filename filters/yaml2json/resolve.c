/*
 * Resolving: the tag of a plain scalar, by PyYAML's implicit resolvers
 * for YAML 1.1, each regular expression written out by hand; and the
 * names of explicit tags.
 */
#include <stdio.h>
#include <string.h>

#include "yaml2json.h"

static const char tagpfx[] = "tag:yaml.org,2002:";

/*
 * Python's "$" also matches before a final newline, which only matters
 * for scalars tagged "!"; rmatch() gives that.
 */
int
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

int
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
int
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
int
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
int
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

const char *
tagname(const struct node *n)
{
	static const char *const names[] = {
		"null", "bool", "int", "float", "binary", "timestamp", "str",
		"seq", "map", "set", "omap", "pairs", "merge", "value"
	};
	static char buf[64];
	size_t i;

	if (n->tag == T_OTHER) {
		for (i = 0; i < Y.notag; i++)
			if (Y.otags[i].node == n)
				return Y.otags[i].name;
		return "";
	}
	snprintf(buf, sizeof(buf), "%s%s", tagpfx, names[n->tag]);
	return buf;
}

const char *
kindname(int kind)
{
	return kind == K_SCALAR ? "scalar" : kind == K_SEQ ? "sequence" :

	    "mapping";
}

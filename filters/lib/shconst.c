/*
 * The constants of a generate.sh: NAME='value' lines as handoff's
 * template writes them, and as other generators write them (in double
 * quotes, or bare).  Written and read here, so that what template puts
 * in a script is what check and the probe read back.
 */
#include <stdlib.h>
#include <string.h>

#include "hf.h"

void
hf_shquoted(struct hf_str *out, const char *v)
{
	for (; *v != '\0'; v++)
		if (*v == '\'')
			hf_straddstr(out, "'\\''");
		else
			hf_straddc(out, *v);
}

/*
 * The value of a line NAME=..., taken from a line that starts with the
 * name: single quotes with '\'' for a quote inside, as hf_shquoted
 * writes; or double quotes, or nothing, taken as they stand.
 */
char *
hf_shconst(const char *text, size_t len, const char *name)
{
	struct hf_buf b = { (char *)text, len, "", 0 };
	struct hf_line l = { 0 };
	struct hf_str v = { 0 };
	size_t pos = 0, n = strlen(name), i;
	const char *s;

	while (hf_nextline(&b, &pos, &l)) {
		if (l.len <= n || memcmp(l.s, name, n) != 0 || l.s[n] != '=')
			continue;
		s = l.s + n + 1;
		len = l.len - n - 1;
		if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
			return hf_strndup(s + 1, len - 2);
		if (len == 0 || s[0] != '\'')
			return hf_strndup(s, len);
		/* 'a'\''b': quoted runs, each escaped quote between two. */
		for (i = 1; i < len; i++) {
			if (s[i] != '\'')
				hf_straddc(&v, s[i]);
			else if (i + 3 < len && memcmp(s + i, "'\\''", 4) == 0) {
				hf_straddc(&v, '\'');
				i += 3;
			}
		}
		hf_straddc(&v, '\0');
		return v.s;
	}
	return NULL;
}

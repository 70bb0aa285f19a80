/*
 * Located JSON loading: a syntax error is reported at its line and
 * column, and the lone surrogate escapes that Python writes for file name
 * bytes that are not UTF-8 are read back as those bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "treehash.h"

/* Line and column of a byte offset, for JSON syntax errors. */
static void
locate(const char *text, size_t off, unsigned long *line, unsigned long *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && text[i] != '\0'; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

static int
hex4(const char *s, unsigned *v)
{
	int i, d;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return 0;
		*v = *v * 16 + (unsigned)d;
	}
	return 1;
}

/*
 * Python writes a file name byte that is not UTF-8 as a lone surrogate
 * escape, \udc80 to \udcff, which cJSON refuses. Rewrite each such escape
 * that is not the second half of a surrogate pair, in place: to \u00XX
 * (same length, so syntax errors keep their columns) when raw is 0, or to
 * the raw byte itself when raw is 1. Returns the new length.
 */
static size_t
lonesurrogates(char *s, size_t len, int raw)
{
	size_t r = 0, w = 0;
	int instr = 0, high = 0;
	unsigned v;

	while (r < len) {
		if (!instr) {
			if (s[r] == '"')
				instr = 1;
			s[w++] = s[r++];
			continue;
		}
		if (s[r] == '"') {
			instr = 0;
			high = 0;
			s[w++] = s[r++];
			continue;
		}
		if (s[r] != '\\' || r + 1 >= len) {
			high = 0;
			s[w++] = s[r++];
			continue;
		}
		if (s[r + 1] != 'u' || r + 6 > len ||
		    !hex4(s + r + 2, &v)) {
			high = 0;
			s[w++] = s[r++];
			s[w++] = s[r++];
			continue;
		}
		if (!high && v >= 0xdc80 && v <= 0xdcff) {
			if (raw)
				s[w++] = (char)(v & 0xff);
			else {
				memcpy(s + w, "\\u00", 4);
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

/*
 * Parse a JSON file of at most max bytes with cJSON. A syntax error is
 * reported at its line and column; lone surrogate escapes survive as the
 * bytes they stand for.
 */
cJSON *
loadjson(const char *path, struct hf_buf *b, size_t max)
{
	cJSON *root;
	const char *end = NULL;
	char *copy;
	unsigned long line, col;
	size_t n;

	hf_readmax(path, b, max, HF_EDATA);
	copy = hf_malloc(b->len + 1);
	memcpy(copy, b->data, b->len + 1);
	n = lonesurrogates(copy, b->len, 0);
	if ((root = cJSON_ParseWithLengthOpts(copy, n + 1, &end, 1)) == NULL) {
		if (end == NULL)
			end = cJSON_GetErrorPtr();
		locate(copy, end != NULL ? (size_t)(end - copy) : 0, &line,
		    &col);
		hf_dieat(HF_EDATA, b->name, line, col, "invalid JSON");
	}
	cJSON_Delete(root);
	free(copy);
	n = lonesurrogates(b->data, b->len, 1);
	if ((root = cJSON_ParseWithLengthOpts(b->data, n + 1, NULL, 1)) == NULL)
		hf_die(HF_EUSAGE, "%s: out of memory", b->name);
	return root;
}

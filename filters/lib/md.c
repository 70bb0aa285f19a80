/*
 * Markdown output: text and code spans that show a string exactly as it
 * is, in running text and in GitHub-flavoured Markdown table cells.
 *
 * The package's Markdown files quote names that come from outside
 * (artifact keys, path patterns, test descriptions); a '|' or a backtick
 * in one must neither break a table nor start markup.
 */
#include <string.h>

#include "hf.h"

void
hf_md_text(struct hf_str *o, const char *s)
{
	size_t len = strlen(s), lo, hi, i;

	/* A table cell trims blanks at either end; references survive. */
	for (lo = 0; lo < len && s[lo] == ' '; lo++)
		continue;
	for (hi = len; hi > lo && s[hi - 1] == ' '; hi--)
		continue;
	for (i = 0; i < len; i++) {
		if (i < lo || i >= hi) {
			hf_straddstr(o, "&#32;");
			continue;
		}
		if (strchr("\\`*_[]<>&~|", s[i]) != NULL)
			hf_straddc(o, '\\');
		hf_straddc(o, s[i]);
	}
}

void
hf_md_code(struct hf_str *o, const char *s, int intable)
{
	size_t len = strlen(s), run = 0, maxrun = 0, bs = 0, i;
	int pad, blank = 1;

	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > maxrun)
			maxrun = run;
		if (s[i] != ' ')
			blank = 0;
		/*
		 * GFM unescapes "\|" in a cell before it parses the code
		 * span, so after an odd run of backslashes no escape gives
		 * the '|' back; escaped text can.
		 */
		if (intable && s[i] == '|' && bs % 2 == 1) {
			hf_md_text(o, s);
			return;
		}
		bs = s[i] == '\\' ? bs + 1 : 0;
	}
	/* There is no empty code span, and a blank one loses its spaces. */
	if (blank) {
		hf_md_text(o, s);
		return;
	}
	/* CommonMark strips one space on each side when both have one. */
	pad = s[0] == '`' || s[0] == ' ' || s[len - 1] == '`' ||
	    s[len - 1] == ' ';
	for (i = 0; i <= maxrun; i++)
		hf_straddc(o, '`');
	if (pad)
		hf_straddc(o, ' ');
	for (i = 0; i < len; i++) {
		if (intable && s[i] == '|')
			hf_straddc(o, '\\');
		hf_straddc(o, s[i]);
	}
	if (pad)
		hf_straddc(o, ' ');
	for (i = 0; i <= maxrun; i++)
		hf_straddc(o, '`');
}

/*
 * evlog.c: comparing an event log with the copy committed in a package.
 *
 * A log only grows: events are appended, never edited or reordered.  So
 * the committed copy is either the log itself, a prefix of it (events
 * appended since the handoff), or a sign that history was rewritten, at
 * the first line where the two part.  Both are read in blocks with
 * pread, so memory stays flat whatever their size.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

#define EVLOG_BLOCK	(256UL * 1024)
/* The longest committed line whose event_id is shown. */
#define EVLOG_LINE_MAX	(4UL * 1024 * 1024)

/*
 * Read n bytes at offset off of the log.  Fewer than its length says
 * means the file changed under us.
 */
static void
readat(const struct hf_evsrc *in, long long off, char *buf, size_t n)
{
	hf_preadall(in->fd, buf, n, (off_t)(in->start + off), in->name);
}

static int
byteat(const struct hf_evsrc *in, long long off)
{
	char c;

	readat(in, off, &c, 1);
	return (unsigned char)c;
}

static int
lastnl(const struct hf_evsrc *in)
{
	return in->len > 0 && byteat(in, in->len - 1) == '\n';
}

/* The number of newlines from offset off on. */
static size_t
countlines(const struct hf_evsrc *in, long long off)
{
	char *buf, *p, *end;
	size_t n, lines = 0;

	buf = hf_malloc(EVLOG_BLOCK);
	for (; off < in->len; off += (long long)n) {
		n = in->len - off < (long long)EVLOG_BLOCK ?
		    (size_t)(in->len - off) : EVLOG_BLOCK;
		readat(in, off, buf, n);
		for (p = buf, end = buf + n;
		    (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
			lines++;
	}
	free(buf);
	return lines;
}

void
hf_evlog_compare(const struct hf_evsrc *old, const struct hf_evsrc *cur,
    struct hf_evdiff *d)
{
	char *a, *b, *p, *nl;
	long long off = 0, min, start = 0;
	unsigned long line = 1;
	size_t n, i;
	int oldnl = lastnl(old), curnl = lastnl(cur);

	memset(d, 0, sizeof(*d));
	/* Find the first differing byte, counting the committed lines. */
	a = hf_malloc(EVLOG_BLOCK);
	b = hf_malloc(EVLOG_BLOCK);
	min = old->len < cur->len ? old->len : cur->len;
	while (off < min) {
		n = min - off < (long long)EVLOG_BLOCK ?
		    (size_t)(min - off) : EVLOG_BLOCK;
		readat(old, off, a, n);
		readat(cur, off, b, n);
		i = 0;
		if (memcmp(a, b, n) != 0)
			while (a[i] == b[i])
				i++;
		else
			i = n;
		for (p = a; (nl = memchr(p, '\n', (size_t)(a + i - p))) !=
		    NULL; p = nl + 1) {
			line++;
			start = off + (nl - a) + 1;
		}
		off += (long long)i;
		if (i < n)
			break;
	}
	free(a);
	free(b);

	d->kind = HF_EV_REWRITTEN;
	if (off < min)
		;
	else if (old->len == cur->len)
		d->kind = HF_EV_IDENTICAL;
	else if (old->len < cur->len) {
		/* The committed copy ends first: a prefix of the log? */
		if (old->len == 0 || oldnl)
			d->kind = HF_EV_APPENDED;
		else if (byteat(cur, off) == '\n') {
			off++;
			d->kind = off == cur->len ? HF_EV_IDENTICAL :
			    HF_EV_APPENDED;
		}
	} else if (cur->len > 0 && !curnl && byteat(old, off) == '\n') {
		/* The log ends first: the same but for a final newline? */
		if (old->len == cur->len + 1)
			d->kind = HF_EV_IDENTICAL;
		line++;
		start = off + 1;
	}
	if (d->kind == HF_EV_APPENDED) {
		d->appended = countlines(cur, off);
		if (!curnl)
			d->appended++;
	} else if (d->kind == HF_EV_REWRITTEN) {
		d->line = line;
		d->linestart = start;
	}
}

void
hf_evlog_id(struct hf_str *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i] > ' ' && s[i] <= '~'; i++)
		;
	if (i == len && len > 0)
		hf_stradd(out, s, len);
	else
		hf_json_string(out, s, len);
}

/*
 * The event_id of the committed line at offset start, as hf_evlog_id
 * shows it; nothing when the line holds none.
 */
static void
showid(struct hf_str *out, const struct hf_evsrc *old, long long start)
{
	cJSON *ev, *id;
	char *buf, *nl;
	size_t n;

	if (start >= old->len)
		return;
	n = old->len - start < (long long)EVLOG_LINE_MAX ?
	    (size_t)(old->len - start) : EVLOG_LINE_MAX;
	buf = hf_malloc(n + 1);
	readat(old, start, buf, n);
	if ((nl = memchr(buf, '\n', n)) != NULL)
		n = (size_t)(nl - buf);
	ev = cJSON_ParseWithLength(buf, n);
	id = cJSON_GetObjectItemCaseSensitive(ev, "event_id");
	if (cJSON_IsString(id)) {
		hf_straddstr(out, " (event_id ");
		hf_evlog_id(out, id->valuestring, strlen(id->valuestring));
		hf_straddc(out, ')');
	}
	cJSON_Delete(ev);
	free(buf);
}

void
hf_evlog_describe(struct hf_str *out, const struct hf_evsrc *old,
    const struct hf_evdiff *d)
{
	char num[32];

	switch (d->kind) {
	case HF_EV_IDENTICAL:
		hf_straddstr(out, "identical");
		break;
	case HF_EV_APPENDED:
		snprintf(num, sizeof(num), "%zu", d->appended);
		hf_straddstr(out, num);
		hf_straddstr(out, d->appended == 1 ? " event" : " events");
		hf_straddstr(out, " appended since the handoff");
		break;
	case HF_EV_REWRITTEN:
		snprintf(num, sizeof(num), "%lu", d->line);
		hf_straddstr(out, "history rewritten at line ");
		hf_straddstr(out, num);
		showid(out, old, d->linestart);
		break;
	}
}

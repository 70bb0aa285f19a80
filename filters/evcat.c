/*
 * evcat: pass an event log through unchanged, after checking that every
 * line is a JSON object with an event_id of its own; write the bootstrap
 * event when there is no log; or compare a log with a committed copy.
 *
 * Nothing may reach standard output when a line is bad, so the whole
 * input is checked before the first byte is written, and then read a
 * second time to copy it.  A regular file is simply read twice; anything
 * else (a pipe) is copied to an unnamed temporary file during the first
 * pass.  Both passes work in fixed blocks, so memory does not grow with
 * the log as long as its event ids increase, as the ids of real logs do;
 * otherwise a set of the ids is kept from the first one that does not.
 *
 * Each line is first run through a small validator for strict JSON, which
 * is fast and handles every ordinary event.  Whatever it is unsure about
 * goes to cJSON, whose verdict is final, so the set of accepted lines is
 * exactly the set cJSON accepts.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf.h"

/* The longest line accepted, newline excluded; it bounds cJSON's tree. */
#define EVCAT_LINE_MAX	(4UL * 1024 * 1024)
/* Nesting depth of arrays and objects, the same as cJSON's own limit. */
#define EVCAT_DEPTH_MAX	CJSON_NESTING_LIMIT
/* Size of the blocks read and written. */
#define EVCAT_BLOCK	(1024UL * 1024)
/* The most events one log may hold (ids are indexed with 32 bits). */
#define EVCAT_EVENTS_MAX	0xfffffffeUL

#define EXIT_APPENDED	3
#define EXIT_REWRITTEN	4

/*
 * An input after the checking pass: len bytes at offset start of fd,
 * which is the file itself or the temporary copy of a pipe.
 */
struct input {
	const char	*name;
	int		 fd;
	int		 ownfd;		/* fd must be closed */
	FILE		*spool;		/* the temporary copy, or NULL */
	off_t		 start;
	off_t		 len;
	int		 lastnl;	/* the last byte is a newline */
};

/*
 * The set of event ids.  The ids are kept back to back in one arena, a
 * record per id says where; the hash table holds 32 bits of the hash and
 * the record's index in one word, so a probe rarely leaves the table.
 * A ULID costs some 70 to 80 bytes here: its 26 bytes in the arena, a
 * 24-byte record and two to four slots of a table at most half full.
 */
struct idrec {
	size_t		 off;
	size_t		 len;
	unsigned long	 line;
};

struct idset {
	uint64_t	*tab;		/* 0: free; hash << 32 | index + 1 */
	size_t		 cap;		/* a power of two */
	struct idrec	*rec;
	size_t		 nrec;
	size_t		 caprec;
	char		*arena;
	size_t		 arenalen;
	size_t		 arenacap;
};

/* Outcomes of the fast validator. */
enum fast {
	FAST_OK,	/* strict JSON object, event_id found: *id is valid */
	FAST_NOID,	/* strict JSON object without event_id */
	FAST_TWICE,	/* event_id is a member more than once */
	FAST_NOTSTR,	/* event_id is not a string */
	FAST_DEEP,	/* nested deeper than EVCAT_DEPTH_MAX */
	FAST_UNSURE	/* anything else: cJSON decides */
};

/* Bytes that end the plain run of a string: '"', '\\' and controls. */
static unsigned char strstop[256];

static void __attribute__((noreturn))
usage(int status)
{
	hf_usage(status, "usage: evcat [-n] [-A actor] [-b source_branch] "
	    "[-f feature_slug] [-o file]\n"
	    "             [-p project_scope_id] [-s source_commit] [-t at] "
	    "[file]\n"
	    "       evcat -c committed.jsonl [file]\n");
}

static void
initstop(void)
{
	int c;

	for (c = 0; c < 0x20; c++)
		strstop[c] = 1;
	strstop['"'] = 1;
	strstop['\\'] = 1;
}

static void
idgrow(struct idset *set)
{
	uint64_t *old = set->tab, slot;
	size_t oldcap = set->cap, i, j, mask;

	set->cap = oldcap == 0 ? 1024 : oldcap * 2;
	set->tab = hf_calloc(set->cap, sizeof(*set->tab));
	mask = set->cap - 1;
	for (i = 0; i < oldcap; i++) {
		if ((slot = old[i]) == 0)
			continue;
		for (j = (slot >> 32) & mask; set->tab[j] != 0;
		    j = (j + 1) & mask)
			continue;
		set->tab[j] = slot;
	}
	free(old);
}

/*
 * Add an id; returns NULL when it is new, or the record of its first
 * occurrence.
 */
static const struct idrec *
idadd(struct idset *set, const char *s, size_t len, unsigned long line)
{
	struct idrec *r;
	uint64_t h, slot;
	size_t j, mask;

	if (set->nrec == EVCAT_EVENTS_MAX)
		hf_die(HF_EDATA, "more than %lu events", EVCAT_EVENTS_MAX);
	if (2 * (set->nrec + 1) > set->cap)
		idgrow(set);
	mask = set->cap - 1;
	h = hf_hash(s, len) & 0xffffffffULL;
	for (j = h & mask; (slot = set->tab[j]) != 0; j = (j + 1) & mask) {
		if (slot >> 32 != h)
			continue;
		r = &set->rec[(slot & 0xffffffffULL) - 1];
		if (r->len == len && memcmp(set->arena + r->off, s, len) == 0)
			return r;
	}
	if (set->nrec == set->caprec) {
		set->caprec = set->caprec == 0 ? 1024 : set->caprec * 2;
		set->rec = hf_reallocarray(set->rec, set->caprec,
		    sizeof(*set->rec));
	}
	if (set->arenacap - set->arenalen < len) {
		while (set->arenacap - set->arenalen < len)
			set->arenacap = set->arenacap == 0 ? 65536 :
			    set->arenacap * 2;
		set->arena = hf_realloc(set->arena, set->arenacap);
	}
	r = &set->rec[set->nrec];
	r->off = set->arenalen;
	r->len = len;
	r->line = line;
	memcpy(set->arena + set->arenalen, s, len);
	set->arenalen += len;
	set->tab[j] = h << 32 | (uint64_t)++set->nrec;
	return NULL;
}

static void
idfree(struct idset *set)
{
	free(set->tab);
	free(set->rec);
	free(set->arena);
	memset(set, 0, sizeof(*set));
}

/*
 * The fast validator: strict JSON (RFC 8259) for one line that must hold
 * an object.  Everything it accepts, cJSON accepts too; it answers
 * FAST_UNSURE for all it does not handle (syntax errors, but also the
 * laxities cJSON allows, lone surrogate escapes, and keys or ids written
 * with escapes), and the caller then asks cJSON.
 */
#define SKIPWS(p, e) \
	while ((p) < (e) && (*(p) == ' ' || *(p) == '\t' || *(p) == '\r')) \
		(p)++

static const unsigned char *
faststring(const unsigned char *p, const unsigned char *e, int *escaped)
{
	unsigned v;
	int i, c;

	/* p is on the opening quote. */
	for (p++;;) {
		while (p < e && !strstop[*p])
			p++;
		if (p == e || *p < 0x20)
			return NULL;
		if (*p == '"')
			return p + 1;
		/* A backslash. */
		*escaped = 1;
		if (e - p < 2)
			return NULL;
		switch (p[1]) {
		case '"': case '\\': case '/': case 'b':
		case 'f': case 'n': case 'r': case 't':
			p += 2;
			break;
		case 'u':
			if (e - p < 6)
				return NULL;
			v = 0;
			for (i = 2; i < 6; i++) {
				c = p[i];
				v <<= 4;
				if (c >= '0' && c <= '9')
					v |= (unsigned)(c - '0');
				else if (c >= 'a' && c <= 'f')
					v |= (unsigned)(c - 'a' + 10);
				else if (c >= 'A' && c <= 'F')
					v |= (unsigned)(c - 'A' + 10);
				else
					return NULL;
			}
			/* Surrogate pairing is left to cJSON. */
			if (v >= 0xd800 && v <= 0xdfff)
				return NULL;
			p += 6;
			break;
		default:
			return NULL;
		}
	}
}

static const unsigned char *
fastnumber(const unsigned char *p, const unsigned char *e)
{
#define DIGIT(q) ((q) < e && *(q) >= '0' && *(q) <= '9')
	if (p < e && *p == '-')
		p++;
	if (!DIGIT(p))
		return NULL;
	if (*p == '0')
		p++;
	else
		while (DIGIT(p))
			p++;
	if (p < e && *p == '.') {
		p++;
		if (!DIGIT(p))
			return NULL;
		while (DIGIT(p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (!DIGIT(p))
			return NULL;
		while (DIGIT(p))
			p++;
	}
	return p;
#undef DIGIT
}

static enum fast
fastline(const unsigned char *s, size_t n, const char **id, size_t *idlen,
    size_t *col)
{
	static char stack[EVCAT_DEPTH_MAX];
	const unsigned char *p = s, *e = s + n, *q;
	size_t depth = 0;
	int nids = 0, idstr = 0, isid = 0, escaped;

	SKIPWS(p, e);
	if (p == e || *p != '{')
		return FAST_UNSURE;
value:
	SKIPWS(p, e);
	if (p == e)
		return FAST_UNSURE;
	switch (*p) {
	case '{':
	case '[':
		if (depth == EVCAT_DEPTH_MAX) {
			*col = (size_t)(p - s) + 1;
			return FAST_DEEP;
		}
		if (isid)
			nids++;
		isid = 0;
		stack[depth++] = (char)(*p == '{' ? '}' : ']');
		p++;
		SKIPWS(p, e);
		if (p < e && *p == stack[depth - 1]) {
			depth--;
			p++;
			goto after;
		}
		if (stack[depth - 1] == '}')
			goto key;
		goto value;
	case '"':
		escaped = 0;
		if ((q = faststring(p, e, &escaped)) == NULL)
			return FAST_UNSURE;
		if (isid) {
			/* An id written with escapes is decoded by cJSON. */
			if (escaped)
				return FAST_UNSURE;
			if (nids++ == 0) {
				idstr = 1;
				*id = (const char *)p + 1;
				*idlen = (size_t)(q - p) - 2;
			}
			isid = 0;
		}
		p = q;
		goto after;
	case 't':
		if (e - p < 4 || memcmp(p, "true", 4) != 0)
			return FAST_UNSURE;
		p += 4;
		break;
	case 'f':
		if (e - p < 5 || memcmp(p, "false", 5) != 0)
			return FAST_UNSURE;
		p += 5;
		break;
	case 'n':
		if (e - p < 4 || memcmp(p, "null", 4) != 0)
			return FAST_UNSURE;
		p += 4;
		break;
	default:
		if ((q = fastnumber(p, e)) == NULL)
			return FAST_UNSURE;
		p = q;
		break;
	}
	if (isid)
		nids++;
	isid = 0;
after:
	SKIPWS(p, e);
	if (depth == 0) {
		if (p != e)
			return FAST_UNSURE;
		goto done;
	}
	if (p == e)
		return FAST_UNSURE;
	if (*p == ',') {
		p++;
		if (stack[depth - 1] == '}')
			goto key;
		goto value;
	}
	if (*p != stack[depth - 1])
		return FAST_UNSURE;
	depth--;
	p++;
	goto after;
key:
	SKIPWS(p, e);
	if (p == e || *p != '"')
		return FAST_UNSURE;
	escaped = 0;
	if ((q = faststring(p, e, &escaped)) == NULL)
		return FAST_UNSURE;
	if (depth == 1) {
		/* A top-level key with escapes might spell "event_id". */
		if (escaped)
			return FAST_UNSURE;
		isid = q - p == 10 && memcmp(p + 1, "event_id", 8) == 0;
	}
	p = q;
	SKIPWS(p, e);
	if (p == e || *p != ':')
		return FAST_UNSURE;
	p++;
	goto value;
done:
	if (nids == 0)
		return FAST_NOID;
	if (nids > 1)
		return FAST_TWICE;
	if (!idstr)
		return FAST_NOTSTR;
	return FAST_OK;
}

/*
 * The depth of nesting just before offset off, counted the simple way
 * (brackets outside strings).  Used to name the reason when cJSON stops
 * at its nesting limit.
 */
static size_t
depthat(const char *s, size_t off)
{
	size_t i, depth = 0;
	int instr = 0;

	for (i = 0; i < off; i++) {
		if (instr) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				instr = 0;
		} else if (s[i] == '"')
			instr = 1;
		else if (s[i] == '[' || s[i] == '{')
			depth++;
		else if ((s[i] == ']' || s[i] == '}') && depth > 0)
			depth--;
	}
	return depth;
}

static void __attribute__((noreturn))
deep(const char *name, unsigned long line, size_t col)
{
	hf_dieat(HF_EDATA, name, line, col, "nested deeper than %d levels",
	    EVCAT_DEPTH_MAX);
}

/*
 * Check one line (without its newline) and return its event id.  *owned
 * tells whether *id was allocated (the slow path) and must be freed.
 */
static void
checkline(const char *name, unsigned long line, const char *s, size_t n,
    const char **id, size_t *idlen, int *owned)
{
	static char *copy;
	static size_t copycap;
	const cJSON *item, *found = NULL;
	cJSON *root;
	const char *endp, *why;
	size_t i, col = 0, errat;
	int nids = 0;

	*owned = 0;
	if (n > EVCAT_LINE_MAX)
		hf_dieat(HF_EDATA, name, line, 0, "line longer than %lu bytes",
		    EVCAT_LINE_MAX);
	/* cJSON counts every byte up to the space as white space. */
	for (i = 0; i < n && (unsigned char)s[i] <= ' '; i++)
		continue;
	if (i == n)
		hf_dieat(HF_EDATA, name, line, 0, "blank line");

	switch (fastline((const unsigned char *)s, n, id, idlen, &col)) {
	case FAST_OK:
		if (*idlen == 0)
			hf_dieat(HF_EDATA, name, line, 0, "empty event_id");
		return;
	case FAST_NOID:
		hf_dieat(HF_EDATA, name, line, 0, "no event_id");
	case FAST_TWICE:
		hf_dieat(HF_EDATA, name, line, 0, "event_id given twice");
	case FAST_NOTSTR:
		hf_dieat(HF_EDATA, name, line, 0, "event_id is not a string");
	case FAST_DEEP:
		deep(name, line, col);
	case FAST_UNSURE:
		break;
	}

	/*
	 * cJSON wants the terminating NUL inside the length to insist that
	 * nothing but white space follows the value.  The copy's buffer is
	 * kept for the next line that needs it.
	 */
	if (n + 1 > copycap) {
		free(copy);
		copycap = n + 1;
		copy = hf_malloc(copycap);
	}
	memcpy(copy, s, n);
	copy[n] = '\0';
	if ((root = cJSON_ParseWithLengthOpts(copy, n + 1, &endp, 1)) ==
	    NULL) {
		endp = cJSON_GetErrorPtr();
		errat = endp != NULL && endp >= copy && endp <= copy + n ?
		    (size_t)(endp - copy) : 0;
		if (errat < n && (copy[errat] == '[' || copy[errat] == '{') &&
		    depthat(copy, errat) >= EVCAT_DEPTH_MAX)
			deep(name, line, errat + 1);
		hf_dieat(HF_EDATA, name, line, errat + 1, "invalid JSON");
	}
	why = NULL;
	if (!cJSON_IsObject(root))
		why = "not a JSON object";
	else {
		for (item = root->child; item != NULL; item = item->next)
			if (item->string != NULL &&
			    strcmp(item->string, "event_id") == 0 &&
			    nids++ == 0)
				found = item;
		if (nids == 0)
			why = "no event_id";
		else if (nids > 1)
			why = "event_id given twice";
		else if (!cJSON_IsString(found))
			why = "event_id is not a string";
		else if (*found->valuestring == '\0')
			why = "empty event_id";
	}
	if (why == NULL) {
		*idlen = strlen(found->valuestring);
		*id = hf_strndup(found->valuestring, *idlen);
		*owned = 1;
	}
	cJSON_Delete(root);
	if (why != NULL)
		hf_dieat(HF_EDATA, name, line, 0, "%s", why);
}


/*
 * Reading.
 */
static void
writeall(int fd, const char *buf, size_t len, const char *what)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			hf_dieio("%s", what);
		}
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Read n bytes at offset off of the checked input.  They were all there
 * in the first pass, so fewer now means the file changed under us.
 */
static void
readat(const struct input *in, off_t off, char *buf, size_t n)
{
	hf_preadall(in->fd, buf, n, in->start + off, in->name);
}

static void
openinput(const char *path, struct input *in)
{
	struct stat st;

	memset(in, 0, sizeof(*in));
	in->name = hf_inname(path);
	if (path == NULL || strcmp(path, "-") == 0)
		in->fd = STDIN_FILENO;
	else if ((in->fd = open(path, O_RDONLY)) == -1)
		hf_dieio("%s", path);
	else
		in->ownfd = 1;
	if (fstat(in->fd, &st) == -1)
		hf_dieio("%s", in->name);
	/*
	 * A regular file can be read again where this pass starts; a pipe
	 * cannot, so what it yields is kept in a temporary file.
	 */
	if (!S_ISREG(st.st_mode) ||
	    (in->start = lseek(in->fd, 0, SEEK_CUR)) == -1) {
		in->start = 0;
		if ((in->spool = tmpfile()) == NULL)
			hf_dieio("temporary file");
	}
}

static void
closeinput(struct input *in)
{
	if (in->spool != NULL)
		fclose(in->spool);
	if (in->ownfd)
		close(in->fd);
	memset(in, 0, sizeof(*in));
}

/*
 * The ids seen so far.  While each id is greater, byte by byte, than the
 * one before, no id can have been seen twice, so only the last one is
 * kept and memory stays flat.  The first id that is not greater turns on
 * the set, which is then filled from the lines already read.
 */
struct ids {
	struct idset	 set;
	int		 useset;
	char		*last;		/* the previous id, while !useset */
	size_t		 lastlen;
	size_t		 lastcap;
};

/* Whether id a is greater than id b in the order of their bytes. */
static int
idgreater(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	c = memcmp(a, b, alen < blen ? alen : blen);
	return c > 0 || (c == 0 && alen > blen);
}

/*
 * Turn on the set of ids: put into it the ids of the lines in the first
 * len bytes, which were checked already and whose ids were all greater
 * than the one before.  They are read again from the file, or from the
 * temporary copy of a pipe, which holds every byte read so far.
 */
static void
refill(const struct input *in, struct ids *ids, off_t len)
{
	struct input src = *in;
	char *buf, *lo, *hi, *nl;
	const char *id;
	const size_t cap = EVCAT_LINE_MAX + 1 + EVCAT_BLOCK;
	unsigned long line = 0;
	size_t n, idlen;
	off_t off;
	int owned;

	if (in->spool != NULL) {
		src.fd = fileno(in->spool);
		src.start = 0;
	}
	buf = hf_malloc(cap);
	lo = hi = buf;
	for (off = 0; off < len; off += (off_t)n) {
		n = len - off < (off_t)EVCAT_BLOCK ? (size_t)(len - off) :
		    EVCAT_BLOCK;
		readat(&src, off, hi, n);
		hi += n;
		while ((nl = memchr(lo, '\n', (size_t)(hi - lo))) != NULL) {
			checkline(in->name, ++line, lo, (size_t)(nl - lo), &id,
			    &idlen, &owned);
			idadd(&ids->set, id, idlen, line);
			if (owned)
				free((char *)id);
			lo = nl + 1;
		}
		memmove(buf, lo, (size_t)(hi - lo));
		hi = buf + (hi - lo);
		lo = buf;
	}
	free(buf);
	free(ids->last);
	ids->last = NULL;
	ids->lastlen = ids->lastcap = 0;
	ids->useset = 1;
}

static void
oneline(const struct input *in, struct ids *ids, unsigned long line,
    const char *s, size_t n, off_t at)
{
	const struct idrec *prev;
	struct hf_str shown = { 0 };
	const char *id;
	size_t idlen;
	int owned;

	checkline(in->name, line, s, n, &id, &idlen, &owned);
	if (!ids->useset) {
		if (line - 1 == EVCAT_EVENTS_MAX)
			hf_die(HF_EDATA, "more than %lu events",
			    EVCAT_EVENTS_MAX);
		if (line == 1 ||
		    idgreater(id, idlen, ids->last, ids->lastlen)) {
			if (idlen > ids->lastcap) {
				free(ids->last);
				ids->lastcap = idlen;
				ids->last = hf_malloc(ids->lastcap);
			}
			memcpy(ids->last, id, idlen);
			ids->lastlen = idlen;
			if (owned)
				free((char *)id);
			return;
		}
		refill(in, ids, at);
	}
	if ((prev = idadd(&ids->set, id, idlen, line)) != NULL) {
		hf_evlog_id(&shown, id, idlen);
		hf_straddc(&shown, '\0');
		hf_dieat(HF_EDATA, in->name, line, 0,
		    "duplicate event_id %s (first on line %lu)", shown.s,
		    prev->line);
	}
	if (owned)
		free((char *)id);
}

/*
 * The checking pass: read the input through once, check every line,
 * and keep a copy in the spool when there is one.  The first bad line
 * ends the program.  Afterwards in->fd is where the bytes can be read
 * again.
 */
static void
checkinput(struct input *in)
{
	static char *buf;
	struct ids ids;
	const size_t cap = EVCAT_LINE_MAX + 1 + 2 * EVCAT_BLOCK;
	char *lo, *hi, *nl;
	unsigned long line = 0;
	size_t got;
	ssize_t r;
	int eof = 0;

	memset(&ids, 0, sizeof(ids));
	/* The buffer is kept: compare mode reads two inputs. */
	if (buf == NULL)
		buf = hf_malloc(cap);
	lo = hi = buf;
	while (!eof) {
		/*
		 * Read at least a block (a pipe hands out less at a time), so
		 * that lines are scanned and the spool written in large pieces.
		 */
		for (got = 0; got < EVCAT_BLOCK; got += (size_t)r) {
			r = read(in->fd, hi + got, cap - (size_t)(hi - buf) - got);
			if (r == -1) {
				if (errno == EINTR) {
					r = 0;
					continue;
				}
				hf_dieio("%s", in->name);
			}
			if (r == 0) {
				eof = 1;
				break;
			}
		}
		if (got > 0) {
			if (in->spool != NULL)
				writeall(fileno(in->spool), hi, got,
				    "temporary file");
			in->len += (off_t)got;
			in->lastnl = hi[got - 1] == '\n';
			hi += got;
		}
		while ((nl = memchr(lo, '\n', (size_t)(hi - lo))) != NULL) {
			oneline(in, &ids, ++line, lo, (size_t)(nl - lo),
			    in->len - (hi - lo));
			lo = nl + 1;
		}
		if ((size_t)(hi - lo) > EVCAT_LINE_MAX)
			hf_dieat(HF_EDATA, in->name, line + 1, 0,
			    "line longer than %lu bytes", EVCAT_LINE_MAX);
		/* Keep the start of the unfinished line for the next round. */
		memmove(buf, lo, (size_t)(hi - lo));
		hi = buf + (hi - lo);
		lo = buf;
	}
	if (hi > lo)
		oneline(in, &ids, ++line, lo, (size_t)(hi - lo),
		    in->len - (hi - lo));
	idfree(&ids.set);
	free(ids.last);
	if (in->spool != NULL) {
		if (in->ownfd)
			close(in->fd);
		in->fd = fileno(in->spool);
		in->ownfd = 0;
	}
}

/* The second pass: copy the checked input to standard output. */
static void
copyout(const struct input *in)
{
	char *buf;
	off_t off;
	size_t n;

	buf = hf_malloc(EVCAT_BLOCK);
	for (off = 0; off < in->len; off += (off_t)n) {
		n = in->len - off < (off_t)EVCAT_BLOCK ?
		    (size_t)(in->len - off) : EVCAT_BLOCK;
		readat(in, off, buf, n);
		writeall(STDOUT_FILENO, buf, n, "stdout");
	}
	if (in->len > 0 && !in->lastnl)
		writeall(STDOUT_FILENO, "\n", 1, "stdout");
	free(buf);
}

/*
 * One option of the bootstrap event: given, and good by its validator;
 * else say which and why.  Returns 0 when it is bad.
 */
static int
bootopt(const char *v, int opt, const char *name,
    const char *(*bad)(const char *))
{
	if (v == NULL || *v == '\0') {
		hf_warn("the bootstrap event needs %s-%c %s",
		    opt == 'A' ? "a non-empty " : "", opt, name);
		return 0;
	}
	return bad == NULL || !hf_badopt(opt, v, bad);
}

static void
bootstrap(const struct hf_ns *ns, const char *actor)
{
	struct hf_str key = { 0 };
	unsigned char digest[32];
	char iso[21], ulid[27];
	cJSON *ev;
	time_t t;
	unsigned ms = 0;
	int good = 1;

	/* Every problem is named before the exit. */
	good &= bootopt(ns->scope, 'p', "project_scope_id", hf_badscope);
	good &= bootopt(ns->slug, 'f', "feature_slug", hf_badslug);
	good &= bootopt(ns->branch, 'b', "source_branch", hf_badbranch);
	good &= bootopt(ns->commit, 's', "source_commit", hf_badcommit);
	good &= bootopt(actor, 'A', "actor", NULL);
	if (ns->at != NULL)
		good &= bootopt(ns->at, 't', "at", hf_badtime);
	if (!good)
		hf_exit(HF_EUSAGE);
	if (ns->at != NULL)
		hf_parseiso(ns->at, &t, &ms);
	else {
		t = hf_now();
		hf_isotime(t, iso);
	}
	hf_straddstr(&key, ns->scope);
	hf_straddc(&key, '\n');
	hf_straddstr(&key, ns->slug);
	hf_straddc(&key, '\n');
	hf_straddstr(&key, ns->branch);
	hf_straddc(&key, '\n');
	hf_straddstr(&key, ns->commit);
	hf_sha256_raw(key.s, key.len, digest);
	hf_strfree(&key);
	hf_ulid((uint64_t)t * 1000 + ms, digest, ulid);

	/* Keys in sorted order, as json.dumps(sort_keys=True) has them. */
	ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "actor", actor);
	cJSON_AddStringToObject(ev, "at", ns->at != NULL ? ns->at : iso);
	cJSON_AddStringToObject(ev, "event_id", ulid);
	cJSON_AddStringToObject(ev, "event_type", "handoff_package_created");
	cJSON_AddStringToObject(ev, "feature_slug", ns->slug);
	cJSON_AddStringToObject(ev, "source_branch", ns->branch);
	cJSON_AddStringToObject(ev, "source_commit", ns->commit);
	hf_json_print(ev, 0);
	cJSON_Delete(ev);
}

/*
 * Compare the log with the committed copy, both as they would be passed
 * through (so a missing final newline makes no difference), in the
 * library's words, which check uses too.
 */
static int
compare(const char *committed, const char *path)
{
	struct input old, cur;
	struct hf_evsrc a, b;
	struct hf_evdiff d;
	struct hf_str msg = { 0 };

	openinput(committed, &old);
	checkinput(&old);
	openinput(path, &cur);
	checkinput(&cur);
	a = (struct hf_evsrc){ old.name, old.fd, old.start, old.len };
	b = (struct hf_evsrc){ cur.name, cur.fd, cur.start, cur.len };
	hf_evlog_compare(&a, &b, &d);
	hf_evlog_describe(&msg, &a, &d);
	printf("%.*s\n", (int)msg.len, msg.s);
	hf_strfree(&msg);
	closeinput(&old);
	closeinput(&cur);
	return d.kind == HF_EV_IDENTICAL ? HF_OK : d.kind == HF_EV_APPENDED ?
	    EXIT_APPENDED : EXIT_REWRITTEN;
}

int
main(int argc, char *argv[])
{
	struct hf_ns ns = { 0 };
	struct input in;
	const char *committed = NULL, *path = NULL, *actor = "handoff";
	const char *out = NULL;
	int ch, nolog = 0, bootopts = 0;

	hf_setprogname(argv[0]);
	initstop();
	while ((ch = getopt(argc, argv, "A:b:c:f:hno:p:s:t:")) != -1) {
		switch (ch) {
		case 'A':
			actor = optarg;
			break;
		case 'b':
			ns.branch = optarg;
			break;
		case 'c':
			committed = optarg;
			break;
		case 'f':
			ns.slug = optarg;
			break;
		case 'h':
			usage(HF_OK);
		case 'n':
			nolog = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'p':
			ns.scope = optarg;
			break;
		case 's':
			ns.commit = optarg;
			break;
		case 't':
			ns.at = optarg;
			break;
		default:
			usage(HF_EUSAGE);
		}
		if (ch != 'c' && ch != 'n' && ch != 'o')
			bootopts = 1;
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (nolog && argc > 0) ||
	    (committed != NULL && (nolog || bootopts || out != NULL)))
		usage(HF_EUSAGE);
	if (argc == 1)
		path = argv[0];

	if (committed != NULL)
		hf_exit(compare(committed, path));
	if (out != NULL)
		hf_setoutput(out);
	if (nolog) {
		bootstrap(&ns, actor);
		hf_exit(HF_OK);
	}
	openinput(path, &in);
	checkinput(&in);
	if (in.len == 0)
		bootstrap(&ns, actor);
	else
		copyout(&in);
	closeinput(&in);
	hf_exit(HF_OK);
}

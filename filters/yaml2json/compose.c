/*
 * Composing: libyaml's events into a node graph, as PyYAML's composer
 * builds one, with an explicit stack, so that the depth bound is checked
 * before anything deep is built.  Also the memory of a document.
 */
#include <stdlib.h>
#include <string.h>

#include "yaml2json.h"

/*
 * The arena holds what lives as long as a document: nodes, their lists,
 * scalar text and the strings made from it, all freed at once when the
 * document is done or fails.  Its memory comes zeroed.  Nothing in it
 * needs more alignment than a 64-bit integer or a pointer, so it is
 * handed out in units of 8 bytes: nodes and short strings waste less
 * than with max_align_t.
 */
#define AUNIT	8
/* Chunks double from the first size to the last. */
#define CHUNKMIN	((size_t)64 << 10)
#define CHUNKMAX	((size_t)1 << 20)

void *
aalloc(size_t n)
{
	struct chunk *c;
	size_t size, units;
	void *p;

	units = (n + AUNIT - 1) / AUNIT;
	if (units == 0)
		units = 1;
	c = Y.arena;
	if (c == NULL || c->cap - c->used < units) {
		/*
		 * Chunks double, so a small document costs little and a
		 * large one leaves at most one chunk mostly unused.
		 */
		size = c == NULL ? CHUNKMIN : (sizeof(*c) + c->cap * AUNIT) * 2;
		if (size > CHUNKMAX)
			size = CHUNKMAX;
		if ((size - sizeof(*c)) / AUNIT < units)
			size = sizeof(*c) + units * AUNIT;
		c = hf_calloc(1, size);
		c->cap = (size - sizeof(*c)) / AUNIT;
		c->next = Y.arena;
		Y.arena = c;
	}
	p = (char *)c->data + c->used * AUNIT;
	c->used += units;
	return p;
}

char *
astrndup(const char *s, size_t n)
{
	char *p;

	p = aalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
nvpush(struct nvec *nv, struct node *n)
{
	if (nv->n == nv->cap) {
		nv->cap = nv->cap ? nv->cap * 2 : 8;
		nv->v = hf_reallocarray(nv->v, nv->cap, sizeof(*nv->v));
	}
	nv->v[nv->n++] = n;
}

void
amark(struct amark *m)
{
	m->c = Y.arena;
	m->used = m->c != NULL ? m->c->used : 0;
}

/*
 * Give back what the arena handed out since the mark, zeroed again, as
 * the arena hands out zeroed memory; a chunk added since stays.
 */
void
arelease(const struct amark *m)
{
	struct chunk *c = m->c;

	if (c == NULL || c != Y.arena)
		return;
	memset((char *)c->data + m->used * AUNIT, 0,
	    (c->used - m->used) * AUNIT);
	c->used = m->used;
}

/*
 * The same for a list that lives as long as the document: it grows in
 * the arena, where the old room stays until the document is freed.
 */
void
apush(struct nvec *nv, struct node *n)
{
	struct node **v;

	if (nv->n == nv->cap) {
		nv->cap = nv->cap ? nv->cap * 2 : 8;
		v = aalloc(nv->cap * sizeof(*v));
		if (nv->n > 0)
			memcpy(v, nv->v, nv->n * sizeof(*v));
		nv->v = v;
	}
	nv->v[nv->n++] = n;
}

/* Free what one document used. */
void
freedoc(void)
{
	struct chunk *c;

	while ((c = Y.arena) != NULL) {
		Y.arena = c->next;
		free(c);
	}
	free(Y.atab);
	Y.atab = NULL;
	Y.acap = Y.acount = 0;
	Y.queue.n = 0;
	Y.stack.n = 0;
	Y.kids.n = 0;
	Y.budget = 0;
	Y.notag = 0;
}

static struct anchor *
anchorslot(const char *name)
{
	size_t i;

	i = hf_hash(name, strlen(name)) & (Y.acap - 1);
	while (Y.atab[i].name != NULL && strcmp(Y.atab[i].name, name) != 0)
		i = (i + 1) & (Y.acap - 1);
	return &Y.atab[i];
}

static struct node *
anchorget(const char *name)
{
	struct anchor *a;

	if (Y.acount == 0)
		return NULL;
	a = anchorslot(name);
	return a->node;
}

static void
anchorput(const char *name, struct node *n)
{
	struct anchor *old, *a;
	size_t oldcap, i;

	if (anchorget(name) != NULL)
		dienode(n, "found duplicate anchor '%s'", name);
	if ((Y.acount + 1) * 2 > Y.acap) {
		old = Y.atab;
		oldcap = Y.acap;
		Y.acap = Y.acap ? Y.acap * 2 : 64;
		Y.atab = hf_calloc(Y.acap, sizeof(*Y.atab));
		for (i = 0; i < oldcap; i++)
			if (old[i].name != NULL)
				*anchorslot(old[i].name) = old[i];
		free(old);
	}
	a = anchorslot(name);
	a->name = astrndup(name, strlen(name));
	a->node = n;
	Y.acount++;
}

static struct node *
newnode(int kind, const yaml_mark_t *m)
{
	struct node *n;

	n = aalloc(kind == K_SCALAR ? SCALARSIZE : sizeof(*n));
	n->kind = kind;
	n->line = m->line + 1;
	n->col = m->column + 1;
	return n;
}

void
settag(struct node *n, const yaml_char_t *tag, int plainimplicit)
{
	const char *t = (const char *)tag, *name = NULL;

	if (n->kind == K_SCALAR) {
		/*
		 * PyYAML resolves a scalar tagged "!" like a plain one, in
		 * any style; libyaml leaves it implicit only when it is not
		 * empty.
		 */
		if ((t == NULL && plainimplicit) ||
		    (t != NULL && strcmp(t, "!") == 0))
			n->tag = resolve(n->val, n->len, &name);
		else if (t == NULL)
			n->tag = T_STR;
		else
			n->tag = tagid(t);
	} else if (t == NULL || strcmp(t, "!") == 0)
		n->tag = n->kind == K_SEQ ? T_SEQ : T_MAP;
	else
		n->tag = tagid(t);
	if (n->tag != T_OTHER)
		return;
	if (Y.notag == Y.capotag) {
		Y.capotag = Y.capotag ? Y.capotag * 2 : 16;
		Y.otags = hf_reallocarray(Y.otags, Y.capotag,
		    sizeof(*Y.otags));
	}
	Y.otags[Y.notag].node = n;
	Y.otags[Y.notag++].name = name != NULL ? name :
	    astrndup(t, strlen(t));
}

/*
 * Where a scalar's text lives.  A string whose bytes stand as they are
 * in the input, plain or quoted on one line without escapes, is read
 * there: most scalars of a large file are, and a copy of each would
 * cost as much memory as the input again.  Only strings qualify: the
 * constructors of the other tags read their text as a C string, and
 * the input is not NUL-terminated at a scalar's end.  The rest is
 * copied to the arena, so that libyaml's heap stays small and its
 * memory is reused.
 */
char *
scalarval(const struct node *n, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t off, len = ev->data.scalar.length;

	if (n->tag == T_STR && (off = byteat(ev->start_mark.index)) <
	    Y.in.len) {
		if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			off++;
		if (len <= Y.in.len - off &&
		    memcmp(Y.in.data + off, v, len) == 0)
			return Y.in.data + off;
	}
	return astrndup(v, len);
}

/*
 * One document, from its DOCUMENT-START event (already read) to its end.
 * Returns the root node, NULL for an empty document; a direct conversion
 * (see direct.c) returns NULL, having written the document.
 */
struct node *
parsedoc(void)
{
	struct nvec *stack = &Y.stack;
	struct node *n, *p, *root = NULL;
	yaml_event_t *ev;
	const yaml_char_t *anchor;
	size_t k, depth, flowat = 0;
	int done = 0, start, inseq;

	while (!done) {
		ev = nextevent();
		n = NULL;
		anchor = NULL;
		/* The open collections, of the graph or of the output. */
		if (Y.direct)
			depth = directdepth(&inseq);
		else {
			depth = stack->n;
			inseq = depth > 0 && stack->v[depth - 1]->kind == K_SEQ;
		}
		start = ev->type == YAML_SEQUENCE_START_EVENT ||
		    ev->type == YAML_MAPPING_START_EVENT;
		if (flowat > 0 && (ev->type == YAML_SCALAR_EVENT || start))
			flowcheck(ev, inseq);
		/* The depth at which the outermost flow collection began. */
		if (flowat == 0 && ((ev->type == YAML_SEQUENCE_START_EVENT &&
		    ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE) ||
		    (ev->type == YAML_MAPPING_START_EVENT &&
		    ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE)))
			flowat = depth + 1;
		else if (flowat > 0 && (ev->type == YAML_SEQUENCE_END_EVENT ||
		    ev->type == YAML_MAPPING_END_EVENT) && depth == flowat)
			flowat = 0;
		if (start && depth >= MAXDEPTH)
			dieat(ev->start_mark.line + 1, ev->start_mark.column + 1,
			    "nesting deeper than %d levels", MAXDEPTH);
		if (Y.direct) {
			done = direct(ev);
			eventdone();
			continue;
		}
		switch (ev->type) {
		case YAML_SCALAR_EVENT:
			n = newnode(K_SCALAR, &ev->start_mark);
			n->len = ev->data.scalar.length;
			if (Y.nph > 0) {
				n->val = astrndup((char *)ev->data.scalar.value,
				    ev->data.scalar.length);
				phfix(n, ev->data.scalar.style);
			} else
				n->val = (char *)ev->data.scalar.value;
			settag(n, ev->data.scalar.tag,
			    ev->data.scalar.plain_implicit);
			/* Where the text stays depends on its tag. */
			if (Y.nph == 0)
				n->val = scalarval(n, ev);
			addspan(ev);
			anchor = ev->data.scalar.anchor;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (ev->type == YAML_SEQUENCE_START_EVENT) {
				n = newnode(K_SEQ, &ev->start_mark);
				settag(n, ev->data.sequence_start.tag, 0);
				anchor = ev->data.sequence_start.anchor;
			} else {
				n = newnode(K_MAP, &ev->start_mark);
				settag(n, ev->data.mapping_start.tag, 0);
				anchor = ev->data.mapping_start.anchor;
			}
			break;
		case YAML_ALIAS_EVENT:
			n = anchorget((char *)ev->data.alias.anchor);
			if (n == NULL)
				dieat(ev->start_mark.line + 1,
				    ev->start_mark.column + 1,
				    "found undefined alias '%s'",
				    ev->data.alias.anchor);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			/* The children, from the pending list, sized exactly. */
			n = stack->v[--stack->n];
			k = Y.kids.n - n->n;
			n->v = aalloc((k ? k : 1) * sizeof(*n->v));
			/* An empty collection may come before any list exists. */
			if (k > 0)
				memcpy(n->v, Y.kids.v + n->n, k * sizeof(*n->v));
			Y.kids.n = n->n;
			n->n = k;
			n = NULL;
			break;
		case YAML_DOCUMENT_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		if (n != NULL) {
			/* PyYAML registers an anchor before the children. */
			if (anchor != NULL)
				anchorput((char *)anchor, n);
			if (stack->n == 0)
				root = n;
			else {
				/* A merge or value key, for flatten(). */
				p = stack->v[stack->n - 1];
				if (p->kind == K_MAP && (Y.kids.n - p->n) % 2 == 0 &&
				    (n->tag == T_MERGE || n->tag == T_VALUE))
					p->merges = 1;
				nvpush(&Y.kids, n);
			}
			if (ev->type == YAML_SEQUENCE_START_EVENT ||
			    ev->type == YAML_MAPPING_START_EVENT) {
				/* Where its children start, until it ends. */
				n->n = Y.kids.n;
				nvpush(stack, n);
			}
		}
		eventdone();
	}
	return root;
}

/*
 * Emitting: the constructed graph printed as Python's json.dumps prints
 * the objects PyYAML builds, every alias in full.
 */
#include <stdlib.h>
#include <string.h>

#include "yaml2json.h"

/*
 * Before anything is printed, one pass over what will be printed: it
 * refuses a structure that contains itself (json.dumps would), checks the
 * depth of the output, which aliases can make deeper than the input, and
 * charges every use of a value after the first to the alias budget at its
 * full size, so that the size of the output is known to be bounded.
 */
static int
firstuse(struct node *n)
{
	int used = n->used;

	n->used = 1;
	return used;
}

/*
 * What a measured value counts, and how deep it nests; a scalar has
 * neither field, and only numbers and strings have JSON text.
 */
static uint64_t
units(const struct node *n)
{
	if (n->kind != K_SCALAR)
		return n->units;
	return 1 + (n->jt == J_NUM || n->jt == J_STR ? n->tlen : 0);
}

static int
height(const struct node *n)
{
	return n->kind == K_SCALAR ? 0 : n->height;
}

static void
measure(struct node *n, int depth)
{
	struct node *c;
	size_t i, k;

	if (n->kind == K_SCALAR && isscalartag(n->tag)) {
		if (firstuse(n) > 0)
			charge(n, units(n));
		return;
	}
	if (firstuse(n) > 0 && !n->onstack) {
		if (depth - 1 + n->height > MAXDEPTH)
			dienode(n, "nesting deeper than %d levels", MAXDEPTH);
		charge(n, n->units);
		return;
	}
	if (n->onstack)
		dienode(n, "found a recursive structure (it contains "
		    "itself)");
	if (depth > MAXDEPTH)
		dienode(n, "nesting deeper than %d levels", MAXDEPTH);
	n->onstack = 1;
	n->units = 1;
	n->height = 1;
	k = n->tag == T_SEQ ? n->n : n->nout;
	for (i = 0; i < k; i++) {
		c = n->tag == T_SEQ ? n->v[i] : n->out[i];
		if (n->tag == T_SET && i % 2 == 1)
			continue;
		if (n->tag == T_MAP && i % 2 == 0) {
			n->units += units(c);
			continue;
		}
		/* The [key, value] lists of omap and pairs are a level. */
		if (n->tag == T_OMAP || n->tag == T_PAIRS) {
			if (i % 2 == 0)
				n->units++;
			measure(c, depth + 2);
			if (height(c) + 2 > n->height)
				n->height = height(c) + 2;
		} else {
			measure(c, depth + 1);
			if (height(c) + 1 > n->height)
				n->height = height(c) + 1;
		}
		n->units += units(c);
	}
	n->onstack = 0;
}

/*
 * Printing, through the library's writer, straight from the node graph:
 * a cJSON tree of a large document would take several times its memory,
 * and cJSON keys end at a NUL.
 */
/* Once nothing can fail, write the output in blocks as it grows. */
static void
flushout(void)
{
	if (Y.stream && Y.outbuf.len >= 1 << 16) {
		hf_write(Y.outbuf.s, Y.outbuf.len);
		Y.outbuf.len = 0;
	}
}

/* The writer at the start of a document, in the layout of the options. */
void
outstart(void)
{
	hf_jw_init(&Y.out, &Y.outbuf, Y.compact ? 0 : 2);
}

void
keytext(const struct node *k)
{
	/* json.dumps names keys as it writes values, strings quoted. */
	if (k->jt == J_NULL)
		hf_jw_key(&Y.out, "null", 4);
	else if (k->jt == J_TRUE)
		hf_jw_key(&Y.out, "true", 4);
	else if (k->jt == J_FALSE)
		hf_jw_key(&Y.out, "false", 5);
	else
		hf_jw_key(&Y.out, k->txt, k->tlen);
}

/* A constructed scalar as a JSON value. */
void
scalartext(const struct node *n)
{
	switch (n->jt) {
	case J_NULL:
		hf_jw_raw(&Y.out, "null", 4);
		break;
	case J_TRUE:
		hf_jw_raw(&Y.out, "true", 4);
		break;
	case J_FALSE:
		hf_jw_raw(&Y.out, "false", 5);
		break;
	case J_NUM:
		hf_jw_raw(&Y.out, n->txt, n->tlen);
		break;
	default:
		hf_jw_str(&Y.out, n->txt, n->tlen);
		break;
	}
}

static void
emit(const struct node *n)
{
	size_t i, k;
	int obj;

	if (n->kind == K_SCALAR && isscalartag(n->tag)) {
		scalartext(n);
		return;
	}
	obj = n->tag == T_MAP;
	k = n->tag == T_SEQ ? n->n : n->nout;
	hf_jw_open(&Y.out, obj ? '{' : '[');
	for (i = 0; i < k; i++) {
		flushout();
		switch (n->tag) {
		case T_SEQ:
			emit(n->v[i]);
			break;
		case T_MAP:
			keytext(n->out[i]);
			emit(n->out[i + 1]);
			i++;
			break;
		case T_SET:
			emit(n->out[i]);
			i++;
			break;
		default:
			/* omap and pairs: a [key, value] list a pair. */
			hf_jw_open(&Y.out, '[');
			emit(n->out[i]);
			emit(n->out[i + 1]);
			hf_jw_close(&Y.out, ']');
			i++;
			break;
		}
	}
	hf_jw_close(&Y.out, obj ? '}' : ']');
}

/*
 * The top-level mapping with the -a members: a string key already there
 * gets the value in its place, as a Python dict assignment would; the
 * others are appended in order.
 */
static void
emittop(struct node *root)
{
	const char **val;
	const char *key;
	size_t i, a, j, nextra = 0, *extra;
	struct node *k;

	if (root == NULL || root->tag != T_MAP)
		dieat(root ? root->line : 0, root ? root->col : 0,
		    "-a needs a mapping at the top level");
	val = hf_calloc(root->nout / 2 + Y.na, sizeof(*val));
	extra = hf_calloc(Y.na, sizeof(*extra));
	for (a = 0; a < Y.na; a++) {
		key = Y.akeys[a];
		for (i = 0; i < root->nout; i += 2) {
			k = root->out[i];
			if (k->kc == C_STR && k->tlen == strlen(key) &&
			    memcmp(k->txt, key, k->tlen) == 0)
				break;
		}
		if (i < root->nout) {
			val[i / 2] = key + strlen(key) + 1;
			continue;
		}
		for (j = 0; j < nextra; j++)
			if (strcmp(Y.akeys[extra[j]], key) == 0)
				break;
		if (j == nextra)
			extra[nextra++] = a;
		val[root->nout / 2 + j] = key + strlen(key) + 1;
	}
	hf_jw_open(&Y.out, '{');
	for (i = 0; i < root->nout / 2 + nextra; i++) {
		flushout();
		if (i < root->nout / 2)
			keytext(root->out[2 * i]);
		else {
			key = Y.akeys[extra[i - root->nout / 2]];
			hf_jw_key(&Y.out, key, strlen(key));
		}
		if (val[i] != NULL)
			hf_jw_str(&Y.out, val[i], strlen(val[i]));
		else
			emit(root->out[2 * i + 1]);
	}
	hf_jw_close(&Y.out, '}');
	free(val);
	free(extra);
}

/*
 * One document constructed, measured and printed, with a newline; NULL
 * stands for an empty document, which PyYAML loads as None.
 */
void
document(struct node *root)
{
	if (root != NULL) {
		construct(root);
		measure(root, 1);
	}
	outstart();
	if (Y.na > 0)
		emittop(root);
	else if (root != NULL)
		emit(root);
	else
		hf_jw_raw(&Y.out, "null", 4);
	hf_straddc(&Y.outbuf, '\n');
}

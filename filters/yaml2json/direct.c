/*
 * Direct conversion: a second way to the same output, for speed.  Most
 * documents hold only mappings, sequences and implicitly typed scalars,
 * and no mapping holds a key twice.  PyYAML constructs such a document
 * as it stands, so its JSON can be written as the events come, in
 * document order, without the node graph, whose nodes take most of the
 * time and memory of a large document (a third of the time of a 2 MB
 * one).
 *
 * Anything else gives up (giveup()), and the document is parsed again
 * into a graph: a tag, an anchor or an alias, a merge key or a value key
 * ("="), a collection as a key, a key met twice in a mapping, a scalar
 * that fails to construct.  The graph then reports the error, if any,
 * that PyYAML reports first, as it constructs nothing before the whole
 * stream is parsed; an error of the parse is the same either way, and is
 * reported where it is met.  The output is held until the stream is
 * checked, as the graph's is (see run()).
 */
#include <setjmp.h>
#include <stdlib.h>

#include "yaml2json.h"

/* An open collection. */
struct frame {
	size_t		 keys;		/* where its keys start in D.dkeys */
	size_t		*tab;		/* a hash of its keys, past HASHMIN */
	size_t		 tcap;
	int		 map;
};

static struct {
	struct frame	*frames;
	size_t		 nframe, capframe;
	struct node	*dkeys;		/* the keys of the open mappings */
	size_t		 ndkey, capdkey;
} D;

/* Leave direct conversion: the input is parsed again, into a graph. */
void
giveup(void)
{
	Y.nodirect = 1;
	longjmp(Y.retry, 1);
}

/* The open collections, and whether the innermost is a sequence. */
size_t
directdepth(int *inseq)
{
	*inseq = D.nframe > 0 && !D.frames[D.nframe - 1].map;
	return D.nframe;
}

/*
 * Whether what comes next is a key: in a mapping, when the writer is not
 * waiting for the value of the key before it.
 */
static int
iskey(void)
{
	return D.nframe > 0 && D.frames[D.nframe - 1].map && !Y.out.afterkey;
}

/* The slot of key k in the table of f: where it is, or where it goes. */
static size_t *
keyslot(const struct frame *f, const struct node *k)
{
	size_t h = keyhash(k) & (f->tcap - 1), i;

	while ((i = f->tab[h]) != 0 && !samekey(&D.dkeys[f->keys + i - 1], k))
		h = (h + 1) & (f->tcap - 1);
	return &f->tab[h];
}

/* A table of the keys of f, at most a quarter full. */
static void
rehash(struct frame *f)
{
	size_t i, m = D.ndkey - f->keys;

	free(f->tab);
	for (f->tcap = 64; f->tcap < m * 4; f->tcap *= 2)
		;
	f->tab = hf_calloc(f->tcap, sizeof(*f->tab));
	for (i = 0; i < m; i++)
		*keyslot(f, &D.dkeys[f->keys + i]) = i + 1;
}

/* A key of the innermost mapping, unless it is there already. */
static void
dkey(const struct node *k)
{
	struct frame *f = &D.frames[D.nframe - 1];
	size_t i, m = D.ndkey - f->keys, *slot;

	if (m >= HASHMIN && m * 2 >= f->tcap)
		rehash(f);
	if (f->tab != NULL) {
		slot = keyslot(f, k);
		if (*slot != 0)
			giveup();
		*slot = m + 1;
	} else
		for (i = f->keys; i < D.ndkey; i++)
			if (samekey(&D.dkeys[i], k))
				giveup();
	if (D.ndkey == D.capdkey) {
		D.capdkey = D.capdkey ? D.capdkey * 2 : 64;
		D.dkeys = hf_reallocarray(D.dkeys, D.capdkey,
		    sizeof(*D.dkeys));
	}
	D.dkeys[D.ndkey++] = *k;
	keytext(k);
}

/* One event of a direct conversion; returns 1 at the document's end. */
int
direct(const yaml_event_t *ev)
{
	struct amark m;
	struct frame *f;
	struct node s;
	int key;

	if (hasprops(ev))
		giveup();
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		s = (struct node){ .kind = K_SCALAR,
		    .line = ev->start_mark.line + 1,
		    .col = ev->start_mark.column + 1,
		    .val = (char *)ev->data.scalar.value,
		    .len = ev->data.scalar.length };
		settag(&s, NULL, ev->data.scalar.plain_implicit);
		if (s.tag >= T_MERGE)
			giveup();
		/* A key outlives its event: it is compared with later ones. */
		if ((key = iskey()))
			s.val = scalarval(&s, ev);
		addspan(ev);
		/* A value's text (a number's, say) is done with once written. */
		amark(&m);
		cobj(&s);
		if (key)
			dkey(&s);
		else {
			scalartext(&s);
			arelease(&m);
		}
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		/* A collection is a key PyYAML cannot hash. */
		if (iskey())
			giveup();
		if (D.nframe == D.capframe) {
			D.capframe = D.capframe ? D.capframe * 2 : 16;
			D.frames = hf_reallocarray(D.frames, D.capframe,
			    sizeof(*D.frames));
		}
		f = &D.frames[D.nframe++];
		*f = (struct frame){ .keys = D.ndkey,
		    .map = ev->type == YAML_MAPPING_START_EVENT };
		hf_jw_open(&Y.out, f->map ? '{' : '[');
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		f = &D.frames[--D.nframe];
		hf_jw_close(&Y.out, f->map ? '}' : ']');
		D.ndkey = f->keys;
		free(f->tab);
		return 0;
	case YAML_ALIAS_EVENT:
		giveup();
	case YAML_DOCUMENT_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

/* What a direct conversion leaves open when it stops. */
void
directreset(void)
{
	while (D.nframe > 0)
		free(D.frames[--D.nframe].tab);
	D.ndkey = 0;
}

/* Free all. */
void
directfree(void)
{
	directreset();
	free(D.frames);
	free(D.dkeys);
	D.frames = NULL;
	D.dkeys = NULL;
	D.capframe = D.capdkey = 0;
}

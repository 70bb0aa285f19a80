/*
 * treehash: the pieces of the filter, one concern a file:
 *	main.c		options and the order of the work
 *	read.c		the record reader, the tree being read and its bounds
 *	list.c		the path list: cleaning, and hashing by threads
 *	objects.c	git's object stream
 *	set.c		a set of strings
 *	match.c		manifest patterns and which of them are absent
 *	emit.c		artifact-tree.json
 *	check.c		the committed tree and the comparison with it
 */
#ifndef TREEHASH_H
#define TREEHASH_H

#include <stddef.h>
#include <stdint.h>

#include "hf.h"

/* Longest path accepted, in bytes, as a path record or after unquoting. */
#define PATHMAX		4095
/* Longest header line of the object stream: a fully quoted PATHMAX path. */
#define LINEMAX		(4 * PATHMAX + 256)
/* Largest object size: JSON numbers are exact only up to 2^53 - 1. */
#define SIZEMAX		9007199254740991ULL
/*
 * The largest artifact-tree.json that treehash writes, and so the largest
 * committed one that -c reads (64 MiB): an entry takes about 300 bytes,
 * so a feature of 100000 files makes some 30 MB, and real ones are tens
 * of kilobytes. Bounding both ends alike means that every tree written
 * can be checked.
 */
#define TREEHASH_TREE_MAX	(64ULL * 1024 * 1024)
/*
 * The most records of a path list or object stream (one million), the
 * excluded and repeated ones included, so that an endless list of one
 * path ends too.
 */
#define TREEHASH_FILES_MAX	1000000UL
/*
 * The largest manifest that -m reads (4 MiB): real manifests are a few
 * kilobytes of path patterns.
 */
#define TREEHASH_MANIFEST_MAX	(4ULL * 1024 * 1024)

/* Why hashing one listed path failed. */
enum fail {
	F_NONE,
	F_ERRNO,	/* a system call failed; see err */
	F_TYPE,		/* neither a regular file nor a symbolic link */
	F_LINKDIR,	/* a directory on the way is a symbolic link */
	F_SIZE		/* larger than SIZEMAX */
};

struct entry {
	char		*path;
	unsigned long	 line;		/* where the input named it */
	uint64_t	 size;
	enum fail	 fail;
	int		 err;
	unsigned char	 sum[32];
};

/* set.c: strings by content; the strings themselves are not copied. */
struct strset {
	const char	**v;
	size_t		 cap;
	size_t		 n;
};
/* Add s; returns 0 when an equal string was there already. */
int	 setadd(struct strset *, const char *);
int	 sethas(const struct strset *, const char *);
void	 setfree(struct strset *);

/*
 * The files of a tree: entries in input order while it is read, then
 * sorted by path. The paths live in blocks that never move, so that
 * entries and the set of paths can point into them.
 */
struct tree {
	struct entry	*v;
	size_t		 n;
	size_t		 cap;
	struct strset	 paths;
	char		**blocks;
	size_t		 nblocks;
	size_t		 room;		/* bytes left in the last block */
	unsigned long	 records;	/* records read, all of them */
	uint64_t	 least;		/* the least JSON the entries make */
	const char	*const *x;	/* the -x patterns */
	size_t		 nx;
	const char	*root;		/* root_path, or NULL */
	const char	*commit;	/* tree_commit, or NULL */
};

/* Buffered reading of a path list or object stream, counting lines. */
struct stream {
	int		 fd;
	const char	*name;
	unsigned char	*buf;
	size_t		 pos;
	size_t		 len;
	unsigned long	 line;
};

/* What srecord found. */
enum rec { R_END, R_SEP, R_LAST, R_LONG };

/* read.c */
void	 sopen(struct stream *, const char *);
void	 sclose(struct stream *);
size_t	 sfill(struct stream *);
enum rec srecord(struct stream *, int, size_t, char *, size_t *);
const char *showpath(const char *, struct hf_str *);
int	 excluded(const struct tree *, const char *);
void	 counted(struct tree *, const struct stream *, const char *);
struct entry *addentry(struct tree *, const char *, const struct stream *);
void	 sorttree(struct tree *);
void	 freetree(struct tree *);

/* list.c */
void	 pathlist(const char *, const char *, int, struct tree *);

/* objects.c */
void	 objects(const char *, struct tree *);

/* match.c: the unique path patterns of a manifest, in manifest order. */
struct patterns {
	const char	**v;
	size_t		 n;
	size_t		 cap;
	struct strset	 set;
};
int	 addpattern(struct patterns *, const char *);
int	 inpatterns(const struct patterns *, const char *);
void	 freepatterns(struct patterns *);
cJSON	*loadmanifest(const char *, struct patterns *);
int	 matchesany(const struct tree *, const char *);
void	 findabsent(const struct tree *, const struct patterns *,
	    struct patterns *);

/* emit.c */
/* The least JSON a present entry of a path of n bytes makes. */
uint64_t entryleast(size_t);
/*
 * The tree as artifact-tree.json; of the identity tuple, slug, commit
 * (source_commit) and at (captured_at) are written.
 */
void	 emit(const struct tree *, const struct patterns *,
	    const struct hf_ns *, const char *);

/* check.c */
struct centry {
	const char	*path;
	const char	*sha;
	uint64_t	 size;
};
/* A committed tree: its present entries sorted, its absent patterns. */
struct committed {
	cJSON		*root;
	struct centry	*v;
	size_t		 n;
	struct patterns	 absent;
};
void	 loadcommitted(const char *, struct committed *);
void	 freecommitted(struct committed *);
int	 check(struct committed *, const struct tree *, int,
	    const struct patterns *);

#endif /* TREEHASH_H */

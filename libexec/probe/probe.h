/*
 * probe: the pieces of the repository probe, one concern a file:
 *	main.c		the parameters, their checks, the state of the run
 *			and the order of the work
 *	files.c		paths and whole files: joined, resolved, read,
 *			written only when they change
 *	feature.c	the features: found under kitty-specs/ or named,
 *			checked, and what their OUT has pinned
 *	git.c		git as a process: the cat-file batches, rev-parse,
 *			the project scope from config
 *	tree.c		the trees read through cat-file, and the object
 *			stream treehash -g reads made from them
 *	log.c		the one walk of git log that finds the last commits
 *	probegit.c	the git side: the objects of every feature, batch by
 *			batch, and the log beside the trees
 *	probefiles.c	the same facts outside git, from the files
 *	facts.c		what the probe writes: FACTS.mk's make text and the
 *			files under BUILD/F/in/
 *
 * This header holds what they share: the parameters, the state of the
 * run, an object and a feature, and the functions that one file calls
 * in another.
 */
#ifndef PROBE_H
#define PROBE_H

#include <sys/types.h>

#include <stddef.h>

#include "hf.h"

#define NPARAM	12
enum { P_REPO, P_FEATURE, P_FDIR, P_OUT, P_MISSION, P_MANIFEST, P_MPATH,
	P_SC, P_BRANCH, P_SCOPE, P_SDE, P_KEY };
/* The parameters by P_ index; NULL when not given, or given empty. */
extern const char *par[NPARAM];

#define MANIFEST_NAME	"expected-artifacts.yaml"
#define MAXMETA		((size_t)1 << 20)

/*
 * The parameters a package's generate.sh pins besides the namespace's,
 * and the facts that carry them to check's replay.
 */
#define NGEN	6

/* One object as cat-file answered it; data NULL when it is missing. */
struct obj {
	char	 oid[65];
	char	 type[8];
	char	*data;
	size_t	 len;
};

/* What is known of one feature, filled in as the answers come. */
struct feat {
	char	*name;		/* the slug */
	char	*dir;		/* relative to REPO */
	char	*fdpath;	/* as the current directory reaches it */
	char	*out;
	char	*err;
	char	*build;		/* BUILD/name */
	/* At HEAD. */
	struct obj tree;
	char	 meta[65], ev[65], pins[65];
	char	*mission;
	/* From the log. */
	char	 tc[65], evc[65], sc[65];
	long long tct, evct, sct;
	unsigned long tcseq;
	int	 tcgraft, evgraft, scgraft;
	int	 needsc;	/* the source commit is the log's to find */
	/*
	 * A pinned source commit the repository lacks, with MANIFEST given:
	 * it stays the package's, and its time is that of the newest input
	 * the log finds, as for a first package.
	 */
	char	 pinsc[65];
	int	 cached;	/* BUILD/F/in/ holds this tree's inputs */
	/* The manifest at the source commit. */
	struct obj man, pman;
	int	 manathead;
	/* Pinned in OUT/namespace.json. */
	int	 pinned;
	char	*p_sc, *p_branch, *p_scope, *p_step, *p_mission;
	char	*p_t_man, *p_t_tree, *p_t_ns, *p_t_ev;
	int	 p_hastc;
	/* The constants of OUT/generate.sh, when handoff wrote it. */
	char	*p_gen[NGEN];
	struct obj pscobj;
	char	*files;		/* outside git: the NUL-separated list */
	size_t	 fileslen;
	char	*manfile;	/* outside git, or MANIFEST */
};

/* main.c: the state of the run. */
extern struct feat *feats;
extern size_t nfeats;
extern struct hf_str skipped;	/* HF_SKIPPED and the hf_skip_ lines */
extern struct hf_str skiplines;

/* What rev-parse told, or nothing outside git. */
extern char *top, *prefix, *gitdir, *commondir, *branch;
extern char headoid[65];	/* the commit at HEAD */
extern int allmode, isgit, shallow, oidhex;
extern char *repoabs;
extern char *mpath[16];
extern size_t nmpath;

/* files.c */
char	*xasprintf(const char *, ...);
int	 slurpfd(int, struct hf_str *);
int	 readfile(const char *, struct hf_str *, size_t);
void	 mkdirs(const char *);
void	 putfile(const char *, const char *, size_t);
char	*joinpath(const char *, const char *);
char	*real(const char *);
const char *below(const char *, const char *);
long long mtimeof(const char *);

/* feature.c */
extern const char *const genfact[NGEN];
void	 ferr(struct feat *, const char *, ...);
void	 listall(const char *);
void	 onefeature(const char *);
char	*missionof(const char *, size_t);
int	 stickysc(struct feat *);
void	 readpinned(struct feat *);

/* git.c */
/* A git that spawn started. */
struct proc {
	pid_t	 pid;
	int	 in;		/* its standard input, or -1 */
	int	 out;		/* its standard output */
};
extern struct proc cat;		/* git cat-file --batch-command */
extern size_t catn;		/* the requests gathered, not yet sent */
void	 spawn(struct proc *, char *const [], int, int);
int	 reap(pid_t);
void	 catask(const char *, const char *);
void	 catflush(struct obj *);
void	 revparse(const char *);
char	*scopeid(void);
long long committime(const struct obj *);

/* tree.c: every tree and blob read, by object id. */
struct onode {
	char		 oid[65];
	struct obj	 o;
};
extern struct onode *objs;
extern size_t nobjs;
struct obj *findobj(const char *);
int	 addobj(const char *);
void	 fetchtrees(void);
void	 emittree(struct hf_str *, const struct obj *, struct hf_str *);
void	 toplevel(const struct obj *, const char *, char [65]);

/* log.c */
void	 gitlog(void);

/* probegit.c */
void	 probegit(const char *);

/* probefiles.c */
void	 probefiles(struct feat *, const char *);

/* facts.c */
extern struct hf_str facts;
void	 mkval(struct hf_str *, const char *);
void	 badinput(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
void	 writefeature(struct feat *, const char *, const char *);
void	 watch(struct hf_str *, const char *, const char *);

#endif /* PROBE_H */

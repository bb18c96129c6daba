/* diff.c: /api/task-attempts/{id}/diff/ws: a worktree's diff, live */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "branch_status.h"
#include "db_node.h"
#include "db_stream.h"
#include "err.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "stream.h"
#include "wtdiff.h"

/*
 * Events this close together make one batch. The original waits 200 ms;
 * a short window keeps a saved file's patch within tens of ms and still
 * folds an editor's write-rename-chmod into one recomputation.
 */
#define DIFF_DEBOUNCE_MS	10
#define DIFF_BATCH_MAX		512	/* more paths: recompute everything */
#define DIFF_BUDGET		(200ULL << 20)	/* content bytes per client */
#define DIFF_MAX_WATCHES	20000	/* directories per worktree */
#define DIFF_WD_BUCKETS		4096

#define DIFF_MASK	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
			 IN_DELETE | IN_CREATE | IN_ATTRIB | IN_ONLYDIR_OFF)
#define IN_ONLYDIR_OFF	0

/* One file of the diff as last sent, in both forms. */
struct dentry {
	char		*key;		/* new path, or old path when deleted */
	char		*old_path;	/* renames and copies */
	struct msg	*full, *stats;	/* add /entries/<key> */
	size_t		 bytes;		/* content bytes in full */
};

/*
 * One watch set per live attempt worktree, shared by all its clients:
 * one inotify watch per directory (.git and ignored directories left
 * out), the changed paths of the current batch, and the diff as sent.
 */
struct wset {
	char			 attempt[UUID_STRLEN + 1];
	char			 wt[PATH_MAX];
	char			 target[256];
	char			 base[41];
	git_repository		*repo;		/* for .gitignore checks */
	struct clist		 clients;
	struct dentry		*ents;		/* sorted by key */
	size_t			 nents, capents;
	char			**pend;		/* changed paths */
	size_t			 npend, cappend;
	int			 pend_all;
	int			 nwatches;
	int			 gone;		/* the worktree went away */
	struct loop_timer	 debounce;
	struct wset		*next;
};

struct wdir {
	int		 wd;
	struct wset	*ws;
	char		*rel;		/* "" for the worktree root */
	struct wdir	*next;
};

static int		 ino_fd = -1;
static struct wdir	*wd_table[DIFF_WD_BUCKETS];
static struct wset	*wsets;

/* ------------------------------------------------------------ helpers */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct dentry *
ent_find(struct wset *ws, const char *key, size_t *pos)
{
	size_t	 lo = 0, hi = ws->nents, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(ws->ents[mid].key, key)) == 0) {
			if (pos != NULL)
				*pos = mid;
			return &ws->ents[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pos != NULL)
		*pos = lo;
	return NULL;
}

static void
ent_clear(struct dentry *e)
{
	free(e->key);
	free(e->old_path);
	msg_unref(e->full);
	msg_unref(e->stats);
	memset(e, 0, sizeof(*e));
}

static void
pend_clear(struct wset *ws)
{
	size_t	 i;

	for (i = 0; i < ws->npend; i++)
		free(ws->pend[i]);
	ws->npend = 0;
	ws->pend_all = 0;
}

static void
pend_add(struct wset *ws, const char *path)
{
	char	**grown;
	size_t	 cap;

	if (ws->pend_all)
		return;
	if (ws->npend >= DIFF_BATCH_MAX) {
		pend_clear(ws);
		ws->pend_all = 1;
		return;
	}
	if (ws->npend == ws->cappend) {
		cap = ws->cappend ? ws->cappend * 2 : 16;
		if ((grown = realloc(ws->pend, cap * sizeof(*grown))) == NULL) {
			ws->pend_all = 1;
			return;
		}
		ws->pend = grown;
		ws->cappend = cap;
	}
	if ((ws->pend[ws->npend] = strdup(path)) == NULL) {
		ws->pend_all = 1;
		return;
	}
	ws->npend++;
}

/* Sort and de-duplicate the changed paths. */
static void
pend_sort(struct wset *ws)
{
	size_t	 i, j;

	qsort(ws->pend, ws->npend, sizeof(*ws->pend), cmp_str);
	for (i = j = 0; i < ws->npend; i++) {
		if (j > 0 && strcmp(ws->pend[j - 1], ws->pend[i]) == 0) {
			free(ws->pend[i]);
			continue;
		}
		ws->pend[j++] = ws->pend[i];
	}
	ws->npend = j;
}

static int
pend_has(struct wset *ws, const char *path)
{
	return bsearch(&path, ws->pend, ws->npend, sizeof(*ws->pend),
	    cmp_str) != NULL;
}

/* ------------------------------------------------------------ sending */

/*
 * An entry to one client: stats_only clients get the stats form; others
 * get contents until the connection's budget is spent (the file that
 * crosses it still whole, as the original), then the stats form, except
 * that an update of a file it already had is skipped.
 */
static void
diff_send_entry(struct client *c, struct dentry *e, int had, int live)
{
	if (c->req.stats_only) {
		client_send(c, e->stats, live);
		return;
	}
	if (!c->budget_out) {
		client_send(c, e->full, live);
		if (e->bytes >= c->budget)
			c->budget_out = 1;
		else
			c->budget -= e->bytes;
		return;
	}
	if (had && live)
		return;
	client_send(c, e->stats, live);
}

static struct msg *
entry_msg(const char *key, json_object *diff)
{
	json_object	*v;

	if ((v = json_object_new_object()) == NULL ||
	    jsonx_add_str(v, "type", "DIFF") != 0 ||
	    jsonx_add(v, "content", json_object_get(diff)) != 0) {
		json_object_put(v);
		return NULL;
	}
	return msg_one_op(msg_op_at("add", "/entries", key, v));
}

/* Results of one computation, before they are merged into the set. */
struct results {
	struct dentry	*v;
	size_t		 n, cap;
};

static int
collect(const struct wtdiff_pair *p, void *arg)
{
	struct results	*r = arg;
	struct dentry	*grown, *e;
	size_t		 cap;

	if (r->n == r->cap) {
		cap = r->cap ? r->cap * 2 : 32;
		if ((grown = realloc(r->v, cap * sizeof(*grown))) == NULL)
			return E_FAIL;
		r->v = grown;
		r->cap = cap;
	}
	e = &r->v[r->n];
	memset(e, 0, sizeof(*e));
	if ((e->key = strdup(p->path)) == NULL ||
	    (p->old_path != NULL && (e->old_path = strdup(p->old_path)) ==
	    NULL) ||
	    (e->full = entry_msg(p->path, p->full)) == NULL ||
	    (e->stats = entry_msg(p->path, p->stats)) == NULL) {
		ent_clear(e);
		return E_FAIL;
	}
	e->bytes = p->content_bytes;
	r->n++;
	return 0;
}

static void
results_free(struct results *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		ent_clear(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int
cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct dentry *)a)->key,
	    ((const struct dentry *)b)->key);
}

static int
ent_insert(struct wset *ws, size_t pos, struct dentry *e)
{
	struct dentry	*grown;
	size_t		 cap;

	if (ws->nents == ws->capents) {
		cap = ws->capents ? ws->capents * 2 : 32;
		if ((grown = realloc(ws->ents, cap * sizeof(*grown))) == NULL)
			return E_FAIL;
		ws->ents = grown;
		ws->capents = cap;
	}
	memmove(&ws->ents[pos + 1], &ws->ents[pos],
	    (ws->nents - pos) * sizeof(*ws->ents));
	ws->ents[pos] = *e;
	ws->nents++;
	memset(e, 0, sizeof(*e));
	return 0;
}

/*
 * Merge fresh results for a scope (every path, or the batch's paths)
 * into the set: changed or new files go out as add, files of the scope
 * no longer in the diff as remove.
 */
static void
wset_merge(struct wset *ws, struct results *r, int all)
{
	struct client	*c;
	struct dentry	*e;
	struct msg	*m;
	size_t		 i, pos;
	char		*seen;

	qsort(r->v, r->n, sizeof(*r->v), cmp_ent);
	/* Removals first: entries of the scope missing from the results. */
	for (i = 0; i < ws->nents; ) {
		e = &ws->ents[i];
		if ((all || pend_has(ws, e->key)) &&
		    bsearch(e, r->v, r->n, sizeof(*r->v), cmp_ent) == NULL) {
			if ((m = msg_one_op(msg_op_at("remove", "/entries",
			    e->key, NULL))) != NULL) {
				client_broadcast(&ws->clients, m);
				msg_unref(m);
			}
			ent_clear(e);
			memmove(e, e + 1, (ws->nents - i - 1) * sizeof(*e));
			ws->nents--;
			continue;
		}
		i++;
	}
	for (i = 0; i < r->n; i++) {
		e = ent_find(ws, r->v[i].key, &pos);
		if (e != NULL && e->full->len == r->v[i].full->len &&
		    memcmp(msg_payload(e->full), msg_payload(r->v[i].full),
		    e->full->len) == 0)
			continue;	/* touched, not changed */
		seen = NULL;
		if (e != NULL) {
			ent_clear(e);
			*e = r->v[i];
			memset(&r->v[i], 0, sizeof(r->v[i]));
			seen = "";
		} else if (ent_insert(ws, pos, &r->v[i]) != 0)
			continue;
		else
			e = &ws->ents[pos];
		for (c = ws->clients.head; c != NULL; c = c->tnext)
			diff_send_entry(c, e, seen != NULL, 1);
	}
}

/* Also look at the other path of a rename whose one path changed. */
static void
pend_add_counterparts(struct wset *ws)
{
	size_t	 i, n = ws->npend;

	for (i = 0; i < ws->nents; i++) {
		if (ws->ents[i].old_path == NULL)
			continue;
		if (pend_has(ws, ws->ents[i].old_path) ||
		    pend_has(ws, ws->ents[i].key)) {
			pend_add(ws, ws->ents[i].key);
			pend_add(ws, ws->ents[i].old_path);
		}
	}
	if (ws->npend != n)
		pend_sort(ws);
}

/* Recompute the batch (or everything) and send what changed. */
static void
wset_update(struct wset *ws)
{
	struct results	 r = { NULL, 0, 0 };
	char		 base[41];
	int		 rc, all;

	loop_cancel(&ws->debounce);
	if (ws->gone) {
		pend_clear(ws);
		return;
	}
	if ((rc = wtdiff_base(base, ws->wt, ws->target)) != 0) {
		/* The worktree was retired, or the target went: keep what
		 * the clients have rather than remove everything. */
		if (rc == E_NOTFOUND && access(ws->wt, F_OK) != 0)
			ws->gone = 1;
		log_warnx("attempt %s: cannot diff its worktree", ws->attempt);
		pend_clear(ws);
		return;
	}
	if (strcmp(base, ws->base) != 0) {
		/* A rebase or a moved target: a new base for everything. */
		memcpy(ws->base, base, sizeof(base));
		ws->pend_all = 1;
	}
	all = ws->pend_all;
	if (!all) {
		pend_sort(ws);
		pend_add_counterparts(ws);
		all = ws->pend_all;
	}
	if (!all && ws->npend == 0)
		return;
	rc = wtdiff_paths(ws->wt, ws->base, all ? NULL : ws->pend,
	    all ? 0 : ws->npend, collect, &r);
	if (rc == 0)
		wset_merge(ws, &r, all);
	else
		log_warnx("attempt %s: diff failed", ws->attempt);
	results_free(&r);
	pend_clear(ws);
}

static void
wset_update_cb(void *arg)
{
	wset_update(arg);
}

static void
wset_touch(struct wset *ws)
{
	if (!ws->debounce.armed)
		loop_after(&ws->debounce, DIFF_DEBOUNCE_MS, wset_update_cb, ws);
}

/* ------------------------------------------------------------ inotify */

static struct wdir **
wd_slot(int wd)
{
	return &wd_table[(unsigned int)wd % DIFF_WD_BUCKETS];
}

static struct wdir *
wd_find(int wd)
{
	struct wdir	*d;

	for (d = *wd_slot(wd); d != NULL; d = d->next)
		if (d->wd == wd)
			return d;
	return NULL;
}

static void
wd_forget(struct wdir *d)
{
	struct wdir	**pp;

	for (pp = wd_slot(d->wd); *pp != NULL; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	d->ws->nwatches--;
	free(d->rel);
	free(d);
}

/* Join a relative directory and a name: "a/b" + "c". Caller frees. */
static char *
join(const char *rel, const char *name)
{
	char	*s;

	if (asprintf(&s, "%s%s%s", rel, *rel ? "/" : "", name) < 0)
		return NULL;
	return s;
}

static int
skip_dir(struct wset *ws, const char *rel, const char *name)
{
	char	*p;
	int	 ignored = 0;

	if (strcmp(name, ".git") == 0)
		return 1;
	if (ws->repo != NULL && (p = join(rel, name)) != NULL) {
		/* A trailing slash asks about the directory itself. */
		char	*d;

		if (asprintf(&d, "%s/", p) >= 0) {
			(void)git_ignore_path_is_ignored(&ignored, ws->repo, d);
			free(d);
		}
		free(p);
	}
	return ignored;
}

/*
 * Watch directory rel (relative to the worktree) and everything below
 * it; with files set, every file found is a changed path (a directory
 * that appeared with its files already in it).
 */
static void
watch_tree(struct wset *ws, const char *rel, int files)
{
	char		 abs[PATH_MAX];
	struct wdir	*d;
	struct dirent	*de;
	struct stat	 st;
	DIR		*dir;
	char		*sub;
	int		 wd;

	if ((size_t)snprintf(abs, sizeof(abs), "%s%s%s", ws->wt, *rel ? "/" :
	    "", rel) >= sizeof(abs))
		return;
	if (ws->nwatches >= DIFF_MAX_WATCHES) {
		ws->pend_all = 1;
		return;
	}
	if ((wd = inotify_add_watch(ino_fd, abs, DIFF_MASK | IN_ONLYDIR |
	    IN_DONT_FOLLOW | IN_EXCL_UNLINK)) < 0) {
		if (errno == ENOSPC)
			log_warnx("inotify watch limit reached");
		return;
	}
	if (wd_find(wd) == NULL) {
		if ((d = calloc(1, sizeof(*d))) == NULL ||
		    (d->rel = strdup(rel)) == NULL) {
			free(d);
			inotify_rm_watch(ino_fd, wd);
			return;
		}
		d->wd = wd;
		d->ws = ws;
		d->next = *wd_slot(wd);
		*wd_slot(wd) = d;
		ws->nwatches++;
	}
	if ((dir = opendir(abs)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((sub = join(rel, de->d_name)) == NULL)
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    0) {
			if (S_ISDIR(st.st_mode)) {
				if (!skip_dir(ws, rel, de->d_name))
					watch_tree(ws, sub, files);
			} else if (files)
				pend_add(ws, sub);
		}
		free(sub);
	}
	closedir(dir);
}

static void
on_event(const struct inotify_event *ev)
{
	struct wdir	*d;
	struct wset	*ws;
	char		*path;
	size_t		 i, n;

	if ((d = wd_find(ev->wd)) == NULL)
		return;
	ws = d->ws;
	if (ev->mask & IN_IGNORED) {
		/* The directory is gone (or unwatched). */
		if (*d->rel == '\0')
			ws->pend_all = 1;	/* the worktree itself */
		wd_forget(d);
		wset_touch(ws);
		return;
	}
	if (ev->len == 0 || ev->name[0] == '\0')
		return;
	if (*d->rel == '\0' && strcmp(ev->name, ".git") == 0)
		return;
	if ((path = join(d->rel, ev->name)) == NULL)
		return;
	if (ev->mask & IN_ISDIR) {
		if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
			if (!skip_dir(ws, d->rel, ev->name))
				watch_tree(ws, path, 1);
		} else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
			/* Every file we show under it changed. */
			n = strlen(path);
			for (i = 0; i < ws->nents; i++)
				if (strncmp(ws->ents[i].key, path, n) == 0 &&
				    ws->ents[i].key[n] == '/')
					pend_add(ws, ws->ents[i].key);
		}
	} else
		pend_add(ws, path);
	free(path);
	wset_touch(ws);
}

static void
on_inotify(int fd, void *arg)
{
	char			 buf[65536]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	struct wset		*ws;
	ssize_t			 n;
	char			*p;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW) {
				/* Events were lost: recompute every set. */
				for (ws = wsets; ws != NULL; ws = ws->next) {
					pend_clear(ws);
					ws->pend_all = 1;
					wset_touch(ws);
				}
				continue;
			}
			on_event(ev);
		}
	}
}

/* ------------------------------------------------------------ sets */

static void
wset_free(struct wset *ws)
{
	struct wset	**pp;
	struct wdir	*d, *next;
	size_t		 i;

	for (pp = &wsets; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ws) {
			*pp = ws->next;
			break;
		}
	loop_cancel(&ws->debounce);
	for (i = 0; i < DIFF_WD_BUCKETS; i++)
		for (d = wd_table[i]; d != NULL; d = next) {
			next = d->next;
			if (d->ws == ws) {
				inotify_rm_watch(ino_fd, d->wd);
				wd_forget(d);
			}
		}
	for (i = 0; i < ws->nents; i++)
		ent_clear(&ws->ents[i]);
	free(ws->ents);
	pend_clear(ws);
	free(ws->pend);
	git_repository_free(ws->repo);
	free(ws);
}

static struct wset *
wset_get(const char *attempt, const char *wt, const char *target)
{
	struct wset	*ws;

	for (ws = wsets; ws != NULL; ws = ws->next)
		if (strcmp(ws->attempt, attempt) == 0 && !ws->gone &&
		    strcmp(ws->wt, wt) == 0)
			return ws;
	if ((ws = calloc(1, sizeof(*ws))) == NULL)
		return NULL;
	memcpy(ws->attempt, attempt, sizeof(ws->attempt));
	if ((size_t)snprintf(ws->wt, sizeof(ws->wt), "%s", wt) >=
	    sizeof(ws->wt) ||
	    (size_t)snprintf(ws->target, sizeof(ws->target), "%s", target) >=
	    sizeof(ws->target)) {
		free(ws);
		return NULL;
	}
	(void)git_repository_open_ext(&ws->repo, wt,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	ws->next = wsets;
	wsets = ws;
	/* Watch before the first diff: nothing falls between the two. */
	watch_tree(ws, "", 0);
	ws->pend_all = 1;
	wset_update(ws);
	if (ws->gone || ws->base[0] == '\0') {
		wset_free(ws);
		return NULL;
	}
	return ws;
}

/* ------------------------------------------------------------ one-shot */

struct oneshot {
	struct client	*c;
};

static int
oneshot_send(const struct wtdiff_pair *p, void *arg)
{
	struct oneshot	*o = arg;
	struct dentry	 e;

	memset(&e, 0, sizeof(e));
	if ((e.full = entry_msg(p->path, p->full)) == NULL ||
	    (e.stats = entry_msg(p->path, p->stats)) == NULL) {
		ent_clear(&e);
		return E_FAIL;
	}
	e.bytes = p->content_bytes;
	diff_send_entry(o->c, &e, 0, 0);
	ent_clear(&e);
	return 0;
}

/* The newest merge's commit when the attempt counts as merged, else "". */
static void
merged_commit(char *out, size_t outsz, json_object *att)
{
	struct branch_status	 bs;
	json_object		*merges = NULL, *m;
	const char		*commit = NULL, *type, *st, *wt;
	int			 deleted;
	json_object		*v;

	out[0] = '\0';
	if (db_merges_of_attempt(stream_db(), &merges, jsonx_get_str(att,
	    "id")) != 0)
		return;
	if (json_object_array_length(merges) > 0) {
		m = json_object_array_get_idx(merges, 0);
		type = jsonx_get_str(m, "type");
		if (type != NULL && strcmp(type, "direct") == 0)
			commit = jsonx_get_str(m, "merge_commit");
		else if ((st = jsonx_get_str(m, "pr_status")) != NULL &&
		    strcmp(st, "merged") == 0)
			commit = jsonx_get_str(m, "pr_merge_commit_sha");
	}
	if (commit == NULL) {
		json_object_put(merges);
		return;
	}
	deleted = json_object_object_get_ex(att, "worktree_deleted", &v) &&
	    json_object_get_boolean(v);
	wt = deleted ? NULL : jsonx_get_str(att, "container_ref");
	/* Merged, clean and not ahead of the target, as the original. */
	if (branch_status_get(&bs, jsonx_get_str(att, "git_repo_path"), wt,
	    jsonx_get_str(att, "branch"), jsonx_get_str(att,
	    "target_branch")) == 0) {
		if (bs.commits_ahead == 0 && (!bs.wt_ok ||
		    (bs.uncommitted_count == 0 && bs.untracked_count == 0)))
			snprintf(out, outsz, "%s", commit);
		branch_status_free(&bs);
	}
	json_object_put(merges);
}

/* Branch tip against its merge base with the target, from the repository
 * (the worktree was retired). 0, E_NOTFOUND, E_FAIL. */
static int
branch_diff(struct client *c, json_object *att)
{
	git_repository	*r = NULL;
	git_reference	*ref = NULL;
	git_oid		 tip, target, base;
	char		 b[41], t[41], name[300];
	struct oneshot	 o = { c };
	int		 rc = E_NOTFOUND;

	if (git_repository_open_ext(&r, jsonx_get_str(att, "git_repo_path"),
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0)
		return E_NOTFOUND;
	snprintf(name, sizeof(name), "refs/heads/%s", jsonx_get_str(att,
	    "branch"));
	if (git_reference_name_to_id(&tip, r, name) != 0)
		goto out;
	snprintf(name, sizeof(name), "refs/heads/%s", jsonx_get_str(att,
	    "target_branch"));
	if (git_reference_name_to_id(&target, r, name) != 0 ||
	    git_merge_base(&base, r, &tip, &target) != 0)
		goto out;
	git_oid_tostr(b, sizeof(b), &base);
	git_oid_tostr(t, sizeof(t), &tip);
	git_repository_free(r);
	r = NULL;
	rc = wtdiff_commits(jsonx_get_str(att, "git_repo_path"), b, t,
	    oneshot_send, &o);
out:
	git_reference_free(ref);
	git_repository_free(r);
	return rc;
}

/* ------------------------------------------------------------ stream */

int
diff_check(const struct route_req *rq, char *err, size_t errsz)
{
	json_object	*a;
	int		 rc;

	if ((rc = db_attempt_get(stream_db(), &a, rq->id)) == 0) {
		json_object_put(a);
		return 0;
	}
	snprintf(err, errsz, rc == E_NOTFOUND ? "task attempt not found" :
	    "database unavailable");
	return rc == E_NOTFOUND ? 404 : 503;
}

int
diff_open(struct client *c)
{
	json_object	*att;
	struct wset	*ws;
	struct oneshot	 o = { c };
	const char	*wt;
	char		 commit[64];
	size_t		 i;
	int		 rc;

	c->budget = DIFF_BUDGET;
	if (db_stream_attempt(stream_db(), &att, c->req.id) != 0)
		return E_FAIL;
	merged_commit(commit, sizeof(commit), att);
	if (commit[0] != '\0' && wtdiff_commits(jsonx_get_str(att,
	    "git_repo_path"), NULL, commit, oneshot_send, &o) == 0) {
		/* Merged: the merge commit's diff, then finished. */
		json_object_put(att);
		client_finish(c);
		return 0;
	}
	wt = jsonx_get_str(att, "container_ref");
	if (wt == NULL || access(wt, F_OK) != 0) {
		/* No worktree to watch: the branch as committed. */
		rc = branch_diff(c, att);
		json_object_put(att);
		return rc;
	}
	ws = wset_get(c->req.id, wt, jsonx_get_str(att, "target_branch"));
	json_object_put(att);
	if (ws == NULL)
		return E_FAIL;
	/* A batch in flight first: the snapshot is then current. */
	if (ws->debounce.armed)
		wset_update(ws);
	c->topic = ws;
	clist_add(&ws->clients, c);
	for (i = 0; i < ws->nents; i++)
		diff_send_entry(c, &ws->ents[i], 0, 0);
	return 0;
}

void
diff_close(struct client *c)
{
	struct wset	*ws = c->topic;

	if (ws == NULL)
		return;
	clist_remove(&ws->clients, c);
	c->topic = NULL;
	if (ws->clients.n == 0)
		wset_free(ws);
}

int
diff_init(void)
{
	if ((ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
		return E_FAIL;
	return loop_fd_add(ino_fd, on_inotify, NULL);
}

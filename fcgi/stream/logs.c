/* logs.c: raw and normalized log streams of one execution process */
#include <stdlib.h>
#include <string.h>

#include "db_node.h"
#include "db_stream.h"
#include "err.h"
#include "jsonx.h"
#include "log.h"
#include "logreplay.h"
#include "msg.h"
#include "normalize.h"
#include "stream.h"

#define LOGS_POLL_MS		500	/* the safety net for lost datagrams */
#define LOGS_DEBOUNCE_MS	2
#define LOGS_PAGE		500	/* rows per query */

/*
 * One watcher per (process, raw or normalized) with clients. It reads the
 * process's log rows in id order (execution_process_logs, written by the
 * runner in batches) and keeps every message it sent, so a newcomer gets
 * the same history by reference and then the live messages everybody
 * gets. The runner's datagram after each batch (lib/notify.h) wakes it;
 * a poll catches a lost one. When the process has ended and its last row
 * is read, every client gets {"finished":true}.
 */
struct logw {
	char			 process[UUID_STRLEN + 1];
	char			 attempt[UUID_STRLEN + 1];
	int			 normalized;
	struct clist		 clients;
	long long		 last_id;
	int			 finished;
	struct msg		**hist;
	size_t			 nhist, caphist;
	size_t			 nentries;	/* raw: next /entries index */
	struct normalizer	*norm;
	int64_t			 ms;
	struct loop_timer	 debounce;
	struct logw		*next;
};

static struct logw		*watchers;
static struct loop_timer	 poll_timer;

/* Keep m in the history and send it to the current clients. */
static int
logw_emit(struct logw *w, struct msg *m)
{
	struct msg	**grown;
	size_t		 cap;

	if (m == NULL)
		return E_FAIL;
	if (w->nhist == w->caphist) {
		cap = w->caphist ? w->caphist * 2 : 64;
		if ((grown = realloc(w->hist, cap * sizeof(*grown))) == NULL) {
			msg_unref(m);
			return E_FAIL;
		}
		w->hist = grown;
		w->caphist = cap;
	}
	w->hist[w->nhist++] = m;
	client_broadcast(&w->clients, m);
	return 0;
}

/* One stored LogMsg: add /entries/<n> {type: STDOUT|STDERR, content}. */
static int
logw_raw(json_object *lm, void *arg)
{
	struct logw	*w = arg;
	json_object	*v;
	const char	*s;
	char		 path[48];
	int		 err;

	if ((s = logreplay_text(lm, &err)) == NULL)
		return 0;
	snprintf(path, sizeof(path), "/entries/%zu", w->nentries);
	if ((v = json_object_new_object()) == NULL ||
	    jsonx_add_str(v, "type", err ? "STDERR" : "STDOUT") != 0 ||
	    jsonx_add_str(v, "content", s) != 0) {
		json_object_put(v);
		return E_FAIL;
	}
	w->nentries++;
	return logw_emit(w, msg_one_op(msg_op("add", path, v)));
}

/* One stored LogMsg through the normalizer: its ops as one message. */
static int
logw_norm(json_object *lm, void *arg)
{
	struct logw	*w = arg;
	json_object	*ops = NULL;
	int		 rc;

	if ((rc = logreplay_normalize(&ops, w->norm, lm, &w->ms)) != 0)
		return rc;
	if (json_object_array_length(ops) == 0) {
		json_object_put(ops);
		return 0;
	}
	return logw_emit(w, msg_patch(ops));
}

/*
 * Read what is new: the status first, then the rows, so a process seen
 * ended has all its rows (the runner writes them before the status).
 */
static int
logw_poll(struct logw *w)
{
	json_object	*proc, *rows, *row, *v;
	const char	*st;
	size_t		 i, n;
	int		 rc, ended;

	if (w->finished)
		return 0;
	if ((rc = db_process_get(stream_db(), &proc, w->process)) != 0)
		return rc;
	st = jsonx_get_str(proc, "status");
	ended = st != NULL && strcmp(st, "running") != 0;
	json_object_put(proc);
	do {
		if ((rc = db_stream_log_rows(stream_db(), &rows, w->process,
		    w->last_id, 0, LOGS_PAGE)) != 0)
			return rc;
		n = json_object_array_length(rows);
		for (i = 0; i < n && rc == 0; i++) {
			row = json_object_array_get_idx(rows, i);
			if (json_object_object_get_ex(row, "id", &v))
				w->last_id = json_object_get_int64(v);
			rc = logreplay_lines(jsonx_get_str(row, "logs"),
			    w->normalized ? logw_norm : logw_raw, w);
		}
		json_object_put(rows);
		if (rc != 0)
			return rc;
	} while (n == LOGS_PAGE);
	if (ended) {
		struct client	*c;

		w->finished = 1;
		for (c = w->clients.head; c != NULL; c = c->tnext)
			client_finish(c);
	}
	return 0;
}

static void
logw_poll_cb(void *arg)
{
	struct logw	*w = arg;

	if (logw_poll(w) != 0)
		log_warnx("process %s: cannot read its logs", w->process);
}

static void
logs_poll(void *arg)
{
	struct logw	*w;

	for (w = watchers; w != NULL; w = w->next)
		if (!w->finished && w->clients.n > 0)
			logw_poll_cb(w);
}

static void
logw_wake(struct logw *w)
{
	if (!w->finished && !w->debounce.armed)
		loop_after(&w->debounce, LOGS_DEBOUNCE_MS, logw_poll_cb, w);
}

void
logs_notify(const char *process)
{
	struct logw	*w;

	for (w = watchers; w != NULL; w = w->next)
		if (strcmp(w->process, process) == 0)
			logw_wake(w);
}

void
logs_notify_attempt(const char *attempt)
{
	struct logw	*w;

	for (w = watchers; w != NULL; w = w->next)
		if (strcmp(w->attempt, attempt) == 0)
			logw_wake(w);
}

int
logs_check(const struct route_req *rq, char *err, size_t errsz)
{
	json_object	*p;
	int		 rc;

	if (rq->has_token) {
		/* As the original on a node without token validation. */
		snprintf(err, errsz, "connection token validation not "
		    "configured on this node");
		return 403;
	}
	if ((rc = db_process_get(stream_db(), &p, rq->id)) == 0) {
		json_object_put(p);
		return 0;
	}
	snprintf(err, errsz, rc == E_NOTFOUND ? "execution process not found" :
	    "database unavailable");
	return rc == E_NOTFOUND ? 404 : 503;
}

static void
logw_free(struct logw *w)
{
	struct logw	**pp;
	size_t		 i;

	for (pp = &watchers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	loop_cancel(&w->debounce);
	for (i = 0; i < w->nhist; i++)
		msg_unref(w->hist[i]);
	free(w->hist);
	normalize_free(w->norm);
	free(w);
}

static struct logw *
logw_new(const char *process, int normalized)
{
	struct logw	*w;
	json_object	*proc;
	const char	*a;

	if (db_process_get(stream_db(), &proc, process) != 0)
		return NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		goto fail;
	memcpy(w->process, process, sizeof(w->process));
	if ((a = jsonx_get_str(proc, "task_attempt_id")) != NULL)
		snprintf(w->attempt, sizeof(w->attempt), "%s", a);
	w->normalized = normalized;
	if (normalized && normalize_new(&w->norm, logreplay_mode(proc,
	    stream_executors()), NULL, 0) != 0)
		goto fail;
	json_object_put(proc);
	w->next = watchers;
	watchers = w;
	return w;
fail:
	json_object_put(proc);
	free(w);
	return NULL;
}

int
logs_open(struct client *c)
{
	struct logw	*w;
	size_t		 i;
	int		 normalized = c->req.route->kind == STREAM_NORM_LOGS;

	for (w = watchers; w != NULL; w = w->next)
		if (w->normalized == normalized &&
		    strcmp(w->process, c->req.id) == 0)
			break;
	if (w == NULL && (w = logw_new(c->req.id, normalized)) == NULL)
		return E_FAIL;
	/* Catch up first: the history then ends where live begins. */
	if (logw_poll(w) != 0) {
		if (w->clients.n == 0)
			logw_free(w);
		return E_FAIL;
	}
	c->topic = w;
	clist_add(&w->clients, c);
	for (i = 0; i < w->nhist; i++)
		client_send(c, w->hist[i], 0);
	if (w->finished)
		client_finish(c);
	return 0;
}

void
logs_close(struct client *c)
{
	struct logw	*w = c->topic;

	if (w == NULL)
		return;
	clist_remove(&w->clients, c);
	c->topic = NULL;
	if (w->clients.n == 0)
		logw_free(w);
}

void
logs_init(void)
{
	loop_every(&poll_timer, LOGS_POLL_MS, logs_poll, NULL);
}

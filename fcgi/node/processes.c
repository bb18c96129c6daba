/* processes.c: execution process routes (list, get, logs, stop) */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board_cache.h"
#include "db_node.h"
#include "db_runs.h"
#include "err.h"
#include "executors.h"
#include "jsonx.h"
#include "logreplay.h"
#include "node.h"
#include "normalize.h"
#include "notify.h"
#include "spawn.h"

#define STOP_GRACE_MS	2000	/* between SIGINT, SIGTERM and SIGKILL */

/* Runs whose runner died are failed before anyone sees them running. */
static void
reap(struct req *rq)
{
	int	 n;

	(void)db_run_reap_orphans(rq->db, &n);
}

/*
 * GET /api/execution-processes?task_attempt_id=&show_soft_deleted=:
 * ExecutionProcess[] oldest first. 400 without a valid attempt id.
 */
int
process_list(struct req *rq, struct reply *rp)
{
	const char	*aid = req_query(rq, "task_attempt_id");
	const char	*sd = req_query(rq, "show_soft_deleted");
	char		 id[UUID_STRLEN + 1];
	json_object	*arr;
	size_t		 i, n;
	int		 rc;

	if (aid == NULL)
		return reply_errorf(rp, 400,
		    "query parameter 'task_attempt_id' is required");
	if (uuid_parse(id, aid) != 0)
		return reply_errorf(rp, 400,
		    "query parameter 'task_attempt_id' must be a UUID");
	if (sd != NULL && strcmp(sd, "true") != 0 && strcmp(sd, "false") != 0)
		return reply_errorf(rp, 400, "query parameter "
		    "'show_soft_deleted' must be true or false");
	reap(rq);
	if ((rc = db_process_list(rq->db, &arr, id, sd != NULL &&
	    strcmp(sd, "true") == 0)) != 0)
		return reply_err(rp, rc, NULL);
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		process_action_as_object(json_object_array_get_idx(arr, i));
	return reply_data(rp, arr);
}

/* GET /api/execution-processes/{id}. 200, 404. */
int
process_get(struct req *rq, struct reply *rp)
{
	json_object	*obj;
	int		 rc;

	reap(rq);
	if ((rc = db_process_get(rq->db, &obj, rq->id)) != 0)
		return reply_err(rp, rc, "execution process");
	process_action_as_object(obj);
	return reply_data(rp, obj);
}

/*
 * Call fn for each stored LogMsg of process id, in order. The rows hold
 * JSON lines; a line that does not parse is skipped.
 */
static int
logs_foreach(struct req *rq, int (*fn)(json_object *msg, void *), void *arg)
{
	json_object	*rows;
	size_t		 i, n;
	int		 rc;

	if ((rc = db_process_logs(rq->db, &rows, rq->id)) != 0)
		return rc;
	n = json_object_array_length(rows);
	for (i = 0, rc = 0; i < n && rc == 0; i++)
		rc = logreplay_lines(jsonx_get_str(json_object_array_get_idx(rows,
		    i), "logs"), fn, arg);
	json_object_put(rows);
	return rc;
}

static int
collect_raw(json_object *msg, void *arg)
{
	return json_object_array_add(arg, json_object_get(msg)) == 0 ? 0 :
	    E_FAIL;
}

/* The process row, or a reply (404). */
static int
process_or_reply(struct req *rq, struct reply *rp, json_object **proc)
{
	int	 rc;

	if ((rc = db_process_get(rq->db, proc, rq->id)) != 0)
		return reply_err(rp, rc, "execution process");
	return 0;
}

static int
finished(json_object *proc)
{
	const char	*s = jsonx_get_str(proc, "status");

	return s != NULL && strcmp(s, "running") != 0;
}

/*
 * GET /api/execution-processes/{id}/raw-logs: {entries: LogMsg[]
 * ({"Stdout": "..."} / {"Stderr": "..."}), finished}: the REST form of
 * the original's raw-logs stream. 200, 404.
 */
int
process_raw_logs(struct req *rq, struct reply *rp)
{
	json_object	*proc, *out = NULL, *arr = NULL;
	int		 rc;

	reap(rq);
	if ((rc = process_or_reply(rq, rp, &proc)) != 0)
		return rc;
	if ((out = json_object_new_object()) == NULL ||
	    (arr = json_object_new_array()) == NULL ||
	    (rc = logs_foreach(rq, collect_raw, arr)) != 0) {
		json_object_put(out);
		json_object_put(arr);
		json_object_put(proc);
		return reply_err(rp, rc != 0 ? rc : E_FAIL, NULL);
	}
	jsonx_add(out, "entries", arr);
	jsonx_add_bool(out, "finished", finished(proc));
	json_object_put(proc);
	return reply_data(rp, out);
}

struct replay {
	struct normalizer	*norm;
	json_object		*entries;
	int64_t			 ms;
};

/* Apply add/replace ops at /entries/<n> to the entries array. */
static int
apply_ops(json_object *entries, json_object *ops)
{
	json_object	*op, *val;
	const char	*path;
	size_t		 i, n = json_object_array_length(ops);
	long		 idx;

	for (i = 0; i < n; i++) {
		op = json_object_array_get_idx(ops, i);
		path = jsonx_get_str(op, "path");
		if (path == NULL || strncmp(path, "/entries/", 9) != 0 ||
		    !json_object_object_get_ex(op, "value", &val))
			continue;
		idx = strtol(path + 9, NULL, 10);
		if (idx < 0 || idx > (long)json_object_array_length(entries))
			continue;
		if (json_object_array_put_idx(entries, (size_t)idx,
		    json_object_get(val)) != 0)
			return E_FAIL;
	}
	return 0;
}

static int
replay_one(json_object *msg, void *arg)
{
	struct replay	*r = arg;
	json_object	*ops = NULL;
	int		 rc;

	if ((rc = logreplay_normalize(&ops, r->norm, msg, &r->ms)) != 0)
		return rc;
	rc = apply_ops(r->entries, ops);
	json_object_put(ops);
	return rc;
}

/*
 * GET /api/execution-processes/{id}/normalized-logs: {entries:
 * NormalizedEntry[], finished}, recomputed from the raw logs as the
 * original does. 200, 404.
 */
int
process_normalized_logs(struct req *rq, struct reply *rp)
{
	struct replay	 r;
	json_object	*proc, *out;
	int		 rc;

	reap(rq);
	if ((rc = process_or_reply(rq, rp, &proc)) != 0)
		return rc;
	memset(&r, 0, sizeof(r));
	if (normalize_new(&r.norm, logreplay_mode(proc,
	    node_executors()), NULL, 0) != 0 ||
	    (r.entries = json_object_new_array()) == NULL ||
	    (rc = logs_foreach(rq, replay_one, &r)) != 0 ||
	    (out = json_object_new_object()) == NULL) {
		normalize_free(r.norm);
		json_object_put(r.entries);
		json_object_put(proc);
		return reply_errorf(rp, 500, "cannot normalize the logs");
	}
	normalize_free(r.norm);
	jsonx_add(out, "entries", r.entries);
	jsonx_add_bool(out, "finished", finished(proc));
	json_object_put(proc);
	return reply_data(rp, out);
}

/*
 * Stop one running process: marked killed first (its runner keeps that
 * status and ends the chain), then its group gets SIGINT, SIGTERM and
 * SIGKILL as the original does. E_NOTFOUND when not running.
 */
int
process_stop_one(struct db *db, const char *id)
{
	json_object	*row;
	const char	*tid;
	long long	 pgid = 0;
	int		 rc;

	if ((rc = db_begin(db)) != 0 ||
	    (rc = db_process_kill(db, &pgid, id)) != 0 ||
	    (rc = db_commit(db)) != 0) {
		db_rollback(db);
		return rc;
	}
	if (pgid > 1)
		spawn_stop_group((pid_t)pgid, STOP_GRACE_MS);
	/*
	 * The task waits for review, as after any stop; the runner does it
	 * too when it ends the chain, but a process stopped before its runner
	 * claimed it has no runner to do it.
	 */
	if (db_run_load(db, &row, id) == 0) {
		tid = jsonx_get_str(row, "task_id");
		if (strcmp(jsonx_get_str(row, "run_reason"), "devserver") != 0 &&
		    db_run_task_status(db, tid, "inreview") == 0)
			board_changed(0, jsonx_get_str(row, "project_id"), &tid, 1);
		notify_send(NOTIFY_PROCS, jsonx_get_str(row, "task_attempt_id"));
		json_object_put(row);
	}
	return 0;
}

/* POST /api/execution-processes/{id}/stop: null. 404 unknown. */
int
process_stop(struct req *rq, struct reply *rp)
{
	json_object	*proc;
	int		 rc;

	if ((rc = process_or_reply(rq, rp, &proc)) != 0)
		return rc;
	json_object_put(proc);
	if ((rc = process_stop_one(rq->db, rq->id)) != 0 && rc != E_NOTFOUND)
		return reply_err(rp, rc, NULL);
	return reply_null(rp, 200);
}

/*
 * POST /api/task-attempts/{id}/stop: stop every running process of the
 * attempt; null, as the original (best effort). 404 unknown attempt.
 */
int
attempt_stop(struct req *rq, struct reply *rp)
{
	json_object	*att, *procs;
	const char	*st;
	size_t		 i, n;
	int		 rc;

	if ((rc = db_attempt_get(rq->db, &att, rq->id)) != 0)
		return reply_err(rp, rc, "task attempt");
	json_object_put(att);
	if ((rc = db_process_list(rq->db, &procs, rq->id, 0)) != 0)
		return reply_err(rp, rc, NULL);
	n = json_object_array_length(procs);
	for (i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(procs, i);

		st = jsonx_get_str(p, "status");
		if (st != NULL && strcmp(st, "running") == 0)
			(void)process_stop_one(rq->db, jsonx_get_str(p, "id"));
	}
	json_object_put(procs);
	return reply_null(rp, 200);
}

/* procs.c: /api/execution-processes/stream/ws: an attempt's processes, live */
#include <stdlib.h>
#include <string.h>

#include "db_node.h"
#include "err.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "stream.h"

#define PROCS_POLL_MS		2000
#define PROCS_DEBOUNCE_MS	5

/*
 * One watcher per attempt with clients: every process row (dropped ones
 * too) as last sent. Clients without show_soft_deleted see dropped
 * processes as removed, as the original.
 */
struct procs {
	char			 attempt[UUID_STRLEN + 1];
	struct clist		 clients;
	json_object		*rows;		/* id -> ExecutionProcess */
	json_object		*rendered;	/* id -> its JSON text */
	struct loop_timer	 debounce;
	struct procs		*next;
};

static struct procs		*watchers;
static struct loop_timer	 poll_timer;

static struct procs *
procs_find(const char *attempt)
{
	struct procs	*p;

	for (p = watchers; p != NULL; p = p->next)
		if (strcmp(p->attempt, attempt) == 0)
			return p;
	return NULL;
}

static int
is_dropped(json_object *row)
{
	json_object	*v;

	return json_object_object_get_ex(row, "dropped", &v) &&
	    json_object_get_boolean(v);
}

static int
push_op(json_object *ops, const char *op, const char *id, json_object *row)
{
	return json_object_array_add(ops, msg_op_at(op, "/execution_processes",
	    id, row != NULL ? json_object_get(row) : NULL));
}

static void
send_ops(struct procs *p, json_object *ops, int all)
{
	struct client	*c;
	struct msg	*m;

	if (json_object_array_length(ops) == 0)
		return;
	if ((m = msg_patch(json_object_get(ops))) == NULL)
		return;
	for (c = p->clients.head; c != NULL; c = c->tnext)
		if (c->req.show_soft_deleted == all)
			client_send(c, m, 1);
	msg_unref(m);
}

/* Re-read the processes and send what changed, per view. 0, E_DB, E_FAIL. */
static int
procs_refresh(struct procs *p)
{
	json_object	*list = NULL, *rows = NULL, *rendered = NULL;
	json_object	*all = NULL, *vis = NULL, *row, *oldr;
	const char	*id, *r;
	size_t		 i, n;
	int		 rc, was_vis, now_vis;

	if ((rc = db_process_list(stream_db(), &list, p->attempt, 1)) != 0)
		return rc;
	rc = E_FAIL;
	if ((rows = json_object_new_object()) == NULL ||
	    (rendered = json_object_new_object()) == NULL ||
	    (all = json_object_new_array()) == NULL ||
	    (vis = json_object_new_array()) == NULL)
		goto out;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		row = json_object_array_get_idx(list, i);
		process_action_as_object(row);
		if ((id = jsonx_get_str(row, "id")) == NULL ||
		    (r = jsonx_render(row, NULL)) == NULL ||
		    jsonx_add(rows, id, json_object_get(row)) != 0 ||
		    jsonx_add_str(rendered, id, r) != 0)
			goto out;
		if (p->rendered == NULL)
			continue;
		now_vis = !is_dropped(row);
		if (!json_object_object_get_ex(p->rendered, id, &oldr)) {
			if (push_op(all, "add", id, row) != 0 ||
			    (now_vis && push_op(vis, "add", id, row) != 0))
				goto out;
			continue;
		}
		if (strcmp(json_object_get_string(oldr), r) == 0)
			continue;
		json_object_object_get_ex(p->rows, id, &oldr);
		was_vis = !is_dropped(oldr);
		if (push_op(all, "replace", id, row) != 0 ||
		    (was_vis && now_vis && push_op(vis, "replace", id, row)) ||
		    (was_vis && !now_vis && push_op(vis, "remove", id, NULL)) ||
		    (!was_vis && now_vis && push_op(vis, "add", id, row)))
			goto out;
	}
	if (p->rows != NULL) {
		json_object_object_foreach(p->rows, key, old) {
			if (json_object_object_get_ex(rows, key, NULL))
				continue;
			if (push_op(all, "remove", key, NULL) != 0 ||
			    (!is_dropped(old) && push_op(vis, "remove", key,
			    NULL) != 0))
				goto out;
		}
	}
	send_ops(p, all, 1);
	send_ops(p, vis, 0);
	json_object_put(p->rows);
	json_object_put(p->rendered);
	p->rows = rows;
	p->rendered = rendered;
	rows = rendered = NULL;
	rc = 0;
out:
	json_object_put(list);
	json_object_put(rows);
	json_object_put(rendered);
	json_object_put(all);
	json_object_put(vis);
	return rc;
}

static void
procs_refresh_cb(void *arg)
{
	struct procs	*p = arg;

	if (procs_refresh(p) != 0)
		log_warnx("attempt %s: cannot read its processes", p->attempt);
}

static void
procs_poll(void *arg)
{
	struct procs	*p;

	for (p = watchers; p != NULL; p = p->next)
		procs_refresh_cb(p);
}

void
procs_notify(const char *attempt)
{
	struct procs	*p;

	if ((p = procs_find(attempt)) != NULL && !p->debounce.armed)
		loop_after(&p->debounce, PROCS_DEBOUNCE_MS, procs_refresh_cb, p);
}

int
procs_check(const struct route_req *rq, char *err, size_t errsz)
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

static struct msg *
procs_snapshot(struct procs *p, int all)
{
	json_object	*map, *ops;

	if ((map = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_foreach(p->rows, id, row) {
		if ((all || !is_dropped(row)) &&
		    jsonx_add(map, id, json_object_get(row)) != 0) {
			json_object_put(map);
			return NULL;
		}
	}
	if ((ops = json_object_new_array()) == NULL ||
	    json_object_array_add(ops, msg_op("replace", "/execution_processes",
	    map)) != 0) {
		json_object_put(ops);
		return NULL;
	}
	return msg_patch(ops);
}

static void
procs_free(struct procs *p)
{
	struct procs	**pp;

	for (pp = &watchers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	loop_cancel(&p->debounce);
	json_object_put(p->rows);
	json_object_put(p->rendered);
	free(p);
}

int
procs_open(struct client *c)
{
	struct procs	*p;
	struct msg	*m;

	if ((p = procs_find(c->req.id)) == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return E_FAIL;
		memcpy(p->attempt, c->req.id, sizeof(p->attempt));
		p->next = watchers;
		watchers = p;
	}
	if (procs_refresh(p) != 0 ||
	    (m = procs_snapshot(p, c->req.show_soft_deleted)) == NULL) {
		if (p->clients.n == 0)
			procs_free(p);
		return E_FAIL;
	}
	c->topic = p;
	clist_add(&p->clients, c);
	client_send(c, m, 0);
	msg_unref(m);
	return 0;
}

void
procs_close(struct client *c)
{
	struct procs	*p = c->topic;

	if (p == NULL)
		return;
	clist_remove(&p->clients, c);
	c->topic = NULL;
	if (p->clients.n == 0)
		procs_free(p);
}

void
procs_init(void)
{
	loop_every(&poll_timer, PROCS_POLL_MS, procs_poll, NULL);
}

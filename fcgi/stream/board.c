/* board.c: /api/tasks/stream/ws?project_id=: a project's tasks, live */
#include <stdlib.h>
#include <string.h>

#include "db_node.h"
#include "db_stream.h"
#include "err.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "stream.h"

#define BOARD_POLL_MS		2000	/* the safety net for lost datagrams */
#define BOARD_DEBOUNCE_MS	5	/* a burst of writes: one query */

/*
 * One board per project with clients: the TaskWithAttemptStatus objects
 * last sent (and their renderings, to see what changed). A notification
 * or a changed fingerprint re-reads the list and sends the differences.
 */
struct board {
	char			 project[UUID_STRLEN + 1];
	struct clist		 clients;
	json_object		*tasks;		/* id -> task */
	json_object		*rendered;	/* id -> its JSON text */
	char			 sig[256];
	struct loop_timer	 debounce;
	struct board		*next;
};

static struct board		*boards;
static struct loop_timer	 poll_timer;

static struct board *
board_find(const char *project)
{
	struct board	*b;

	for (b = boards; b != NULL; b = b->next)
		if (strcmp(b->project, project) == 0)
			return b;
	return NULL;
}

/*
 * Re-read the project's tasks and send the differences (one message of
 * add / replace / remove ops at /tasks/<id>) to the clients. 0, E_DB,
 * E_FAIL.
 */
static int
board_refresh(struct board *b)
{
	json_object	*list = NULL, *tasks = NULL, *rendered = NULL, *ops = NULL;
	json_object	*t, *old;
	struct msg	*m;
	const char	*id, *r;
	char		 sig[256];
	size_t		 i, n;
	int		 rc;

	/* The fingerprint first: a write after it shows up next time. */
	if ((rc = db_stream_board_sig(stream_db(), sig, sizeof(sig),
	    b->project)) != 0 ||
	    (rc = db_task_list(stream_db(), &list, b->project)) != 0)
		return rc;
	rc = E_FAIL;
	if ((tasks = json_object_new_object()) == NULL ||
	    (rendered = json_object_new_object()) == NULL ||
	    (ops = json_object_new_array()) == NULL)
		goto out;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		t = json_object_array_get_idx(list, i);
		if ((id = jsonx_get_str(t, "id")) == NULL ||
		    (r = jsonx_render(t, NULL)) == NULL)
			goto out;
		if (jsonx_add(tasks, id, json_object_get(t)) != 0 ||
		    jsonx_add_str(rendered, id, r) != 0)
			goto out;
		if (b->rendered == NULL)
			continue;
		if (!json_object_object_get_ex(b->rendered, id, &old)) {
			if (json_object_array_add(ops, msg_op_at("add",
			    "/tasks", id, json_object_get(t))) != 0)
				goto out;
		} else if (strcmp(json_object_get_string(old), r) != 0 &&
		    json_object_array_add(ops, msg_op_at("replace", "/tasks",
		    id, json_object_get(t))) != 0)
			goto out;
	}
	if (b->rendered != NULL) {
		json_object_object_foreach(b->rendered, key, val) {
			(void)val;
			if (!json_object_object_get_ex(rendered, key, NULL) &&
			    json_object_array_add(ops, msg_op_at("remove",
			    "/tasks", key, NULL)) != 0)
				goto out;
		}
	}
	if (json_object_array_length(ops) > 0) {
		m = msg_patch(ops);
		ops = NULL;
		if (m == NULL)
			goto out;
		client_broadcast(&b->clients, m);
		msg_unref(m);
	}
	json_object_put(b->tasks);
	json_object_put(b->rendered);
	b->tasks = tasks;
	b->rendered = rendered;
	tasks = rendered = NULL;
	memcpy(b->sig, sig, sizeof(sig));
	rc = 0;
out:
	json_object_put(list);
	json_object_put(tasks);
	json_object_put(rendered);
	json_object_put(ops);
	return rc;
}

static void
board_refresh_cb(void *arg)
{
	struct board	*b = arg;

	if (board_refresh(b) != 0)
		log_warnx("board %s: cannot read the tasks", b->project);
}

/* Every BOARD_POLL_MS: re-read the boards whose fingerprint moved. */
static void
board_poll(void *arg)
{
	struct board	*b;
	char		 sig[256];

	for (b = boards; b != NULL; b = b->next)
		if (db_stream_board_sig(stream_db(), sig, sizeof(sig),
		    b->project) == 0 && strcmp(sig, b->sig) != 0)
			board_refresh_cb(b);
}

void
board_notify(const char *project)
{
	struct board	*b;

	if ((b = board_find(project)) != NULL && !b->debounce.armed)
		loop_after(&b->debounce, BOARD_DEBOUNCE_MS, board_refresh_cb, b);
}

int
board_check(const struct route_req *rq, char *err, size_t errsz)
{
	json_object	*p;
	int		 rc;

	if ((rc = db_project_get(stream_db(), &p, rq->id)) == 0) {
		json_object_put(p);
		return 0;
	}
	snprintf(err, errsz, rc == E_NOTFOUND ? "project not found" :
	    "database unavailable");
	return rc == E_NOTFOUND ? 404 : 503;
}

/* The snapshot: replace /tasks and /shared_tasks (none: no hive yet). */
static struct msg *
board_snapshot(struct board *b)
{
	json_object	*ops, *shared;

	if ((ops = json_object_new_array()) == NULL ||
	    (shared = json_object_new_object()) == NULL ||
	    json_object_array_add(ops, msg_op("replace", "/tasks",
	    json_object_get(b->tasks))) != 0 ||
	    json_object_array_add(ops, msg_op("replace", "/shared_tasks",
	    shared)) != 0) {
		json_object_put(ops);
		return NULL;
	}
	return msg_patch(ops);
}

static void
board_free(struct board *b)
{
	struct board	**pp;

	for (pp = &boards; *pp != NULL; pp = &(*pp)->next)
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	loop_cancel(&b->debounce);
	json_object_put(b->tasks);
	json_object_put(b->rendered);
	free(b);
}

int
board_open(struct client *c)
{
	struct board	*b;
	struct msg	*m;

	if ((b = board_find(c->req.id)) == NULL) {
		if ((b = calloc(1, sizeof(*b))) == NULL)
			return E_FAIL;
		memcpy(b->project, c->req.id, sizeof(b->project));
		b->next = boards;
		boards = b;
	}
	/* Current for the newcomer; the others get what changed. */
	if (board_refresh(b) != 0 || (m = board_snapshot(b)) == NULL) {
		if (b->clients.n == 0)
			board_free(b);
		return E_FAIL;
	}
	c->topic = b;
	clist_add(&b->clients, c);
	client_send(c, m, 0);
	msg_unref(m);
	return 0;
}

void
board_close(struct client *c)
{
	struct board	*b = c->topic;

	if (b == NULL)
		return;
	clist_remove(&b->clients, c);
	c->topic = NULL;
	if (b->clients.n == 0)
		board_free(b);
}

void
board_init(void)
{
	loop_every(&poll_timer, BOARD_POLL_MS, board_poll, NULL);
}

/* hivelink.c: the hive's end of the node link (GET /hive/v1/nodes/ws) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apikey.h"
#include "db.h"
#include "db_hive.h"
#include "err.h"
#include "hive_config.h"
#include "jsonx.h"
#include "linkmsg.h"
#include "log.h"
#include "node_session.h"
#include "stream.h"
#include "text.h"

/*
 * One session per connected node. Everything runs on the loop, so the
 * database work here is short indexed statements only: the auth
 * (key lookup, the node's upsert, its links), link/unlink, the
 * disconnect. Heartbeats never write one by one: the once-a-second
 * sweep writes every node whose stored heartbeat is older than the
 * resolution (a third of the window) or whose status changed, in
 * batched UPDATE ... WHERE id IN (...). With 100,000 nodes beating every
 * 15 s and a 90 s window that is ~3,300 rows a second in 13 statements,
 * instead of 6,700 single-row statements. Those writes and the
 * disconnects run on a writer thread with its own connection, one
 * transaction per batch of jobs, so a slow disk never stalls the loop.
 */
#define AUTH_TIMEOUT_MS_DEFAULT	30000		/* the original's */
#define LINK_QUEUE_MAX		64		/* the original's per-node queue */
#define BATCH			256		/* ids per UPDATE */
#define NODE_BUCKETS		65536
#define ORG_BUCKETS		1024
#define WRITER_MAX_JOBS		4096		/* beyond: heartbeats dropped */

struct horg;

struct hlink {
	struct client	*c;
	struct hlink	*next, *prev;		/* every link */
	struct hlink	*onext, *oprev;		/* its organization's links */
	struct hlink	*hnext;			/* node id hash chain */
	struct horg	*org;
	const char	*status;		/* reported (static string) */
	const char	*written_status;	/* as last written */
	int64_t		 opened_ms, last_hb_ms, written_ms;
	char		*rx;			/* a message in pieces */
	size_t		 rxlen;
	unsigned int	 authed:1, hb_pending:1, replaced:1;
	char		 node_id[UUID_STRLEN + 1];
	char		 org_id[UUID_STRLEN + 1];
	char		 key_id[UUID_STRLEN + 1];
};

struct horg {
	char		 id[UUID_STRLEN + 1];
	struct hlink	*head;
	struct horg	*next;
};

static struct hlink	*all_links;
static size_t		 n_links;
static struct hlink	*node_index[NODE_BUCKETS];
static struct horg	*org_index[ORG_BUCKETS];
static struct loop_timer sweep_timer;
static int64_t		 window_ms, resolution_ms, auth_timeout_ms;
static char		 batch_sql[160 + BATCH * 2];

static void	writer_disconnect(const struct hlink *);

/* The ack of this second, shared by every heartbeat in it. */
static struct msg	*ack_msg;
static time_t		 ack_sec;

static uint32_t
hash_id(const char *s)
{
	uint32_t	 h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct hlink **
node_slot(const char *node_id)
{
	struct hlink	**pp = &node_index[hash_id(node_id) % NODE_BUCKETS];

	while (*pp != NULL && strcmp((*pp)->node_id, node_id) != 0)
		pp = &(*pp)->hnext;
	return pp;
}

static struct horg *
org_get(const char *org_id, int create)
{
	struct horg	**pp = &org_index[hash_id(org_id) % ORG_BUCKETS], *o;

	for (o = *pp; o != NULL; o = o->next)
		if (strcmp(o->id, org_id) == 0)
			return o;
	if (!create || (o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	memcpy(o->id, org_id, sizeof(o->id));
	o->next = *pp;
	*pp = o;
	return o;
}

static void
org_drop(struct hlink *l)
{
	struct horg	*o = l->org, **pp;

	if (o == NULL)
		return;
	if (l->oprev != NULL)
		l->oprev->onext = l->onext;
	else
		o->head = l->onext;
	if (l->onext != NULL)
		l->onext->oprev = l->oprev;
	l->onext = l->oprev = NULL;
	l->org = NULL;
	if (o->head != NULL)
		return;
	for (pp = &org_index[hash_id(o->id) % ORG_BUCKETS]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			free(o);
			return;
		}
}

/*
 * Queue m (a reference is taken) for the node. The queue is bounded: a
 * node that does not read its link is cut off rather than buffered.
 */
static void
hl_send(struct hlink *l, struct msg *m)
{
	int	 rc;

	if (m == NULL || l->c->closing)
		return;
	if ((rc = outq_push(&l->c->q, m, 1)) != 0) {
		client_close(l->c, rc == E_TOOBIG ? 1008 : 1011, rc == E_TOOBIG ?
		    "the node does not read its link" : "out of memory");
		return;
	}
	lws_callback_on_writable(l->c->wsi);
}

static void
hl_send_new(struct hlink *l, struct msg *m)
{
	hl_send(l, m);
	msg_unref(m);
}

/* {"type":"error","data":{"message_id":null,"error":...}} */
static void
hl_error(struct hlink *l, const char *error)
{
	json_object	*d = json_object_new_object();

	if (d == NULL || jsonx_add_str(d, "message_id", NULL) != 0 ||
	    jsonx_add_str(d, "error", error) != 0) {
		json_object_put(d);
		return;
	}
	hl_send_new(l, link_msg("error", d));
}

/* Tell the node why, then close with code and the same reason. */
static void
hl_fail(struct hlink *l, int code, const char *why)
{
	char	 esc[160];

	log_escape(esc, sizeof(esc), why);
	log_info("node link %s: closed: %s", l->authed ? l->node_id :
	    "(not authenticated)", esc);
	hl_error(l, why);
	client_close(l->c, code, why);
}

/* auth_result with success false, then close (policy violation). */
static void
hl_auth_fail(struct hlink *l, const char *why, int code)
{
	json_object	*d = json_object_new_object();
	char		 esc[160];

	log_escape(esc, sizeof(esc), why);
	log_info("node link refused: %s", esc);
	if (d != NULL && jsonx_add_bool(d, "success", 0) == 0 &&
	    jsonx_add_str(d, "node_id", NULL) == 0 &&
	    jsonx_add_str(d, "organization_id", NULL) == 0 &&
	    jsonx_add_str(d, "error", why) == 0 &&
	    jsonx_add_int(d, "protocol_version", LINK_PROTOCOL_VERSION) == 0 &&
	    jsonx_add(d, "linked_projects", json_object_new_array()) == 0)
		hl_send_new(l, link_msg("auth_result", d));
	else
		json_object_put(d);
	client_close(l->c, code, why);
}

/* The original's LinkedProjectInfo from our NodeProject rows. */
static json_object *
linked_projects(json_object *rows)
{
	json_object	*out = json_object_new_array(), *r, *o;
	size_t		 i, n = json_object_array_length(rows);
	static const char *const keep[] = { "project_id", "local_project_id",
	    "git_repo_path", "default_branch", NULL };
	size_t		 k;

	for (i = 0; out != NULL && i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		if ((o = json_object_new_object()) == NULL ||
		    json_object_array_add(out, o) != 0 ||
		    jsonx_add_str(o, "link_id", jsonx_get_str(r, "id")) != 0) {
			json_object_put(out);
			return NULL;
		}
		for (k = 0; keep[k] != NULL; k++)
			if (jsonx_add_str(o, keep[k], jsonx_get_str(r,
			    keep[k])) != 0) {
				json_object_put(out);
				return NULL;
			}
	}
	return out;
}

/*
 * The key as auth.c checks it: form, prefix lookup, constant-time hash
 * compare, revocation. 0 with org and key ids, or the reason in why.
 */
static int
hl_check_key(struct hlink *l, const char *key, const char **why)
{
	char		 prefix[APIKEY_PREFIX + 1];
	json_object	*row = NULL;
	const char	*org, *id;
	int		 rc;

	*why = "invalid API key";
	if (!apikey_well_formed(key))
		return E_INVAL;
	apikey_prefix(prefix, key);
	if ((rc = db_key_by_prefix(stream_db(), &row, prefix)) != 0) {
		if (rc != E_NOTFOUND)
			*why = "failed to validate API key";
		return rc;
	}
	rc = E_INVAL;
	if (!apikey_matches(key, jsonx_get_str(row, "key_hash")))
		;
	else if (jsonx_get_str(row, "revoked_at") != NULL)
		*why = "API key revoked";
	else if ((org = jsonx_get_str(row, "organization_id")) == NULL ||
	    (id = jsonx_get_str(row, "id")) == NULL ||
	    uuid_parse(l->org_id, org) != 0 || uuid_parse(l->key_id, id) != 0)
		*why = "failed to validate API key";
	else
		rc = 0;
	json_object_put(row);
	return rc;
}

static void
hl_auth(struct hlink *l, struct link_in *m)
{
	struct node_registration reg;
	json_object	*node = NULL, *links = NULL, *d = NULL, *lp;
	struct hlink	**slot, *old;
	const char	*why, *nid;
	char		 err[200], *caps = NULL;
	size_t		 nlinked;
	int		 rc;

	if (hl_check_key(l, m->u.auth.api_key, &why) != 0) {
		hl_auth_fail(l, why, strcmp(why, "failed to validate API key")
		    == 0 ? 1011 : 1008);
		return;
	}
	if (m->u.auth.protocol_version != LINK_PROTOCOL_VERSION) {
		snprintf(err, sizeof(err), "protocol version mismatch: "
		    "client=%lld, server=%d", m->u.auth.protocol_version,
		    LINK_PROTOCOL_VERSION);
		hl_auth_fail(l, err, 1008);
		return;
	}
	if (m->u.auth.public_url != NULL &&
	    !node_public_url_ok(m->u.auth.public_url)) {
		hl_auth_fail(l, "invalid auth message: field 'public_url' must "
		    "be an http(s) URL", 1008);
		return;
	}
	if ((rc = node_capabilities_normalize(&caps, m->u.auth.capabilities,
	    err, sizeof(err))) != 0) {
		hl_auth_fail(l, rc == E_INVAL ? err : "registration failed: "
		    "out of memory", 1008);
		return;
	}
	reg.name = m->u.auth.name;
	reg.machine_id = m->u.auth.machine_id;
	reg.public_url = m->u.auth.public_url;
	reg.capabilities = caps;
	rc = hive_node_register(stream_db(), &node, &links, l->org_id,
	    l->key_id, &reg);
	free(caps);
	if (rc != 0 || (nid = jsonx_get_str(node, "id")) == NULL ||
	    uuid_parse(l->node_id, nid) != 0 ||
	    (lp = linked_projects(links)) == NULL) {
		json_object_put(node);
		json_object_put(links);
		hl_auth_fail(l, rc == E_DB ? "registration failed: database "
		    "unavailable" : "registration failed", 1011);
		return;
	}
	json_object_put(links);
	nlinked = json_object_array_length(lp);
	/* Used, as auth.c records it (at most once a minute). */
	(void)db_key_touch(stream_db(), l->key_id);
	/* One link per node: a reconnect replaces a half-dead old one. */
	slot = node_slot(l->node_id);
	if ((old = *slot) != NULL) {
		*slot = old->hnext;
		old->hnext = NULL;
		old->replaced = 1;
		hl_fail(old, 1008, "replaced by a new connection of this node");
	}
	l->hnext = NULL;
	*node_slot(l->node_id) = l;
	l->authed = 1;
	l->status = l->written_status = "online";
	l->last_hb_ms = l->written_ms = loop_now_ms();
	if ((l->org = org_get(l->org_id, 1)) != NULL) {
		l->onext = l->org->head;
		if (l->onext != NULL)
			l->onext->oprev = l;
		l->org->head = l;
	}
	if ((d = json_object_new_object()) == NULL ||
	    jsonx_add_bool(d, "success", 1) != 0 ||
	    jsonx_add_str(d, "node_id", l->node_id) != 0 ||
	    jsonx_add_str(d, "organization_id", l->org_id) != 0 ||
	    jsonx_add_str(d, "error", NULL) != 0 ||
	    jsonx_add_int(d, "protocol_version", LINK_PROTOCOL_VERSION) != 0 ||
	    jsonx_add(d, "linked_projects", lp) != 0 ||
	    jsonx_add(d, "node", node) != 0) {
		json_object_put(d);
		client_close(l->c, 1011, "out of memory");
		return;
	}
	hl_send_new(l, link_msg("auth_result", d));
	log_info("node link %s: authenticated (%s)", l->node_id,
	    m->u.auth.name);
	/* Its projects' holder came online: the others pull. */
	if (nlinked > 0)
		hivelink_notify_org(l->org_id);
}

static void
hl_heartbeat(struct hlink *l, struct link_in *m)
{
	struct timespec	 ts;
	json_object	*d;
	char		 now[40];

	l->status = m->u.heartbeat.status;
	l->last_hb_ms = loop_now_ms();
	l->hb_pending = 1;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ack_msg == NULL || ts.tv_sec != ack_sec) {
		msg_unref(ack_msg);
		ack_msg = NULL;
		hive_time_rfc3339(now, (int64_t)ts.tv_sec);
		if ((d = json_object_new_object()) != NULL &&
		    jsonx_add_str(d, "server_time", now) == 0)
			ack_msg = link_msg("heartbeat_ack", d);
		else
			json_object_put(d);
		ack_sec = ts.tv_sec;
	}
	hl_send(l, ack_msg);
}

static void
hl_link(struct hlink *l, struct link_in *m)
{
	struct link_row	 r;
	json_object	*link = NULL;
	const char	*what = "link";
	char		 id[UUID_STRLEN + 1], err[200];
	int		 created, rc;

	if (uuid_new(id) != 0)
		return;
	r.id = id;
	r.node_id = l->node_id;
	r.project_id = m->u.link.project_id;
	r.local_project_id = m->u.link.local_project_id;
	r.git_repo_path = m->u.link.git_repo_path;
	r.default_branch = m->u.link.default_branch;
	rc = hive_node_link(stream_db(), &link, &created, &what, l->org_id, &r);
	json_object_put(link);
	if (rc == 0) {
		if (created)
			hivelink_notify_org(l->org_id);
		return;
	}
	/* As the original: the node is told, the link stays. */
	if (rc == E_NOTFOUND)
		snprintf(err, sizeof(err), "link_project: %s not found", what);
	else if (rc == E_CONFLICT)
		snprintf(err, sizeof(err), "link_project: %s", what);
	else
		snprintf(err, sizeof(err), "link_project failed");
	hl_error(l, err);
}

static void
hl_unlink(struct hlink *l, struct link_in *m)
{
	json_object	*link = NULL;
	const char	*what = "link", *s;
	int		 rc;

	rc = db_link_of_project(stream_db(), &link, m->u.unlink.project_id);
	if (rc == 0 && ((s = jsonx_get_str(link, "node_id")) == NULL ||
	    strcmp(s, l->node_id) != 0))
		rc = E_NOTFOUND;
	if (rc == 0)
		rc = hive_node_unlink(stream_db(), &what, l->org_id, l->node_id,
		    jsonx_get_str(link, "id"));
	json_object_put(link);
	if (rc == 0)
		hivelink_notify_org(l->org_id);
	else
		hl_error(l, rc == E_NOTFOUND ? "unlink_project: link not found" :
		    "unlink_project failed");
}

/* One whole message from the node. */
static void
hl_message(struct hlink *l, const char *buf, size_t len)
{
	struct link_in	 m;
	char		 err[200], why[240];
	int		 rc;

	if ((rc = link_parse(&m, buf, len, err, sizeof(err))) != 0) {
		if (!l->authed) {
			/* The original's words (hive-api.md §4.2). */
			snprintf(why, sizeof(why), "%s%s", strncmp(err,
			    "invalid auth message", 20) == 0 ? "" :
			    "invalid auth message: ", err);
			hl_auth_fail(l, why, rc == E_TOOBIG ? 1009 : 1008);
		} else
			hl_fail(l, rc == E_TOOBIG ? 1009 : rc == E_UNSUPPORTED ?
			    1008 : rc == E_FAIL ? 1011 : 1007, err);
		return;
	}
	if (!l->authed) {
		if (m.type != LINK_AUTH) {
			snprintf(why, sizeof(why), "invalid auth message: "
			    "expected 'auth' first, got '%s'",
			    link_type_names[m.type]);
			hl_auth_fail(l, why, 1008);
		} else
			hl_auth(l, &m);
		link_in_free(&m);
		return;
	}
	switch (m.type) {
	case LINK_HEARTBEAT:
		hl_heartbeat(l, &m);
		break;
	case LINK_LINK_PROJECT:
		hl_link(l, &m);
		break;
	case LINK_UNLINK_PROJECT:
		hl_unlink(l, &m);
		break;
	case LINK_AUTH:		/* a second auth: ignored, as the original */
	case LINK_ACK:
	case LINK_ERROR:
		break;
	default:
		snprintf(why, sizeof(why), "'%s' is not supported over the "
		    "node link: use the REST routes (docs/hive-API.md)",
		    link_type_names[m.type]);
		hl_error(l, why);
		break;
	}
	link_in_free(&m);
}

int
hivelink_receive(struct client *c, const void *in, size_t len, int final,
    int binary)
{
	struct hlink	*l = c->link;
	char		*p;

	if (l == NULL)
		return 0;
	if (binary) {
		hl_fail(l, 1003, "binary frames are not supported");
		return 0;
	}
	if (l->rx == NULL && final) {
		hl_message(l, in, len);
		return 0;
	}
	/* A message in pieces: reassembled up to the limit, no further. */
	if (l->rxlen + len > LINK_MSG_MAX) {
		free(l->rx);
		l->rx = NULL;
		l->rxlen = 0;
		if (!l->authed)
			hl_auth_fail(l, "invalid auth message: message too big",
			    1009);
		else
			hl_fail(l, 1009, "message too big (over 65536 bytes)");
		return 0;
	}
	if ((p = realloc(l->rx, l->rxlen + len + 1)) == NULL) {
		client_close(c, 1011, "out of memory");
		return 0;
	}
	memcpy(p + l->rxlen, in, len);
	l->rx = p;
	l->rxlen += len;
	if (final) {
		hl_message(l, l->rx, l->rxlen);
		free(l->rx);
		l->rx = NULL;
		l->rxlen = 0;
	}
	return 0;
}

int
hivelink_check(const struct route_req *req, char *err, size_t errsz)
{
	return 0;	/* the key comes in the first message */
}

int
hivelink_open(struct client *c)
{
	struct hlink	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return E_FAIL;
	l->c = c;
	c->link = l;
	c->q.max_live_n = LINK_QUEUE_MAX;
	l->opened_ms = loop_now_ms();
	l->next = all_links;
	if (all_links != NULL)
		all_links->prev = l;
	all_links = l;
	n_links++;
	return 0;
}

void
hivelink_close(struct client *c)
{
	struct hlink	*l = c->link, **slot;

	if (l == NULL)
		return;
	c->link = NULL;
	if (l->prev != NULL)
		l->prev->next = l->next;
	else
		all_links = l->next;
	if (l->next != NULL)
		l->next->prev = l->prev;
	n_links--;
	org_drop(l);
	if (l->authed && !l->replaced) {
		slot = node_slot(l->node_id);
		if (*slot == l)
			*slot = l->hnext;
		writer_disconnect(l);
		log_info("node link %s: disconnected", l->node_id);
	}
	free(l->rx);
	free(l);
}

size_t
hivelink_count(void)
{
	return n_links;
}

void
hivelink_notify_org(const char *org_id)
{
	struct horg	*o = org_get(org_id, 0);
	struct hlink	*l;
	struct msg	*m;
	json_object	*d;

	if (o == NULL || (d = json_object_new_object()) == NULL)
		return;
	if (jsonx_add_str(d, "organization_id", org_id) != 0 ||
	    (m = link_msg("activity", d)) == NULL)
		return;
	/*
	 * Coalesced: a node with anything still queued gets nothing more,
	 * it will pull once that arrives and see this change too.
	 */
	for (l = o->head; l != NULL; l = l->onext)
		if (l->c->q.live_n == 0)
			hl_send(l, m);
	msg_unref(m);
}

void
hivelink_key_revoked(const char *key_id)
{
	struct hlink	*l;

	for (l = all_links; l != NULL; l = l->next)
		if (l->authed && strcmp(l->key_id, key_id) == 0)
			hl_fail(l, 1008, "API key revoked");
}

/* ------------------------------------------------------------ the writer */

/* A heartbeat batch (ids with status) or one disconnect. */
struct wjob {
	struct wjob	*next;
	const char	*status;		/* NULL: a disconnect */
	size_t		 n;
	char		 org[UUID_STRLEN + 1];
	char		 at[64];		/* disconnect: when, UTC */
	char		 ids[BATCH][UUID_STRLEN + 1];
};

static pthread_mutex_t	 wmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 wcv = PTHREAD_COND_INITIALIZER;
static struct wjob	*whead, *wtail;
static size_t		 wqueued;
static struct db	*wdb;

static int
wjob_run(struct wjob *j)
{
	/*
	 * A link that ended writes offline unless the node has connected
	 * again since (its auth ran on the loop, before this job).
	 */
	static const char disc[] = "UPDATE nodes SET status = 'offline', "
	    "disconnected_at = UTC_TIMESTAMP(6) WHERE id = ? AND "
	    "organization_id = ? AND (connected_at IS NULL OR "
	    "connected_at <= ?)";
	struct db_param	 p[1 + BATCH];
	size_t		 i;

	if (j->status == NULL) {
		p[0] = DB_STR(j->ids[0]);
		p[1] = DB_STR(j->org);
		p[2] = DB_STR(j->at);
		return db_exec(wdb, disc, p, 3, NULL);
	}
	p[0] = DB_STR(j->status);
	for (i = 0; i < BATCH; i++)
		p[1 + i] = i < j->n ? DB_STR(j->ids[i]) : DB_NULL;
	return db_exec(wdb, batch_sql, p, 1 + BATCH, NULL);
}

static void *
writer(void *arg)
{
	struct wjob	*list, *j;
	int		 rc;

	for (;;) {
		pthread_mutex_lock(&wmu);
		while (whead == NULL)
			pthread_cond_wait(&wcv, &wmu);
		list = whead;
		whead = wtail = NULL;
		wqueued = 0;
		pthread_mutex_unlock(&wmu);
		/* One commit (one log flush) for everything waiting. */
		rc = db_begin(wdb);
		for (j = list; rc == 0 && j != NULL; j = j->next)
			rc = wjob_run(j);
		if (rc == 0)
			rc = db_commit(wdb);
		if (rc != 0) {
			db_rollback(wdb);
			log_warnx("node links: heartbeats or disconnects not "
			    "written (database error %d)", rc);
		}
		while ((j = list) != NULL) {
			list = j->next;
			free(j);
		}
	}
	return NULL;
}

/* Queue j for the writer (taken). */
static void
writer_push(struct wjob *j)
{
	pthread_mutex_lock(&wmu);
	if (wqueued >= WRITER_MAX_JOBS && j->status != NULL) {
		pthread_mutex_unlock(&wmu);
		log_warnx("node links: writer behind, %zu heartbeats dropped",
		    j->n);
		free(j);
		return;
	}
	j->next = NULL;
	if (wtail != NULL)
		wtail->next = j;
	else
		whead = j;
	wtail = j;
	wqueued++;
	pthread_cond_signal(&wcv);
	pthread_mutex_unlock(&wmu);
}

static void
writer_disconnect(const struct hlink *l)
{
	struct wjob	*j;
	struct timespec	 ts;
	struct tm	 tm;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		log_warnx("node link %s: disconnect not recorded", l->node_id);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(j->at, sizeof(j->at), "%04d-%02d-%02d %02d:%02d:%02d.%06ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
	memcpy(j->ids[0], l->node_id, sizeof(j->ids[0]));
	memcpy(j->org, l->org_id, sizeof(j->org));
	j->n = 1;
	writer_push(j);
}

/* Hand the heartbeats of ls[0..n) with status to the writer. */
static void
flush_batch(const char *status, struct hlink **ls, size_t n, int64_t now)
{
	struct wjob	*j;
	size_t		 i;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return;		/* still pending: next second */
	j->status = status;
	j->n = n;
	for (i = 0; i < n; i++)
		memcpy(j->ids[i], ls[i]->node_id, sizeof(j->ids[i]));
	writer_push(j);
	for (i = 0; i < n; i++) {
		ls[i]->hb_pending = 0;
		ls[i]->written_ms = now;
		ls[i]->written_status = status;
	}
}

/*
 * Once a second: auth and heartbeat timeouts, and the batched heartbeat
 * writes (statuses are the static strings of link_parse).
 */
static void
sweep(void *arg)
{
	static const char *const statuses[] = { "online", "busy", "pending",
	    "offline", "draining" };
	struct hlink	*batch[5][BATCH], *l, *next;
	size_t		 nb[5] = { 0 }, s;
	int64_t		 now = loop_now_ms();

	for (l = all_links; l != NULL; l = next) {
		next = l->next;
		if (l->c->closing)
			continue;
		if (!l->authed) {
			if (now - l->opened_ms > auth_timeout_ms)
				hl_auth_fail(l, "timeout waiting for auth "
				    "message", 1008);
			continue;
		}
		if (now - l->last_hb_ms > window_ms) {
			hl_fail(l, 1000, "heartbeat timeout");
			continue;
		}
		if (!l->hb_pending || (l->status == l->written_status &&
		    now - l->written_ms < resolution_ms))
			continue;
		for (s = 0; s < 5; s++)
			if (strcmp(l->status, statuses[s]) == 0)
				break;
		if (s == 5)
			continue;
		batch[s][nb[s]++] = l;
		if (nb[s] == BATCH) {
			flush_batch(statuses[s], batch[s], nb[s], now);
			nb[s] = 0;
		}
	}
	for (s = 0; s < 5; s++)
		if (nb[s] > 0)
			flush_batch(statuses[s], batch[s], nb[s], now);
}

void
hivelink_init(void)
{
	const char	*v = getenv("SWARM_HIVE_LINK_AUTH_TIMEOUT_MS");
	int64_t		 n;
	size_t		 i, o;

	window_ms = hive_config()->window * 1000;
	/* Stored heartbeats lag at most this: well inside the window. */
	resolution_ms = window_ms / 3 < 1000 ? 1000 : window_ms / 3;
	auth_timeout_ms = AUTH_TIMEOUT_MS_DEFAULT;
	if (v != NULL && text_to_int64(&n, v, 100, 600000) == 0)
		auth_timeout_ms = n;
	o = (size_t)snprintf(batch_sql, sizeof(batch_sql), "UPDATE nodes SET "
	    "status = ?, last_heartbeat_at = UTC_TIMESTAMP(6), "
	    "disconnected_at = NULL WHERE id IN (");
	for (i = 0; i < BATCH; i++)
		o += (size_t)snprintf(batch_sql + o, sizeof(batch_sql) - o,
		    i == 0 ? "?" : ",?");
	snprintf(batch_sql + o, sizeof(batch_sql) - o, ")");
	{
		struct db_config cfg;
		pthread_t	 t;

		db_config_from_env(&cfg);
		if ((wdb = db_new(&cfg)) == NULL ||
		    pthread_create(&t, NULL, writer, NULL) != 0)
			fatalx("node links: cannot start the writer");
		pthread_detach(t);
	}
	loop_every(&sweep_timer, 1000, sweep, NULL);
	log_info("node links: window %lld s, heartbeats written every %lld "
	    "ms at most", (long long)(window_ms / 1000),
	    (long long)resolution_ms);
}

/* swarm.h: the node's side of the hive (configuration, client, sync) */
#ifndef SWARM_NODE_SWARM_H
#define SWARM_NODE_SWARM_H

#include <stddef.h>
#include <json.h>

#include "http.h"
#include "uuid.h"
#include "hive_env.h"

struct db;

/*
 * hive_client.c: the original's environment (VK_HIVE_URL,
 * VK_NODE_API_KEY, VK_NODE_NAME, VK_NODE_PUBLIC_URL) and JSON calls to
 * the hive's REST API with short timeouts. Without VK_HIVE_URL and
 * VK_NODE_API_KEY the node is alone (local-first) and nothing here runs.
 */
#define HIVE_ERR_LEN	256

/* The outcome of one call to the hive. */
struct hive_reply {
	long		 status;	/* HTTP status; 0 if none came */
	json_object	*data;		/* the envelope's data (owned) */
	char		 message[HIVE_ERR_LEN];	/* its message, or why none */
};
/*
 * method /hive/v1<path> with an optional JSON body and the node key.
 * 0 when the hive answered (any status: check r->status), E_REMOTE when
 * it could not be reached (r->message says why). hive_reply_clear frees.
 */
int	 hive_call(struct hive_reply *r, const char *method, const char *path,
	    json_object *body);
void	 hive_reply_clear(struct hive_reply *r);
/*
 * Reply for a hive-specific route whose call failed: 502 "hive
 * unreachable: ..." when none came, else the hive's status and message.
 */
int	 hive_fail_reply(struct reply *rp, const struct hive_reply *r);

/* Task status names: the node's (inprogress) and the hive's (in-progress). */
const char *hive_status_to_hive(const char *node_status);
const char *hive_status_from_hive(const char *hive_status);

/*
 * hive_sync.c: the pull side, until the node link (phase 2) pushes.
 * hive_register_or_heartbeat makes sure this node is registered with
 * the hive (registering again when the hive, the key or the node row
 * changed) and reports it alive; out gets node and organization ids.
 */
struct hive_identity {
	char	 node_id[UUID_STRLEN + 1];
	char	 org_id[UUID_STRLEN + 1];
};
int	 hive_identity(struct db *, struct hive_identity *out,
	    struct hive_reply *r);
/*
 * Sync with the hive when the last sync is older than the minimum
 * interval (SWARM_HIVE_SYNC_INTERVAL_MS, default 2000; force ignores
 * it): heartbeat, push what is pending, pull the organization's projects
 * (remote projects appear, change and go) and the change feed of every
 * swarm project this node shows. Errors are logged and recorded, never
 * returned: a board read never fails because the hive is away.
 */
void	 hive_sync(struct db *, int force);

/* hive_tasks.c: shared tasks between this node and the hive. */
/*
 * The hive's SharedTask applied to the local copy in the project whose
 * remote_project_id is its project (inserted, updated when its version
 * is newer, deleted when deleted). 0 or an error code.
 */
int	 hive_task_apply(struct db *, json_object *shared_task);
/* Share a local task of a linked project (POST); 0 or E_REMOTE/E_FAIL. */
int	 hive_task_share(struct db *, json_object *task,
	    const char *remote_project_id);
/* Push pending work: unshared tasks, offline changes and deletes. */
void	 hive_push_pending(struct db *);

/* Route handlers (node.h style). */
int	 project_link(struct req *, struct reply *);
int	 project_unlink(struct req *, struct reply *);
int	 project_link_create(struct req *, struct reply *);
int	 unified_projects_get(struct req *, struct reply *);
/*
 * The task routes' hive side, called from tasks.c only when
 * hive_enabled(). A remote project's tasks live on the hive: creating,
 * changing or deleting one needs the hive (502 when it cannot be
 * reached). A shared task of a local project changes here first and
 * the hive follows (later, if it is away).
 */
/* POST /api/tasks in a remote project: create on the hive, then here. */
int	 hive_task_create_remote(struct req *, struct reply *,
	    json_object *project, const char *title, const char *description,
	    const char *status, const char *parent, size_t nimages);
/* After a local task was created in a linked project: share it now. */
void	 hive_after_create(struct db *, json_object **task,
	    const char *remote_project_id);
/*
 * In the update's transaction, after the local change: push the task
 * (title, description, status) to the hive with its version. 0 to
 * commit; else the reply is made (409 stale version, 502 hive away for
 * a remote task) and the caller rolls back. A local shared task whose
 * hive is away is marked to push later.
 */
int	 hive_task_push_or_reply(struct req *, struct reply *,
	    const char *task_id);
/* DELETE of a remote task: on the hive first. 202, 502. */
int	 hive_task_delete_remote(struct req *, struct reply *,
	    json_object *task);
/* After a local shared task was deleted: tell the hive (now or later). */
void	 hive_after_delete(struct db *, const char *shared_task_id,
	    long long version);

#endif

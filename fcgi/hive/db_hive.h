/* db_hive.h: the hive's SQL, one function per statement group */
#ifndef SWARM_DB_HIVE_H
#define SWARM_DB_HIVE_H

#include <json.h>

#include "db.h"

/*
 * All return 0, E_NOTFOUND, E_CONFLICT (duplicate key), E_DB or E_FAIL;
 * JSON rows are owned by the caller.
 */

/* db_orgs.c */
int	db_org_insert(struct db *, json_object **out, const char *id,
	    const char *name, const char *slug);
int	db_org_list(struct db *, json_object **out);
int	db_org_get(struct db *, json_object **out, const char *id);

/* db_keys.c: NodeApiKey rows never carry key_hash, except by_prefix. */
int	db_key_insert(struct db *, json_object **out, const char *id,
	    const char *org_id, const char *name, const char *hash,
	    const char *prefix);
int	db_key_list(struct db *, json_object **out, const char *org_id);
int	db_key_get(struct db *, json_object **out, const char *id);
/* Set revoked_at; E_NOTFOUND when unknown or already revoked. */
int	db_key_revoke(struct db *, const char *id);
/* {id, organization_id, key_hash, revoked_at} of the key with prefix. */
int	db_key_by_prefix(struct db *, json_object **out, const char *prefix);
/* last_used_at = now, at most once a minute (a write per request costs). */
int	db_key_touch(struct db *, const char *id);

/* db_nodes.c: Node rows carry the helper columns node_row_finish reads. */
struct node_reg_row {
	const char	*id;
	const char	*org_id;
	const char	*name;
	const char	*machine_id;
	const char	*capabilities;	/* JSON text */
	const char	*public_url;
	const char	*key_id;
};
int	db_node_upsert(struct db *, const struct node_reg_row *);
int	db_node_by_machine(struct db *, json_object **out, const char *org_id,
	    const char *machine_id);
int	db_node_get(struct db *, json_object **out, const char *id);
int	db_node_list(struct db *, json_object **out, const char *org_id);
/* The node's organization into out[37]; E_NOTFOUND. */
int	db_node_org(struct db *, char *out, const char *id);
/* Reported status and last_heartbeat_at = now, for a node of org_id. */
int	db_node_heartbeat(struct db *, const char *id, const char *org_id,
	    const char *status);
/* Status offline and disconnected_at = now (the link closed). */
int	db_node_disconnect(struct db *, const char *id, const char *org_id);
int	db_node_set_draining(struct db *, const char *id, int draining);
int	db_node_delete(struct db *, const char *id);

/* Node-project links (NodeProject rows). */
struct link_row {
	const char	*id;
	const char	*node_id;
	const char	*project_id;
	const char	*local_project_id;
	const char	*git_repo_path;
	const char	*default_branch;
};
int	db_link_insert(struct db *, json_object **out, const struct link_row *);
int	db_link_get(struct db *, json_object **out, const char *id);
int	db_link_of_project(struct db *, json_object **out,
	    const char *project_id);
int	db_link_of_node_local(struct db *, json_object **out,
	    const char *node_id, const char *local_project_id);
int	db_link_list_of_node(struct db *, json_object **out,
	    const char *node_id);
int	db_link_delete(struct db *, const char *id, const char *node_id);
/* ProjectNodeInfo rows (with helper columns) of a project. */
int	db_project_nodes(struct db *, json_object **out, const char *project_id);
/* The same for every project of an organization (adds project_id). */
int	db_org_project_nodes(struct db *, json_object **out,
	    const char *org_id);

/* db_projects.c */
int	db_hproject_insert(struct db *, json_object **out, const char *id,
	    const char *org_id, const char *name, const char *metadata);
int	db_hproject_get(struct db *, json_object **out, const char *id);
int	db_hproject_list(struct db *, json_object **out, const char *org_id);

/* db_tasks.c: SharedTask rows. */
struct stask_row {
	const char	*id;
	const char	*org_id;
	const char	*project_id;
	const char	*title;
	const char	*description;
	int		 set_description;	/* update: present in the body */
	const char	*status;
};
int	db_stask_insert(struct db *, const struct stask_row *);
/* With lock, FOR UPDATE (in a transaction). Deleted tasks included. */
int	db_stask_get(struct db *, json_object **out, const char *id, int lock);
/* Changes and version + 1; the caller checked version under the lock. */
int	db_stask_update(struct db *, const struct stask_row *);
int	db_stask_delete_soft(struct db *, const char *id);
int	db_stask_set_status(struct db *, const char *id, const char *status);
/* Live tasks of a project (newest change first) and deleted ids. */
int	db_stask_live(struct db *, json_object **out, const char *project_id);
int	db_stask_deleted(struct db *, json_object **out,
	    const char *project_id);

/* db_activity.c */
/* Next seq of the project's feed (row locked until commit). */
int	db_activity_next_seq(struct db *, long long *out,
	    const char *project_id);
int	db_activity_insert(struct db *, const char *project_id, long long seq,
	    const char *event_id, const char *event_type, const char *payload);
/* Events with seq > after, oldest first, at most limit. */
int	db_activity_list(struct db *, json_object **out,
	    const char *project_id, long long after, long long limit);
/* Highest seq of a project (0 when none). */
int	db_activity_latest(struct db *, long long *out,
	    const char *project_id);

/* db_assignments.c */
struct assign_row {
	const char	*id;
	const char	*task_id;
	const char	*node_id;
	const char	*node_project_id;
	const char	*local_task_id;
	const char	*local_attempt_id;
	const char	*status;
};
int	db_assign_insert(struct db *, const struct assign_row *);
int	db_assign_get(struct db *, json_object **out, const char *id, int lock);
/* Status (started_at the first time running, completed_at when it
 * ends) and the local ids when given (NULL keeps them). */
int	db_assign_update(struct db *, const struct assign_row *);
/* Newest assignment of a task with its node's public_url and org. */
int	db_assign_latest(struct db *, json_object **out, const char *task_id);
/* Output rows of an assignment with id > after, oldest first. */
int	db_assign_logs(struct db *, json_object **out, const char *id,
	    long long after, long long limit);

#endif

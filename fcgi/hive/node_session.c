/* node_session.c: what a node does on the hive, as plain functions */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hive.h"
#include "jsonx.h"
#include "node_session.h"

#define CAP_STR_MAX		64
#define CAP_EXECUTORS_MAX	32
#define CAP_CONCURRENCY_MAX	1024

int
node_public_url_ok(const char *url)
{
	size_t	 i, n = strlen(url);

	if (n > HIVE_URL_MAX || (strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0) || n <= 8)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f ||
		    url[i] == '"' || url[i] == '\\' || url[i] == '<' ||
		    url[i] == '>')
			return 0;
	return 1;
}

const char *
node_status_parse(const char *s)
{
	static const char *const statuses[] = { "pending", "online",
	    "offline", "busy", "draining", NULL };
	size_t	 i;

	for (i = 0; s != NULL && statuses[i] != NULL; i++)
		if (strcmp(s, statuses[i]) == 0)
			return statuses[i];
	return NULL;
}

/* A short printable string member, or the default when absent/null. */
static int
cap_string(json_object *caps, json_object *out, const char *key, char *err,
    size_t errsz)
{
	json_object	*v = NULL;
	const char	*s = "";

	if (caps != NULL && json_object_object_get_ex(caps, key, &v) &&
	    v != NULL) {
		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) > CAP_STR_MAX ||
		    strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v)) {
			snprintf(err, errsz, "field 'capabilities.%s' must be "
			    "a string of at most %d bytes", key, CAP_STR_MAX);
			return E_INVAL;
		}
		s = json_object_get_string(v);
	}
	return jsonx_add_str(out, key, s);
}

int
node_capabilities_normalize(char **out, json_object *caps, char *err,
    size_t errsz)
{
	json_object	*o, *v = NULL, *arr, *e;
	const char	*s;
	long long	 max = 1;
	size_t		 i, n;
	int		 rc = E_INVAL;

	*out = NULL;
	if (caps != NULL && !json_object_is_type(caps, json_type_object)) {
		snprintf(err, errsz, "field 'capabilities' must be an object");
		return E_INVAL;
	}
	if ((o = json_object_new_object()) == NULL ||
	    (arr = json_object_new_array()) == NULL) {
		json_object_put(o);
		return E_FAIL;
	}
	if (jsonx_add(o, "executors", arr) != 0)
		goto fail;
	if (caps != NULL && json_object_object_get_ex(caps, "executors", &v) &&
	    v != NULL) {
		if (!json_object_is_type(v, json_type_array) ||
		    (n = json_object_array_length(v)) > CAP_EXECUTORS_MAX) {
			snprintf(err, errsz, "field 'capabilities.executors' "
			    "must be an array of at most %d strings",
			    CAP_EXECUTORS_MAX);
			goto out;
		}
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v, i);
			if (!json_object_is_type(e, json_type_string) ||
			    json_object_get_string_len(e) == 0 ||
			    json_object_get_string_len(e) > CAP_STR_MAX ||
			    strlen(s = json_object_get_string(e)) !=
			    (size_t)json_object_get_string_len(e)) {
				snprintf(err, errsz, "field "
				    "'capabilities.executors' must be an array "
				    "of non-empty strings of at most %d bytes",
				    CAP_STR_MAX);
				goto out;
			}
			if (json_object_array_add(arr,
			    json_object_new_string(s)) != 0)
				goto fail;
		}
	}
	if (caps != NULL &&
	    json_object_object_get_ex(caps, "max_concurrent_tasks", &v) &&
	    v != NULL) {
		if (!json_object_is_type(v, json_type_int) ||
		    (max = json_object_get_int64(v)) < 0 ||
		    max > CAP_CONCURRENCY_MAX) {
			snprintf(err, errsz, "field "
			    "'capabilities.max_concurrent_tasks' must be an "
			    "integer from 0 to %d", CAP_CONCURRENCY_MAX);
			goto out;
		}
	}
	if (jsonx_add_int(o, "max_concurrent_tasks", max) != 0)
		goto fail;
	if ((rc = cap_string(caps, o, "os", err, errsz)) != 0 ||
	    (rc = cap_string(caps, o, "arch", err, errsz)) != 0 ||
	    (rc = cap_string(caps, o, "version", err, errsz)) != 0)
		goto out;
	if ((s = jsonx_render(o, &n)) == NULL || (*out = strdup(s)) == NULL)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = E_FAIL;
out:
	json_object_put(o);
	return rc;
}

int
hive_node_register(struct db *db, json_object **node, json_object **links,
    const char *org_id, const char *key_id, const struct node_registration *r)
{
	struct node_reg_row row;
	char		 id[UUID_STRLEN + 1];
	const char	*nid;
	int		 rc;

	*node = *links = NULL;
	if (uuid_new(id) != 0)
		return E_FAIL;
	row.id = id;
	row.org_id = org_id;
	row.name = r->name;
	row.machine_id = r->machine_id;
	row.capabilities = r->capabilities;
	row.public_url = r->public_url;
	row.key_id = key_id;
	if ((rc = db_node_upsert(db, &row)) != 0 ||
	    (rc = db_node_by_machine(db, node, org_id, r->machine_id)) != 0)
		return rc;
	if ((nid = jsonx_get_str(*node, "id")) == NULL ||
	    node_row_finish(*node, "status") != 0 ||
	    (rc = db_link_list_of_node(db, links, nid)) != 0) {
		json_object_put(*node);
		*node = NULL;
		return rc != 0 ? rc : E_FAIL;
	}
	return 0;
}

int
hive_node_heartbeat(struct db *db, const char *org_id, const char *node_id,
    const char *status)
{
	return db_node_heartbeat(db, node_id, org_id, status);
}

int
hive_node_disconnect(struct db *db, const char *org_id, const char *node_id)
{
	return db_node_disconnect(db, node_id, org_id);
}

/* 0 if id names a row of table kind in org_id, else E_NOTFOUND. */
static int
in_org(struct db *db, const char *org_id, const char *node_id,
    const char *project_id, const char **what)
{
	char		 org[UUID_STRLEN + 1];
	json_object	*p;
	const char	*po;
	int		 rc;

	*what = "node";
	if ((rc = db_node_org(db, org, node_id)) != 0)
		return rc;
	if (strcmp(org, org_id) != 0)
		return E_NOTFOUND;
	if (project_id == NULL)
		return 0;
	*what = "project";
	if ((rc = db_hproject_get(db, &p, project_id)) != 0)
		return rc;
	po = jsonx_get_str(p, "organization_id");
	rc = po != NULL && strcmp(po, org_id) == 0 ? 0 : E_NOTFOUND;
	json_object_put(p);
	return rc;
}

int
hive_node_link(struct db *db, json_object **link, int *created,
    const char **what, const char *org_id, const struct link_row *r)
{
	json_object	*old = NULL;
	const char	*s;
	int		 rc;

	*link = NULL;
	*created = 0;
	if ((rc = in_org(db, org_id, r->node_id, r->project_id, what)) != 0)
		return rc;
	/* The same link again (a retry) is not a conflict. */
	if ((rc = db_link_of_project(db, &old, r->project_id)) == 0) {
		s = jsonx_get_str(old, "node_id");
		if (s != NULL && strcmp(s, r->node_id) == 0 &&
		    (s = jsonx_get_str(old, "local_project_id")) != NULL &&
		    strcmp(s, r->local_project_id) == 0) {
			*link = old;
			return 0;
		}
		json_object_put(old);
		*what = "project already linked to a node";
		return E_CONFLICT;
	}
	if (rc != E_NOTFOUND)
		return rc;
	if ((rc = db_link_insert(db, link, r)) == 0) {
		*created = 1;
		return 0;
	}
	if (rc == E_CONFLICT) {
		/* Lost a race for the project, or the local project is
		 * linked to another swarm project already. */
		if (db_link_of_project(db, &old, r->project_id) == 0) {
			json_object_put(old);
			*what = "project already linked to a node";
		} else
			*what = "local project already linked to another "
			    "swarm project";
	}
	return rc;
}

int
hive_node_unlink(struct db *db, const char **what, const char *org_id,
    const char *node_id, const char *link_id)
{
	int	 rc;

	if ((rc = in_org(db, org_id, node_id, NULL, what)) != 0)
		return rc;
	*what = "link";
	return db_link_delete(db, link_id, node_id);
}

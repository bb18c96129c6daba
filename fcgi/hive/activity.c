/* activity.c: the per-project change feed (record, list since a seq) */
#include <stdint.h>
#include <string.h>

#include "db_hive.h"
#include "err.h"
#include "hive.h"
#include "jsonx.h"

#define ACTIVITY_PAGE	200	/* the original's default and maximum */
#define ACTIVITY_MAX	500

json_object *
activity_payload(json_object *task)
{
	json_object	*o;

	if (task == NULL)
		return NULL;
	if ((o = json_object_new_object()) == NULL ||
	    jsonx_add(o, "task", task) != 0 ||
	    jsonx_add(o, "user", NULL) != 0) {
		if (o == NULL)
			json_object_put(task);
		json_object_put(o);
		return NULL;
	}
	return o;
}

int
activity_record(struct db *db, const char *event_type, json_object *task)
{
	json_object	*payload;
	const char	*pid = jsonx_get_str(task, "project_id"), *s;
	char		 event_id[UUID_STRLEN + 1];
	long long	 seq;
	size_t		 len;
	int		 rc;

	if (pid == NULL || uuid_new(event_id) != 0)
		return E_FAIL;
	if ((payload = activity_payload(json_object_get(task))) == NULL)
		return E_FAIL;
	if ((s = jsonx_render(payload, &len)) == NULL)
		rc = E_FAIL;
	else if ((rc = db_activity_next_seq(db, &seq, pid)) == 0)
		rc = db_activity_insert(db, pid, seq, event_id, event_type, s);
	json_object_put(payload);
	return rc;
}

/*
 * GET /hive/v1/activity?project_id=&after=&limit=: the project's events
 * with seq > after (default 0), oldest first, at most limit (default 200,
 * 1 to 500): [{seq, event_id, project_id, event_type, created_at,
 * payload}]. A node pulls this to learn what other nodes changed.
 * 400, 404 unknown project.
 */
int
activity_list(struct req *rq, struct reply *rp)
{
	char		 pid[UUID_STRLEN + 1];
	json_object	*proj, *arr;
	long long	 after, limit;
	size_t		 i, n;
	int		 rc;

	if ((rc = hive_query_uuid_or_reply(rq, rp, "project_id", pid, 1)) != 0 ||
	    (rc = hive_query_int_or_reply(rq, rp, "after", &after, 0, 0,
	    INT64_MAX)) != 0 ||
	    (rc = hive_query_int_or_reply(rq, rp, "limit", &limit,
	    ACTIVITY_PAGE, 1, ACTIVITY_MAX)) != 0)
		return rc;
	if ((rc = db_hproject_get(rq->db, &proj, pid)) != 0)
		return reply_err(rp, rc, "project");
	rc = hive_org_allowed(jsonx_get_str(proj, "organization_id"));
	json_object_put(proj);
	if (!rc)
		return reply_errorf(rp, 404, "project not found");
	if ((rc = db_activity_list(rq->db, &arr, pid, after, limit)) != 0)
		return reply_err(rp, rc, NULL);
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		if (json_member_parse(json_object_array_get_idx(arr, i),
		    "payload") != 0) {
			json_object_put(arr);
			return reply_errorf(rp, 500, "internal error");
		}
	return reply_data(rp, arr);
}

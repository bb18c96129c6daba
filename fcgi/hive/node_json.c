/* node_json.c: database rows of nodes and stored JSON, ready for replies */
#include <time.h>

#include "err.h"
#include "hive.h"
#include "jsonx.h"
#include "liveness.h"
#include "timefmt.h"

int
json_member_parse(json_object *obj, const char *key)
{
	const char	*s = jsonx_get_str(obj, key);
	json_object	*v = NULL;
	char		 err[64];

	if (s == NULL)
		return 0;
	if (jsonx_parse_strict(&v, s, strlen(s), err, sizeof(err)) != 0)
		return E_FAIL;	/* the CHECK (JSON_VALID) makes this a bug */
	return jsonx_add(obj, key, v);
}

int
node_row_finish(json_object *row, const char *status_key)
{
	json_object	*v;
	const char	*reported;
	long long	 age = 0;
	int		 draining = 0, has_hb = 0;

	reported = jsonx_get_str(row, status_key);
	if (json_object_object_get_ex(row, "draining", &v))
		draining = json_object_get_boolean(v);
	if (json_object_object_get_ex(row, "has_heartbeat", &v))
		has_hb = json_object_get_boolean(v);
	if (json_object_object_get_ex(row, "heartbeat_age", &v) && v != NULL)
		age = json_object_get_int64(v);
	if (jsonx_add_str(row, status_key, liveness_status(reported, draining,
	    has_hb, age, hive_config()->window)) != 0)
		return E_FAIL;
	json_object_object_del(row, "has_heartbeat");
	json_object_object_del(row, "heartbeat_age");
	return json_member_parse(row, "capabilities");
}

int
node_rows_finish(json_object *rows, const char *status_key)
{
	size_t	 i, n = json_object_array_length(rows);

	for (i = 0; i < n; i++)
		if (node_row_finish(json_object_array_get_idx(rows, i),
		    status_key) != 0)
			return E_FAIL;
	return 0;
}

void
hive_time_rfc3339(char *out, int64_t t)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    timefmt_rfc3339(out, (unsigned)tm.tm_year + 1900,
	    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday,
	    (unsigned)tm.tm_hour, (unsigned)tm.tm_min, (unsigned)tm.tm_sec,
	    0) != 0)
		out[0] = '\0';
}

/* params.c: query parameters shared by several hive routes */
#include <stdint.h>
#include <string.h>

#include "hive.h"
#include "text.h"

int
hive_query_uuid_or_reply(struct req *rq, struct reply *rp, const char *name,
    char *out, int required)
{
	const char	*v = req_query(rq, name);

	out[0] = '\0';
	if (v == NULL || *v == '\0') {
		if (required)
			return reply_errorf(rp, 400,
			    "query parameter '%s' is required", name);
		return 0;
	}
	if (uuid_parse(out, v) != 0)
		return reply_errorf(rp, 400,
		    "query parameter '%s' must be a UUID", name);
	return 0;
}

int
hive_query_org_or_reply(struct req *rq, struct reply *rp, char *out)
{
	const struct hive_caller *c = hive_caller();
	int		 rc;

	if ((rc = hive_query_uuid_or_reply(rq, rp, "organization_id", out,
	    c->admin)) != 0)
		return rc;
	if (out[0] == '\0')
		memcpy(out, c->org_id, UUID_STRLEN + 1);
	if (!hive_org_allowed(out))
		return reply_errorf(rp, 404, "organization not found");
	return 0;
}

int
hive_query_int_or_reply(struct req *rq, struct reply *rp, const char *name,
    long long *out, long long def, long long min, long long max)
{
	const char	*v = req_query(rq, name);
	int64_t		 n;

	*out = def;
	if (v == NULL)
		return 0;
	if (text_to_int64(&n, v, min, max) != 0)
		return reply_errorf(rp, 400, "query parameter '%s' must be an "
		    "integer from %lld to %lld", name, min, max);
	*out = n;
	return 0;
}

/* conntoken.c: connection tokens for browser streams (hive signs, nodes check) */
#include <stdio.h>
#include <string.h>

#include "conntoken.h"
#include "err.h"
#include "jsonx.h"

char *
conntoken_issue(const struct jwt_key *key, struct conntoken *t, int64_t now)
{
	json_object	*c;
	char		*tok = NULL;

	t->iat = now;
	t->exp = now + CONNTOKEN_TTL;
	if ((c = json_object_new_object()) == NULL)
		return NULL;
	if (jsonx_add_str(c, "sub", t->sub) != 0 ||
	    jsonx_add_str(c, "node_id", t->node_id) != 0 ||
	    jsonx_add_str(c, "assignment_id", t->assignment_id) != 0 ||
	    jsonx_add_str(c, "execution_process_id",
	    t->attempt_id[0] != '\0' ? t->attempt_id : NULL) != 0 ||
	    (t->task_id[0] != '\0' &&
	    jsonx_add_str(c, "task_id", t->task_id) != 0) ||
	    jsonx_add_int(c, "iat", t->iat) != 0 ||
	    jsonx_add_int(c, "exp", t->exp) != 0 ||
	    jsonx_add_str(c, "aud", CONNTOKEN_AUDIENCE) != 0)
		goto out;
	tok = jwt_sign(key, c);
out:
	json_object_put(c);
	return tok;
}

/* Copy claim name as a canonical UUID into out; absent is "" if optional. */
static int
claim_uuid(char out[UUID_STRLEN + 1], json_object *c, const char *name,
    int optional)
{
	json_object	*v;

	out[0] = '\0';
	if (!json_object_object_get_ex(c, name, &v) || v == NULL)
		return optional ? 0 : E_FORBIDDEN;
	if (!json_object_is_type(v, json_type_string) ||
	    uuid_parse(out, json_object_get_string(v)) != 0)
		return E_FORBIDDEN;
	return 0;
}

int
conntoken_verify(struct conntoken *out, const struct jwt_key *key,
    const char *token, int64_t now, const char **why)
{
	static const char *const required[] = { "sub", "exp", "aud", "node_id",
	    "assignment_id", NULL };
	json_object	*c = NULL, *v;
	const char	*dummy;
	int		 rc;

	if (why == NULL)
		why = &dummy;
	memset(out, 0, sizeof(*out));
	if ((rc = jwt_verify(&c, key, token, CONNTOKEN_AUDIENCE, now, required,
	    why)) != 0)
		return rc;
	rc = E_FORBIDDEN;
	*why = "malformed claims";
	if (!json_object_object_get_ex(c, "sub", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (size_t)snprintf(out->sub, sizeof(out->sub), "%s",
	    json_object_get_string(v)) >= sizeof(out->sub))
		goto out;
	if (claim_uuid(out->node_id, c, "node_id", 0) != 0 ||
	    claim_uuid(out->assignment_id, c, "assignment_id", 0) != 0 ||
	    claim_uuid(out->attempt_id, c, "execution_process_id", 1) != 0 ||
	    claim_uuid(out->task_id, c, "task_id", 1) != 0)
		goto out;
	if (json_object_object_get_ex(c, "iat", &v) &&
	    json_object_is_type(v, json_type_int))
		out->iat = json_object_get_int64(v);
	if (json_object_object_get_ex(c, "exp", &v))
		out->exp = json_object_get_int64(v);
	rc = 0;
	*why = NULL;
out:
	json_object_put(c);
	return rc;
}

/* auth.c: who calls the hive: the admin token or a node API key */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <fcgiapp.h>

#include "apikey.h"
#include "db_hive.h"
#include "err.h"
#include "hive.h"
#include "jsonx.h"

/* Per request: reset by every hive_authorize call (one request at a time). */
static struct hive_caller	caller;

const struct hive_caller *
hive_caller(void)
{
	return &caller;
}

int
hive_org_allowed(const char *org_id)
{
	return caller.admin || (org_id != NULL && caller.org_id[0] != '\0' &&
	    strcmp(org_id, caller.org_id) == 0);
}

/* The token of an "Authorization: Bearer <token>" header, else NULL. */
static const char *
bearer(struct req *rq)
{
	const char	*h = FCGX_GetParam("HTTP_AUTHORIZATION", rq->envp);

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

static int
admin_or_reply(struct reply *rp, const char *tok)
{
	const struct hive_config *c = hive_config();
	size_t		 n = strlen(c->admin_token);

	if (n == 0)
		return reply_errorf(rp, 401,
		    "admin token not configured on this hive");
	/* Same length first (the length of the token is no secret). */
	if (strlen(tok) != n || CRYPTO_memcmp(tok, c->admin_token, n) != 0)
		return reply_errorf(rp, 401, "invalid admin token");
	caller.admin = 1;
	return 0;
}

/*
 * The original's validation: the prefix finds the row; a revoked key is
 * refused at once (every request reads the row); the hash is compared in
 * constant time; last_used_at is touched on success.
 */
static int
nodekey_or_reply(struct req *rq, struct reply *rp, const char *key)
{
	char		 prefix[APIKEY_PREFIX + 1];
	json_object	*row = NULL;
	const char	*org, *id;
	int		 rc;

	if (!apikey_well_formed(key))
		return reply_errorf(rp, 401, "invalid API key");
	apikey_prefix(prefix, key);
	if ((rc = db_key_by_prefix(rq->db, &row, prefix)) != 0) {
		if (rc == E_NOTFOUND)
			return reply_errorf(rp, 401, "invalid API key");
		return reply_errorf(rp, rc == E_DB ? 503 : 500,
		    "failed to validate API key");
	}
	if (!apikey_matches(key, jsonx_get_str(row, "key_hash")))
		rc = reply_errorf(rp, 401, "invalid API key");
	else if (jsonx_get_str(row, "revoked_at") != NULL)
		rc = reply_errorf(rp, 401, "API key revoked");
	else if ((org = jsonx_get_str(row, "organization_id")) == NULL ||
	    (id = jsonx_get_str(row, "id")) == NULL ||
	    uuid_parse(caller.org_id, org) != 0 ||
	    uuid_parse(caller.key_id, id) != 0)
		rc = reply_errorf(rp, 500, "failed to validate API key");
	else {
		rc = 0;
		(void)db_key_touch(rq->db, caller.key_id);
	}
	json_object_put(row);
	return rc;
}

/*
 * The dispatcher's hook: the route's H_* flags say which credentials it
 * takes. 401 with the original's messages when they are missing or bad;
 * 503 when the database cannot say.
 */
int
hive_authorize(struct req *rq, struct reply *rp)
{
	int		 f = rq->route_flags;
	const char	*tok, *key;

	memset(&caller, 0, sizeof(caller));
	if (!(f & (H_ADMIN | H_NODEKEY)))
		return 0;
	if ((f & H_TOKEN) && req_query(rq, "token") != NULL)
		return 0;	/* the handler verifies the connection token */
	tok = bearer(rq);
	key = FCGX_GetParam("HTTP_X_API_KEY", rq->envp);
	if ((f & H_ADMIN) && tok != NULL)
		return admin_or_reply(rp, tok);
	if ((f & H_NODEKEY) && key != NULL)
		return nodekey_or_reply(rq, rp, key);
	if (!(f & H_NODEKEY))
		return reply_errorf(rp, 401, "admin token required");
	if (!(f & H_ADMIN))
		return reply_errorf(rp, 401, "missing API key");
	return reply_errorf(rp, 401, "missing API key or admin token");
}

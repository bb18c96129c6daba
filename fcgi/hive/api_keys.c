/* api_keys.c: node API key routes (create, list, revoke) */
#include <string.h>

#include "apikey.h"
#include "db_hive.h"
#include "err.h"
#include "field.h"
#include "hive.h"
#include "jsonx.h"
#include "notify.h"

#define KEY_NAME_MAX	255
#define KEY_TRIES	4	/* new keys whose prefix is taken */

enum { KF_ORG, KF_NAME, KF__MAX };

static const struct field key_fields[] = {
	{ "organization_id", FT_UUID,	F_REQUIRED, 0, NULL },
	{ "name",	FT_STRING, F_REQUIRED | F_NONEMPTY, KEY_NAME_MAX, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * POST /hive/v1/nodes/api-keys {organization_id, name}: 201 with
 * {api_key: NodeApiKey, secret}; the secret (64 hex digits) is shown
 * this once, only its SHA-256 is stored. 400, 404 unknown organization.
 */
int
apikey_create(struct req *rq, struct reply *rp)
{
	struct field_val v[KF__MAX];
	char		 id[UUID_STRLEN + 1], key[APIKEY_LEN + 1],
			 hash[APIKEY_HASHLEN + 1], prefix[APIKEY_PREFIX + 1];
	json_object	*row = NULL, *out = NULL;
	int		 rc, i;

	memset(v, 0, sizeof(v));
	if ((rc = fields_parse_or_reply(rp, rq->json, key_fields, v)) != 0)
		return rc;
	for (i = 0, rc = E_CONFLICT; i < KEY_TRIES && rc == E_CONFLICT; i++) {
		if (uuid_new(id) != 0 || apikey_generate(key) != 0 ||
		    apikey_hash(hash, key) != 0) {
			rc = reply_errorf(rp, 500, "no randomness");
			goto out;
		}
		apikey_prefix(prefix, key);
		rc = db_key_insert(rq->db, &row, id, v[KF_ORG].s,
		    v[KF_NAME].s, hash, prefix);
	}
	if (rc != 0) {
		rc = reply_err(rp, rc, "organization");
		goto out;
	}
	if ((out = json_object_new_object()) == NULL ||
	    jsonx_add(out, "api_key", row) != 0 ||
	    jsonx_add_str(out, "secret", key) != 0) {
		row = NULL;
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	row = NULL;
	rc = reply_data_status(rp, 201, out);
	out = NULL;
out:
	explicit_bzero(key, sizeof(key));
	json_object_put(row);
	json_object_put(out);
	return rc;
}

/* GET /hive/v1/nodes/api-keys?organization_id=: newest first. 400. */
int
apikey_list(struct req *rq, struct reply *rp)
{
	char		 org[UUID_STRLEN + 1];
	json_object	*arr;
	int		 rc;

	if ((rc = hive_query_uuid_or_reply(rq, rp, "organization_id", org,
	    1)) != 0)
		return rc;
	if ((rc = db_key_list(rq->db, &arr, org)) != 0)
		return reply_err(rp, rc, NULL);
	return reply_data(rp, arr);
}

/*
 * DELETE /hive/v1/nodes/api-keys/{id}: revoke; the key is refused from
 * the next request on. 200 with the revoked NodeApiKey; 404 unknown or
 * already revoked.
 */
int
apikey_revoke(struct req *rq, struct reply *rp)
{
	json_object	*row;
	int		 rc;

	if ((rc = db_key_revoke(rq->db, rq->id)) != 0)
		return reply_err(rp, rc, "API key");
	/* Links open with this key are closed now, not at their next use. */
	notify_send(NOTIFY_HKEY, rq->id);
	if ((rc = db_key_get(rq->db, &row, rq->id)) != 0)
		return reply_err(rp, rc, "API key");
	return reply_data(rp, row);
}

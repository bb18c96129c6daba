/* organizations.c: organization routes (create, list, get) */
#include <ctype.h>
#include <string.h>

#include "db_hive.h"
#include "err.h"
#include "field.h"
#include "hive.h"
#include "jsonx.h"

#define ORG_NAME_MAX	255
#define ORG_SLUG_MAX	64

enum { OF_NAME, OF_SLUG, OF__MAX };

static const struct field org_fields[] = {
	{ "name",	FT_STRING, F_REQUIRED | F_NONEMPTY, ORG_NAME_MAX, NULL },
	{ "slug",	FT_STRING, F_NONEMPTY, ORG_SLUG_MAX, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* 1 if s is lowercase letters, digits and inner single hyphens. */
static int
slug_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > ORG_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    (s[i] == '-' && s[i + 1] != '-')))
			return 0;
	return 1;
}

/* A slug from a name: ASCII letters and digits lowercased, runs of
 * anything else as one hyphen; "" when nothing is left. */
static void
slug_from(char out[ORG_SLUG_MAX + 1], const char *name)
{
	size_t	 o = 0;
	int	 dash = 0;

	for (; *name != '\0' && o < ORG_SLUG_MAX; name++) {
		if (isalnum((unsigned char)*name) && (unsigned char)*name < 128) {
			if (dash && o > 0 && o < ORG_SLUG_MAX - 1)
				out[o++] = '-';
			dash = 0;
			out[o++] = (char)tolower((unsigned char)*name);
		} else
			dash = 1;
	}
	out[o] = '\0';
}

/*
 * POST /hive/v1/organizations {name, slug?}: 201 with the organization;
 * 400 bad input (a slug is lowercase letters, digits and hyphens; made
 * from the name when absent); 409 duplicate slug. Admin only.
 */
int
org_create(struct req *rq, struct reply *rp)
{
	struct field_val v[OF__MAX];
	char		 id[UUID_STRLEN + 1], slug[ORG_SLUG_MAX + 1];
	json_object	*row;
	int		 rc;

	memset(v, 0, sizeof(v));
	if ((rc = fields_parse_or_reply(rp, rq->json, org_fields, v)) != 0)
		return rc;
	if (v[OF_SLUG].s != NULL) {
		if (!slug_ok(v[OF_SLUG].s))
			return reply_errorf(rp, 400, "field 'slug' may contain "
			    "only lowercase letters, digits and single inner "
			    "hyphens");
		memcpy(slug, v[OF_SLUG].s, strlen(v[OF_SLUG].s) + 1);
	} else {
		slug_from(slug, v[OF_NAME].s);
		if (slug[0] == '\0')
			return reply_errorf(rp, 400, "field 'slug' is required "
			    "when the name has no letters or digits");
	}
	if (uuid_new(id) != 0)
		return reply_errorf(rp, 500, "no randomness");
	if ((rc = db_org_insert(rq->db, &row, id, v[OF_NAME].s, slug)) != 0)
		return rc == E_CONFLICT ? reply_errorf(rp, 409,
		    "an organization with slug '%s' already exists", slug) :
		    reply_err(rp, rc, NULL);
	return reply_data_status(rp, 201, row);
}

/* GET /hive/v1/organizations: all, by name. Admin only. */
int
org_list(struct req *rq, struct reply *rp)
{
	json_object	*arr;
	int		 rc;

	if ((rc = db_org_list(rq->db, &arr)) != 0)
		return reply_err(rp, rc, NULL);
	return reply_data(rp, arr);
}

/* GET /hive/v1/organizations/{id}: 200, 404 (also another org's). */
int
org_get(struct req *rq, struct reply *rp)
{
	json_object	*row;
	int		 rc;

	if (!hive_org_allowed(rq->id))
		return reply_errorf(rp, 404, "organization not found");
	if ((rc = db_org_get(rq->db, &row, rq->id)) != 0)
		return reply_err(rp, rc, "organization");
	return reply_data(rp, row);
}

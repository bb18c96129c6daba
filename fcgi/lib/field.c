/* field.c: declarative validation of JSON request bodies */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "jsonx.h"

static int
only_spaces(const char *s)
{
	for (; *s != '\0'; s++)
		if (strchr(" \t\r\n", *s) == NULL)
			return 0;
	return 1;
}

/* The string of j if it is a string without embedded NUL, else NULL. */
static const char *
plain_string(json_object *j)
{
	const char	*s;

	if (!json_object_is_type(j, json_type_string))
		return NULL;
	s = json_object_get_string(j);
	return strlen(s) == (size_t)json_object_get_string_len(j) ? s : NULL;
}

static int
field_enum_or_reply(struct reply *rp, const struct field *f,
    struct field_val *v, json_object *j)
{
	const char	*s = plain_string(j);
	char		 list[512] = "";
	size_t		 i;

	if (s != NULL)
		for (i = 0; f->values[i] != NULL; i++)
			if (strcmp(s, f->values[i]) == 0) {
				v->s = f->values[i];
				return 0;
			}
	for (i = 0; f->values[i] != NULL; i++) {
		if (i > 0)
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, f->values[i], sizeof(list) - strlen(list) - 1);
	}
	return reply_errorf(rp, 400, "field '%s' must be one of %s", f->name,
	    list);
}

static int
field_uuids_or_reply(struct reply *rp, const struct field *f,
    struct field_val *v, json_object *j)
{
	json_object	*e;
	size_t		 n, i;

	if (!json_object_is_type(j, json_type_array))
		return reply_errorf(rp, 400, "field '%s' must be an array of "
		    "UUIDs", f->name);
	n = json_object_array_length(j);
	if (n > f->max)
		return reply_errorf(rp, 400, "field '%s' has too many entries "
		    "(max %zu)", f->name, f->max);
	if (n > 0 && (v->uuids = calloc(n, sizeof(*v->uuids))) == NULL)
		return reply_errorf(rp, 500, "out of memory");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(j, i);
		if (uuid_parse(v->uuids[i], plain_string(e)) != 0)
			return reply_errorf(rp, 400, "field '%s' must be an "
			    "array of UUIDs", f->name);
	}
	v->nuuids = n;
	return 0;
}

static int
field_one_or_reply(struct reply *rp, const struct field *f,
    struct field_val *v, json_object *j)
{
	const char	*s;
	size_t		 len;

	switch (f->type) {
	case FT_STRING:
		if (!json_object_is_type(j, json_type_string))
			return reply_errorf(rp, 400, "field '%s' must be a "
			    "string", f->name);
		s = json_object_get_string(j);
		len = (size_t)json_object_get_string_len(j);
		if (strlen(s) != len)
			return reply_errorf(rp, 400, "field '%s' must not "
			    "contain NUL characters", f->name);
		if (f->max > 0 && len > f->max)
			return reply_errorf(rp, 400, "field '%s' is too long "
			    "(max %zu bytes)", f->name, f->max);
		if ((f->flags & F_NONEMPTY) && only_spaces(s))
			return reply_errorf(rp, 400, "field '%s' must not be "
			    "empty", f->name);
		v->s = s;
		return 0;
	case FT_BOOL:
		if (!json_object_is_type(j, json_type_boolean))
			return reply_errorf(rp, 400, "field '%s' must be a "
			    "boolean", f->name);
		v->b = json_object_get_boolean(j);
		return 0;
	case FT_INT:
		if (!json_object_is_type(j, json_type_int))
			return reply_errorf(rp, 400, "field '%s' must be an "
			    "integer", f->name);
		v->i = json_object_get_int64(j);
		return 0;
	case FT_UUID:
		if (uuid_parse(v->uuid, plain_string(j)) != 0)
			return reply_errorf(rp, 400, "field '%s' must be a UUID",
			    f->name);
		v->s = v->uuid;
		return 0;
	case FT_UUID_ARRAY:
		return field_uuids_or_reply(rp, f, v, j);
	case FT_ENUM:
		return field_enum_or_reply(rp, f, v, j);
	}
	return reply_errorf(rp, 500, "internal error");
}

int
fields_parse_or_reply(struct reply *rp, json_object *body,
    const struct field *fields, struct field_val *vals)
{
	json_object	*j;
	size_t		 i;
	int		 rc;

	for (i = 0; fields[i].name != NULL; i++) {
		if (!json_object_object_get_ex(body, fields[i].name, &j)) {
			if (fields[i].flags & F_REQUIRED)
				return reply_errorf(rp, 400,
				    "field '%s' is required", fields[i].name);
			continue;
		}
		vals[i].present = 1;
		if (j == NULL) {
			if (fields[i].flags & F_REQUIRED)
				return reply_errorf(rp, 400,
				    "field '%s' is required", fields[i].name);
			vals[i].is_null = 1;
			continue;
		}
		if ((rc = field_one_or_reply(rp, &fields[i], &vals[i], j)) != 0)
			return rc;
	}
	return 0;
}

void
fields_clear(struct field_val *vals, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(vals[i].uuids);
		vals[i].uuids = NULL;
		vals[i].nuuids = 0;
	}
}

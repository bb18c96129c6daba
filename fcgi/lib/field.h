/* field.h: declarative validation of JSON request bodies */
#ifndef SWARM_FIELD_H
#define SWARM_FIELD_H

#include <stddef.h>
#include <json.h>

#include "http.h"
#include "uuid.h"

enum field_type {
	FT_STRING,		/* UTF-8 string without NUL, at most max bytes */
	FT_BOOL,
	FT_INT,
	FT_UUID,		/* canonicalised into val.uuid */
	FT_UUID_ARRAY,		/* at most max entries, into val.uuids */
	FT_ENUM			/* one of field.values */
};

#define F_REQUIRED	0x01	/* key must be present and not null */
#define F_NONEMPTY	0x02	/* strings: not "" after trimming spaces */

struct field {
	const char		*name;
	enum field_type		 type;
	int			 flags;
	size_t			 max;		/* bytes, or array entries */
	const char *const	*values;	/* FT_ENUM, NULL-terminated */
};

struct field_val {
	int		 present;	/* key in the body (even if null) */
	int		 is_null;	/* present with JSON null */
	const char	*s;		/* FT_STRING, FT_ENUM: borrowed */
	int		 b;
	long long	 i;
	char		 uuid[UUID_STRLEN + 1];
	char		(*uuids)[UUID_STRLEN + 1];	/* owned */
	size_t		 nuuids;
};

/*
 * Check body against the NULL-name-terminated table fields and fill
 * vals (one per field, zeroed by the caller). Unknown keys are ignored,
 * as the original does. On the first bad field fills a 400 naming it
 * and returns 400; returns 0 when all are valid. 500 on OOM.
 */
int	fields_parse_or_reply(struct reply *rp, json_object *body,
	    const struct field *fields, struct field_val *vals);
/* Free what fields_parse_or_reply allocated in vals[0..n). */
void	fields_clear(struct field_val *vals, size_t n);

#endif

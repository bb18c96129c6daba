/* test_field.c: declarative validation of JSON request bodies (field.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "http.h"

/* Report every failing row of a table, then fail the case once. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

#define U1	"123e4567-e89b-42d3-a456-426614174000"
#define U2	"AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"
#define U2C	"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
#define U3	"0123456789abcdef0123456789abcdef"
#define U3C	"01234567-89ab-cdef-0123-456789abcdef"

static const char *const colours[] = { "red", "green", "blue", NULL };

/* One field of every type; name is required and must not be blank. */
static const struct field fields[] = {
	{ "name",	FT_STRING,	F_REQUIRED | F_NONEMPTY, 8, NULL },
	{ "note",	FT_STRING,	0,	0,	NULL },
	{ "flag",	FT_BOOL,	0,	0,	NULL },
	{ "count",	FT_INT,		0,	0,	NULL },
	{ "ref",	FT_UUID,	0,	0,	NULL },
	{ "refs",	FT_UUID_ARRAY,	0,	2,	NULL },
	{ "colour",	FT_ENUM,	0,	0,	colours },
	{ NULL,		0,		0,	0,	NULL },
};
#define NFIELDS	7
enum { NAME, NOTE, FLAG, COUNT, REF, REFS, COLOUR };

static void
field_table_shape(void **state)
{
	assert_null(fields[NFIELDS].name);
	assert_string_equal(fields[COLOUR].name, "colour");
}

/* Parse body, validate it, check status and message, free everything. */
static int
run(const char *body, int status, const char *message)
{
	struct field_val	 vals[NFIELDS];
	struct reply		 rp;
	json_object		*j;
	int			 rc, nfail = 0;

	memset(vals, 0, sizeof(vals));
	memset(&rp, 0, sizeof(rp));
	j = json_tokener_parse(body);
	if (j == NULL) {
		print_error("bad test body %s\n", body);
		return 1;
	}
	rc = fields_parse_or_reply(&rp, j, fields, vals);
	CHECK(rc == status && rp.status == status, "%s: rc %d status %d, want "
	    "%d\n", body, rc, rp.status, status);
	if (message == NULL)
		CHECK(rp.message == NULL, "%s: message \"%s\", want none\n",
		    body, rp.message);
	else
		CHECK(rp.message != NULL && strcmp(rp.message, message) == 0,
		    "%s: message \"%s\", want \"%s\"\n", body,
		    rp.message != NULL ? rp.message : "(null)", message);
	fields_clear(vals, NFIELDS);
	reply_clear(&rp);
	json_object_put(j);
	return nfail;
}

struct body_case {
	const char	*body;
	int		 status;
	const char	*message;
};

static int
run_table(const struct body_case *t, size_t n)
{
	size_t	 i;
	int	 nfail = 0;

	for (i = 0; i < n; i++)
		nfail += run(t[i].body, t[i].status, t[i].message);
	return nfail;
}

static void
field_required(void **state)
{
	static const struct body_case t[] = {
		{ "{}",			400, "field 'name' is required" },
		{ "{\"name\":null}",	400, "field 'name' is required" },
		{ "{\"Name\":\"x\"}",	400, "field 'name' is required" },
		{ "{\"note\":\"x\"}",	400, "field 'name' is required" },
		{ "{\"name\":\"x\"}",	0, NULL },
		/* Optional fields may be absent or null. */
		{ "{\"name\":\"x\",\"note\":null,\"flag\":null,\"count\":null,"
		  "\"ref\":null,\"refs\":null,\"colour\":null}", 0, NULL },
	};

	assert_int_equal(run_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
field_wrong_type(void **state)
{
	static const struct body_case t[] = {
		{ "{\"name\":1}",	400, "field 'name' must be a string" },
		{ "{\"name\":true}",	400, "field 'name' must be a string" },
		{ "{\"name\":[\"x\"]}",	400, "field 'name' must be a string" },
		{ "{\"name\":{}}",	400, "field 'name' must be a string" },
		{ "{\"name\":\"x\",\"note\":2.5}",
		  400, "field 'note' must be a string" },
		{ "{\"name\":\"x\",\"flag\":1}",
		  400, "field 'flag' must be a boolean" },
		{ "{\"name\":\"x\",\"flag\":\"true\"}",
		  400, "field 'flag' must be a boolean" },
		{ "{\"name\":\"x\",\"flag\":[]}",
		  400, "field 'flag' must be a boolean" },
		{ "{\"name\":\"x\",\"count\":\"1\"}",
		  400, "field 'count' must be an integer" },
		{ "{\"name\":\"x\",\"count\":1.5}",
		  400, "field 'count' must be an integer" },
		{ "{\"name\":\"x\",\"count\":1.0}",
		  400, "field 'count' must be an integer" },
		{ "{\"name\":\"x\",\"count\":true}",
		  400, "field 'count' must be an integer" },
		{ "{\"name\":\"x\",\"ref\":\"nope\"}",
		  400, "field 'ref' must be a UUID" },
		{ "{\"name\":\"x\",\"ref\":1}",
		  400, "field 'ref' must be a UUID" },
		{ "{\"name\":\"x\",\"ref\":[\"" U1 "\"]}",
		  400, "field 'ref' must be a UUID" },
		{ "{\"name\":\"x\",\"ref\":\"" U1 "0\"}",
		  400, "field 'ref' must be a UUID" },
		{ "{\"name\":\"x\",\"ref\":\"\"}",
		  400, "field 'ref' must be a UUID" },
		{ "{\"name\":\"x\",\"refs\":\"" U1 "\"}",
		  400, "field 'refs' must be an array of UUIDs" },
		{ "{\"name\":\"x\",\"refs\":{}}",
		  400, "field 'refs' must be an array of UUIDs" },
		{ "{\"name\":\"x\",\"refs\":[1]}",
		  400, "field 'refs' must be an array of UUIDs" },
		{ "{\"name\":\"x\",\"refs\":[null]}",
		  400, "field 'refs' must be an array of UUIDs" },
		{ "{\"name\":\"x\",\"refs\":[\"nope\"]}",
		  400, "field 'refs' must be an array of UUIDs" },
		/* A bad entry after a good one: the copy so far is freed. */
		{ "{\"name\":\"x\",\"refs\":[\"" U1 "\",\"nope\"]}",
		  400, "field 'refs' must be an array of UUIDs" },
		{ "{\"name\":\"x\",\"colour\":1}",
		  400, "field 'colour' must be one of red, green, blue" },
		{ "{\"name\":\"x\",\"colour\":[\"red\"]}",
		  400, "field 'colour' must be one of red, green, blue" },
	};

	assert_int_equal(run_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
field_nonempty(void **state)
{
	static const struct body_case t[] = {
		{ "{\"name\":\"\"}",	400, "field 'name' must not be empty" },
		{ "{\"name\":\"   \"}",	400, "field 'name' must not be empty" },
		{ "{\"name\":\" \\t\\r\\n\"}",
		  400, "field 'name' must not be empty" },
		{ "{\"name\":\" a \"}",	0, NULL },
		{ "{\"name\":\".\"}",	0, NULL },
		/* Without F_NONEMPTY blank strings are fine. */
		{ "{\"name\":\"x\",\"note\":\"\"}",	0, NULL },
		{ "{\"name\":\"x\",\"note\":\"  \"}",	0, NULL },
	};

	assert_int_equal(run_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* max counts bytes of UTF-8, not characters; 0 means no limit. */
static void
field_max_length(void **state)
{
	static const struct body_case t[] = {
		{ "{\"name\":\"12345678\"}",	0, NULL },
		{ "{\"name\":\"123456789\"}",
		  400, "field 'name' is too long (max 8 bytes)" },
		{ "{\"name\":\"\\u00e9\\u00e9\\u00e9\\u00e9\"}", 0, NULL },
		{ "{\"name\":\"\\u00e9\\u00e9\\u00e9\\u00e9a\"}",
		  400, "field 'name' is too long (max 8 bytes)" },
		{ "{\"name\":\"\\u20ac\\u20ac\\u20ac\"}",
		  400, "field 'name' is too long (max 8 bytes)" },
		{ "{\"name\":\"x\",\"note\":\"0123456789012345678901234567890"
		  "12345678901234567890123456789012345678\"}", 0, NULL },
	};

	assert_int_equal(run_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
field_nul(void **state)
{
	static const struct body_case t[] = {
		{ "{\"name\":\"a\\u0000b\"}",
		  400, "field 'name' must not contain NUL characters" },
		{ "{\"name\":\"\\u0000\"}",
		  400, "field 'name' must not contain NUL characters" },
		{ "{\"name\":\"ab\\u0000\"}",
		  400, "field 'name' must not contain NUL characters" },
		{ "{\"name\":\"x\",\"note\":\"\\u0000\"}",
		  400, "field 'note' must not contain NUL characters" },
		/* NUL is checked before length and blankness. */
		{ "{\"name\":\"0123456789\\u0000\"}",
		  400, "field 'name' must not contain NUL characters" },
		{ "{\"name\":\" \\u0000\"}",
		  400, "field 'name' must not contain NUL characters" },
	};

	assert_int_equal(run_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/*
 * Enum and UUID values are compared as C strings; a NUL and anything
 * after it must not make a bad value pass as a good one.
 */
static void
field_nul_in_enum_and_uuid(void **state)
{
	static const struct body_case t[] = {
		{ "{\"name\":\"x\",\"colour\":\"red\\u0000\"}",
		  400, "field 'colour' must be one of red, green, blue" },
		{ "{\"name\":\"x\",\"colour\":\"red\\u0000; drop\"}",
		  400, "field 'colour' must be one of red, green, blue" },
		{ "{\"name\":\"x\",\"ref\":\"" U1 "\\u0000\"}",
		  400, "field 'ref' must be a UUID" },
		{ "{\"name\":\"x\",\"ref\":\"" U1 "\\u0000junk\"}",
		  400, "field 'ref' must be a UUID" },
		{ "{\"name\":\"x\",\"refs\":[\"" U1 "\\u0000junk\"]}",
		  400, "field 'refs' must be an array of UUIDs" },
	};

	assert_int_equal(run_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
field_enum(void **state)
{
	static const struct body_case t[] = {
		{ "{\"name\":\"x\",\"colour\":\"red\"}",	0, NULL },
		{ "{\"name\":\"x\",\"colour\":\"blue\"}",	0, NULL },
		{ "{\"name\":\"x\",\"colour\":\"purple\"}",
		  400, "field 'colour' must be one of red, green, blue" },
		{ "{\"name\":\"x\",\"colour\":\"RED\"}",
		  400, "field 'colour' must be one of red, green, blue" },
		{ "{\"name\":\"x\",\"colour\":\"red \"}",
		  400, "field 'colour' must be one of red, green, blue" },
		{ "{\"name\":\"x\",\"colour\":\"\"}",
		  400, "field 'colour' must be one of red, green, blue" },
	};

	assert_int_equal(run_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
field_uuid_array_too_many(void **state)
{
	static const struct body_case t[] = {
		{ "{\"name\":\"x\",\"refs\":[]}", 0, NULL },
		{ "{\"name\":\"x\",\"refs\":[\"" U1 "\"]}", 0, NULL },
		{ "{\"name\":\"x\",\"refs\":[\"" U1 "\",\"" U2 "\"]}",
		  0, NULL },
		{ "{\"name\":\"x\",\"refs\":"
		  "[\"" U1 "\",\"" U2 "\",\"" U3 "\"]}",
		  400, "field 'refs' has too many entries (max 2)" },
		/* The count is checked before the entries. */
		{ "{\"name\":\"x\",\"refs\":[1,2,3]}",
		  400, "field 'refs' has too many entries (max 2)" },
	};

	assert_int_equal(run_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* Unknown keys are ignored; the first bad field in table order wins. */
static void
field_unknown_and_order(void **state)
{
	static const struct body_case t[] = {
		{ "{\"name\":\"x\",\"zzz\":[1,{}],\"flagg\":1}",
		  0, NULL },
		{ "{\"flag\":1}", 400, "field 'name' is required" },
		{ "{\"colour\":0,\"flag\":1,\"name\":\"x\"}",
		  400, "field 'flag' must be a boolean" },
		{ "{\"name\":\"x\",\"refs\":3,\"ref\":3}",
		  400, "field 'ref' must be a UUID" },
	};

	assert_int_equal(run_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* A valid body: every value, canonicalised, and present/is_null. */
static void
field_values(void **state)
{
	struct field_val	 vals[NFIELDS];
	struct reply		 rp;
	json_object		*j;

	memset(vals, 0, sizeof(vals));
	memset(&rp, 0, sizeof(rp));
	j = json_tokener_parse("{\"name\":\" caf\\u00e9 \",\"note\":null,"
	    "\"flag\":true,\"count\":-9223372036854775808,\"ref\":\"" U2 "\","
	    "\"refs\":[\"" U3 "\",\"" U1 "\"],\"colour\":\"green\"}");
	assert_non_null(j);
	assert_int_equal(fields_parse_or_reply(&rp, j, fields, vals), 0);
	assert_int_equal(rp.status, 0);
	assert_null(rp.message);

	assert_true(vals[NAME].present);
	assert_false(vals[NAME].is_null);
	assert_string_equal(vals[NAME].s, " caf\xc3\xa9 ");	/* untrimmed */

	assert_true(vals[NOTE].present);
	assert_true(vals[NOTE].is_null);
	assert_null(vals[NOTE].s);

	assert_true(vals[FLAG].present);
	assert_false(vals[FLAG].is_null);
	assert_int_equal(vals[FLAG].b, 1);

	assert_true(vals[COUNT].present);
	assert_true(vals[COUNT].i == INT64_MIN);

	assert_true(vals[REF].present);
	assert_string_equal(vals[REF].uuid, U2C);
	assert_ptr_equal(vals[REF].s, vals[REF].uuid);

	assert_true(vals[REFS].present);
	assert_int_equal(vals[REFS].nuuids, 2);
	assert_non_null(vals[REFS].uuids);
	assert_string_equal(vals[REFS].uuids[0], U3C);
	assert_string_equal(vals[REFS].uuids[1], U1);

	/* An enum value points into the table, not into the body. */
	assert_true(vals[COLOUR].present);
	assert_ptr_equal(vals[COLOUR].s, colours[1]);

	fields_clear(vals, NFIELDS);
	assert_null(vals[REFS].uuids);
	assert_int_equal(vals[REFS].nuuids, 0);
	fields_clear(vals, NFIELDS);	/* twice is harmless */
	json_object_put(j);
}

/* Absent keys leave their values untouched: present 0, is_null 0. */
static void
field_absent(void **state)
{
	struct field_val	 vals[NFIELDS], zero;
	struct reply		 rp;
	json_object		*j;
	int			 i;

	memset(vals, 0, sizeof(vals));
	memset(&zero, 0, sizeof(zero));
	memset(&rp, 0, sizeof(rp));
	j = json_tokener_parse("{\"name\":\"n\",\"flag\":false,\"refs\":[]}");
	assert_non_null(j);
	assert_int_equal(fields_parse_or_reply(&rp, j, fields, vals), 0);
	assert_true(vals[FLAG].present);
	assert_int_equal(vals[FLAG].b, 0);
	assert_true(vals[REFS].present);
	assert_false(vals[REFS].is_null);
	assert_int_equal(vals[REFS].nuuids, 0);
	for (i = 0; i < NFIELDS; i++)
		if (i != NAME && i != FLAG && i != REFS)
			assert_memory_equal(&vals[i], &zero, sizeof(zero));
	fields_clear(vals, NFIELDS);
	json_object_put(j);
}

/* An enum whose list overflows the message buffer still replies. */
static void
field_enum_long_list(void **state)
{
	static char		 words[40][32];
	static const char	*values[41];
	struct field		 f[2];
	struct field_val	 vals[1];
	struct reply		 rp;
	json_object		*j;
	size_t			 i;

	for (i = 0; i < 40; i++) {
		snprintf(words[i], sizeof(words[i]),
		    "value-number-%02zu-xxxxxxxxxxxxxx", i);
		values[i] = words[i];
	}
	values[40] = NULL;
	memset(f, 0, sizeof(f));
	f[0].name = "e";
	f[0].type = FT_ENUM;
	f[0].values = values;
	memset(vals, 0, sizeof(vals));
	memset(&rp, 0, sizeof(rp));
	j = json_tokener_parse("{\"e\":\"nope\"}");
	assert_non_null(j);
	assert_int_equal(fields_parse_or_reply(&rp, j, f, vals), 400);
	assert_non_null(rp.message);
	assert_true(strncmp(rp.message, "field 'e' must be one of "
	    "value-number-00-xxxxxxxxxxxxxx, value-number-01", 48) == 0);
	fields_clear(vals, 1);
	reply_clear(&rp);
	json_object_put(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_table_shape),
		cmocka_unit_test(field_required),
		cmocka_unit_test(field_wrong_type),
		cmocka_unit_test(field_nonempty),
		cmocka_unit_test(field_max_length),
		cmocka_unit_test(field_nul),
		cmocka_unit_test(field_nul_in_enum_and_uuid),
		cmocka_unit_test(field_enum),
		cmocka_unit_test(field_uuid_array_too_many),
		cmocka_unit_test(field_unknown_and_order),
		cmocka_unit_test(field_values),
		cmocka_unit_test(field_absent),
		cmocka_unit_test(field_enum_long_list),
	};

	return cmocka_run_group_tests_name("field", tests, NULL, NULL);
}

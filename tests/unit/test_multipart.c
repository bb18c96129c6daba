/* test_multipart.c: multipart/form-data boundaries and parts, and every
 * refusal */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "multipart.h"

#define B	"----WebKitFormBoundary7MA4YWxkTrZu0gW"

static int
find(struct multipart_part *p, const char *body, const char *field)
{
	return multipart_find(p, body, strlen(body), B, field);
}

static void
test_boundary(void **state)
{
	char	b[MULTIPART_BOUNDARY_MAX + 1];

	(void)state;
	assert_int_equal(multipart_boundary(b,
	    "multipart/form-data; boundary=" B), 0);
	assert_string_equal(b, B);
	assert_int_equal(multipart_boundary(b,
	    "Multipart/Form-Data;charset=utf-8; boundary=\"a b:c\""), 0);
	assert_string_equal(b, "a b:c");
	assert_int_equal(multipart_boundary(b, "application/json"),
	    E_UNSUPPORTED);
	assert_int_equal(multipart_boundary(b, "multipart/form-datax; "
	    "boundary=x"), E_UNSUPPORTED);
	assert_int_equal(multipart_boundary(b, NULL), E_UNSUPPORTED);
	assert_int_equal(multipart_boundary(b, "multipart/form-data"), E_INVAL);
	assert_int_equal(multipart_boundary(b, "multipart/form-data; "
	    "boundary="), E_INVAL);
	assert_int_equal(multipart_boundary(b, "multipart/form-data; "
	    "boundary=\"unterminated"), E_INVAL);
	assert_int_equal(multipart_boundary(b, "multipart/form-data; "
	    "boundary=a<b"), E_INVAL);
	/* 71 characters: one past RFC 2046's limit. */
	assert_int_equal(multipart_boundary(b, "multipart/form-data; boundary="
	    "12345678901234567890123456789012345678901234567890123456789012345"
	    "678901"), E_INVAL);
	assert_int_equal(multipart_boundary(b, "multipart/form-data; "
	    "boundary=\"trailing \""), E_INVAL);
}

static void
test_find_file(void **state)
{
	struct multipart_part	 p;
	const char		*body = "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
	    "hello\r\n"
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"image\"; "
	    "filename=\"C:\\\\Users\\\\me\\\\shot 1.png\"\r\n"
	    "Content-Type: image/png\r\n\r\n"
	    "\x89PNG\r\n--not-the-boundary\r\n"
	    "\r\n--" B "--\r\n";

	(void)state;
	assert_int_equal(find(&p, body, "image"), 0);
	assert_int_equal(p.has_filename, 1);
	assert_string_equal(p.filename, "shot 1.png");
	assert_int_equal(p.len, strlen("\x89PNG\r\n--not-the-boundary\r\n"));
	assert_memory_equal(p.data, "\x89PNG\r\n--not", 11);
	assert_int_equal(find(&p, body, "note"), 0);
	assert_int_equal(p.has_filename, 0);
	assert_int_equal(p.len, 5);
	assert_int_equal(find(&p, body, "other"), E_NOTFOUND);
}

static void
test_empty_and_preamble(void **state)
{
	struct multipart_part	 p;

	(void)state;
	/* A preamble before the first delimiter is allowed (RFC 2046). */
	assert_int_equal(find(&p, "ignored\r\n--" B "\r\n"
	    "content-disposition: form-data; name=image; filename=a.gif\r\n"
	    "\r\n\r\n--" B "--", "image"), 0);
	assert_int_equal(p.len, 0);
	assert_string_equal(p.filename, "a.gif");
	assert_int_equal(find(&p, "--" B "--\r\n", "image"), E_NOTFOUND);
}

static void
test_malformed(void **state)
{
	struct multipart_part	 p;
	const char		*bad[] = {
		"",
		"no delimiter at all",
		/* not closed */
		"--" B "\r\nContent-Disposition: form-data; name=\"image\"\r\n"
		    "\r\ndata",
		/* garbage after the delimiter */
		"--" B "xx\r\nContent-Disposition: form-data; name=a\r\n\r\n"
		    "\r\n--" B "--",
		/* no name */
		"--" B "\r\nContent-Disposition: form-data; filename=a.png\r\n"
		    "\r\nx\r\n--" B "--",
		/* not form-data */
		"--" B "\r\nContent-Disposition: attachment; name=image\r\n"
		    "\r\nx\r\n--" B "--",
		/* folded header */
		"--" B "\r\nContent-Disposition: form-data;\r\n name=image\r\n"
		    "\r\nx\r\n--" B "--",
		/* headers never end */
		"--" B "\r\nContent-Disposition: form-data; name=image\r\n",
		/* unterminated quote */
		"--" B "\r\nContent-Disposition: form-data; name=\"image\r\n"
		    "\r\nx\r\n--" B "--",
		/* filename with a control character */
		"--" B "\r\nContent-Disposition: form-data; name=image; "
		    "filename=\"a\x01.png\"\r\n\r\nx\r\n--" B "--",
		/* filename that is only a directory */
		"--" B "\r\nContent-Disposition: form-data; name=image; "
		    "filename=\"dir/\"\r\n\r\nx\r\n--" B "--",
		/* filename that is not UTF-8 */
		"--" B "\r\nContent-Disposition: form-data; name=image; "
		    "filename=\"\xff.png\"\r\n\r\nx\r\n--" B "--",
		/* a header line without a colon */
		"--" B "\r\nContent-Disposition: form-data; name=image\r\n"
		    "junk\r\n\r\nx\r\n--" B "--",
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(find(&p, bad[i], "image"), E_INVAL);
	}
	/* A NUL inside the header block. */
	{
		char	body[] = "--" B "\r\nContent-Disposition: form-data; "
		    "name=image\r\nX: a\0b\r\n\r\nx\r\n--" B "--";

		assert_int_equal(multipart_find(&p, body, sizeof(body) - 1, B,
		    "image"), E_INVAL);
	}
}

static void
test_too_many_parts(void **state)
{
	struct multipart_part	 p;
	char			 body[8192];
	size_t			 n = 0;
	int			 i;

	(void)state;
	for (i = 0; i <= MULTIPART_MAX_PARTS; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "--" B "\r\n"
		    "Content-Disposition: form-data; name=f%d\r\n\r\nx\r\n", i);
	snprintf(body + n, sizeof(body) - n, "--" B "--");
	assert_int_equal(find(&p, body, "image"), E_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_find_file),
		cmocka_unit_test(test_empty_and_preamble),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

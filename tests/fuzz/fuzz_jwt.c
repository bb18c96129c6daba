/* fuzz_jwt.c: libFuzzer target: jwt_verify never crashes, leaks or accepts
 * a token it did not sign */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jwt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jwt_key	 key;
	static int		 ready;
	static const char *const required[] = { "sub", "node_id", NULL };
	json_object		*claims = NULL;
	char			*tok;
	int			 rc;

	if (!ready) {
		if (jwt_key_from_base64(&key, "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ"
		    "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ") != 0)
			abort();
		ready = 1;
	}
	if ((tok = malloc(size + 1)) == NULL)
		return 0;
	memcpy(tok, data, size);
	tok[size] = '\0';
	rc = jwt_verify(&claims, &key, tok, "connection", 1800000000, required,
	    NULL);
	/* Random bytes can never carry a valid HMAC-SHA256. */
	if (rc == 0)
		abort();
	if (claims != NULL)
		abort();
	free(tok);
	return 0;
}

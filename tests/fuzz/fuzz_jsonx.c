/* fuzz_jsonx.c: libFuzzer target: the request body parser never crashes,
 * and whatever it accepts renders back to JSON it accepts again */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object	*o = NULL, *again = NULL;
	const char	*s;
	char		 err[128];
	size_t		 len;

	if (jsonx_parse_strict(&o, (const char *)data, size, err,
	    sizeof(err)) != 0) {
		if (o != NULL)
			abort();
		return 0;
	}
	if (o == NULL)
		return 0;	/* JSON null */
	if ((s = jsonx_render(o, &len)) == NULL)
		abort();
	if (jsonx_parse_strict(&again, s, len, err, sizeof(err)) != 0)
		abort();
	json_object_put(again);
	json_object_put(o);
	return 0;
}

/* args.c: the command-line flags every FastCGI binary takes */
#include <getopt.h>
#include <stdint.h>

#include "server.h"
#include "text.h"

int
server_parse_args(int argc, char *argv[], const char **sock, int *workers)
{
	static const struct option opts[] = {
		{ "socket",  required_argument, NULL, 's' },
		{ "workers", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	int64_t	 n = 4;
	int	 ch;

	*sock = NULL;
	while ((ch = getopt_long(argc, argv, "s:w:", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			*sock = optarg;
			break;
		case 'w':
			if (text_to_int64(&n, optarg, 1, 256) != 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (*sock == NULL || optind != argc)
		return -1;
	*workers = (int)n;
	return 0;
}

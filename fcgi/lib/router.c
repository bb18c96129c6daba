/* router.c: matching a raw request path against the route table */
#include <string.h>

#include "http.h"

enum method
router_method(const char *name)
{
	static const struct { const char *name; enum method m; } methods[] = {
		{ "GET", M_GET }, { "POST", M_POST }, { "PUT", M_PUT },
		{ "DELETE", M_DELETE }, { "PATCH", M_PATCH },
	};
	size_t	 i;

	if (name == NULL)
		return 0;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(name, methods[i].name) == 0)
			return methods[i].m;
	return 0;
}

/* Length of the segment starting at s (up to '/' or the end). */
static size_t
seglen(const char *s)
{
	const char	*e = strchr(s, '/');

	return e == NULL ? strlen(s) : (size_t)(e - s);
}

/*
 * Match path against one pattern, segment by segment. Captures point
 * into path. Empty segments never match a capture.
 */
static int
pattern_match(struct route_match *m, const char *pat, const char *path)
{
	size_t	 pl, sl;

	m->id = m->sub = m->rest = NULL;
	m->id_len = m->sub_len = m->rest_len = 0;
	for (;;) {
		if (*pat != '/' || *path != '/')
			return *pat == '\0' && *path == '\0';
		pat++;
		path++;
		pl = seglen(pat);
		if (pl == 7 && strncmp(pat, "{*path}", 7) == 0) {
			if (*path == '\0' || *path == '/')
				return 0;
			m->rest = path;
			m->rest_len = strlen(path);
			return 1;
		}
		sl = seglen(path);
		if (pl == 4 && strncmp(pat, "{id}", 4) == 0) {
			if (sl == 0)
				return 0;
			m->id = path;
			m->id_len = sl;
		} else if (pl == 5 && strncmp(pat, "{sub}", 5) == 0) {
			if (sl == 0)
				return 0;
			m->sub = path;
			m->sub_len = sl;
		} else if (pl != sl || strncmp(pat, path, pl) != 0)
			return 0;
		pat += pl;
		path += sl;
	}
}

int
router_match(struct route_match *m, const struct route *routes,
    size_t nroutes, enum method method, const char *path)
{
	size_t	 i;
	int	 path_known = 0;

	for (i = 0; i < nroutes; i++) {
		if (!pattern_match(m, routes[i].pattern, path))
			continue;
		if (routes[i].method == method) {
			m->route = &routes[i];
			return 0;
		}
		path_known = 1;
	}
	m->route = NULL;
	return path_known ? ROUTE_METHOD : ROUTE_NONE;
}

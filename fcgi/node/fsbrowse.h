/* fsbrowse.h: reading directories and files from a request, within a root */
#ifndef SWARM_FSBROWSE_H
#define SWARM_FSBROWSE_H

#include <stddef.h>
#include <json.h>

#define FSB_MAX_FILE	(1024 * 1024)	/* larger files are refused */
#define FSB_BINARY_SCAN	8192		/* a NUL in here means binary */
#define FSB_MAX_ENTRIES	10000		/* directory listing cap */

/*
 * Resolve the request path rel (NULL or "" for the root itself) inside
 * root, following symlinks. *out is the real path (caller frees).
 * Returns 0, E_FORBIDDEN when rel is absolute or it or its target lies
 * outside root, E_NOTFOUND when it does not exist, E_FAIL.
 */
int	fsb_resolve(char **out, const char *root, const char *rel);
/*
 * DirectoryListResponse for rel under root: {entries:[{name, path,
 * is_directory, is_git_repo, last_modified}], current_path}. Hidden
 * entries are skipped; directories first, then files, case-insensitively
 * by name. last_modified is the age in seconds, as the original sends.
 * Errors: E_FORBIDDEN, E_NOTFOUND, E_INVAL (not a directory), E_FAIL;
 * msg gets the original's message.
 */
int	fsb_list(json_object **out, const char *root, const char *rel,
	    const char **msg);
/*
 * FileContentResponse for rel under root: {path, content, size_bytes,
 * truncated, language}. Errors: E_FORBIDDEN, E_NOTFOUND, E_INVAL (not a
 * regular file), E_TOOBIG (over FSB_MAX_FILE, *size set), E_UNSUPPORTED
 * (binary), E_FAIL; msg gets the original's message.
 */
int	fsb_read(json_object **out, const char *root, const char *rel,
	    long long *size, const char **msg);
/* Language name guessed from a file name's extension, or NULL. */
const char *fsb_language(const char *name);

#endif

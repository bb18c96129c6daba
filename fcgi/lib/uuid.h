/* uuid.h: UUID text validation and random (version 4) generation */
#ifndef SWARM_UUID_H
#define SWARM_UUID_H

#define UUID_STRLEN	36		/* 8-4-4-4-12, without the NUL */

/*
 * Validate s as a UUID (hyphenated 36 chars, or 32 hex digits without
 * hyphens, either case) and write the canonical lowercase hyphenated form
 * into out[UUID_STRLEN + 1]. Returns 0 or E_INVAL.
 */
int	uuid_parse(char out[UUID_STRLEN + 1], const char *s);
/* A new random version 4 UUID in canonical form; 0 or E_FAIL. */
int	uuid_new(char out[UUID_STRLEN + 1]);

#endif

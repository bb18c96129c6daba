/* github.h: the GitHub REST calls pull requests need (create, find, get) */
#ifndef SWARM_GITHUB_H
#define SWARM_GITHUB_H

#include <stddef.h>
#include <json.h>

#define GITHUB_API_DEFAULT	"https://api.github.com"

enum github_fail {
	GITHUB_OK,
	GITHUB_NO_TOKEN,	/* SWARM_GITHUB_TOKEN unset, 401 or 403 */
	GITHUB_INVALID,		/* 422: e.g. the base branch does not exist */
	GITHUB_NOT_FOUND,	/* 404 */
	GITHUB_UNREACHABLE,	/* no answer, or another status */
};

/*
 * owner and repo of the repository at path, from its origin remote URL:
 * the last two path components, ".git" stripped (github.com https and
 * ssh URLs, and any other host, e.g. a test's local path). 0 or E_NOTFOUND.
 */
int	github_repo_of(char *owner, size_t osz, char *repo, size_t rsz,
	    const char *path);
/*
 * POST /repos/{owner}/{repo}/pulls {title, head, base, body}. *pr is the
 * created pull request (caller puts). Returns GITHUB_OK or the failure,
 * with err (GitHub's message).
 */
enum github_fail github_pr_create(json_object **pr, const char *owner,
	    const char *repo, const char *head, const char *base,
	    const char *title, const char *body, char *err, size_t errsz);
/* The first pull request whose head is owner:branch (any state), or *pr NULL. */
enum github_fail github_pr_find(json_object **pr, const char *owner,
	    const char *repo, const char *branch, char *err, size_t errsz);
/* GET /repos/{owner}/{repo}/pulls/{number}. */
enum github_fail github_pr_get(json_object **pr, const char *owner,
	    const char *repo, long long number, char *err, size_t errsz);
/* "open", "closed" or "merged" (merged_at set) for a pull request. */
const char *github_pr_status(json_object *pr);
/* owner and repo from a pull request URL ".../{owner}/{repo}/pull/{n}". */
int	github_repo_of_url(char *owner, size_t osz, char *repo, size_t rsz,
	    const char *url);

#endif

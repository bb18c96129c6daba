// tests/e2e/lib/attempt-helpers.mjs: projects and attempts for the stream
// tests (the SCRIPT stand-in agent, see fixtures/script-agent.sh).

import fs from 'node:fs';
import path from 'node:path';

import { api, createProject, git, makeRepo, ok } from './stack.mjs';

export const SCRIPT = { executor: 'SCRIPT' };

/* Polls async fn every 50 ms until it returns something truthy. */
export async function poll(fn, ms, what)
{
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > end)
			throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/* A repository (main, README.md) and a project on it. */
export async function newRepoProject(dir, extra = {})
{
	const repo = makeRepo(dir);
	fs.writeFileSync(path.join(repo, 'README.md'), '# readme\n');
	git(repo, 'add', '.');
	git(repo, 'commit', '-q', '-m', 'readme');
	const project = await createProject(repo, extra);
	return { repo, project };
}

export async function startAttempt(taskId, profile = SCRIPT)
{
	return ok(await api('POST', '/api/task-attempts', {
		json: { task_id: taskId, executor_profile_id: profile, base_branch: 'main' },
	}));
}

export async function listProcesses(attemptId)
{
	return ok(await api('GET', `/api/execution-processes?task_attempt_id=${attemptId}`));
}

/* The attempt's chain is over: nothing runs and the task is in review. */
export async function waitChainDone(attempt, ms = 20000)
{
	return poll(async () => {
		const list = await listProcesses(attempt.id);
		if (list.length === 0 || list.some((p) => p.status === 'running'))
			return null;
		const t = ok(await api('GET', `/api/tasks/${attempt.task_id}`));
		return t.status === 'inreview' ? list : null;
	}, ms, `the chain of attempt ${attempt.id}`);
}

// Earlier versions of a schema file from git, for checking compatibility when no registry answers.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { SchemaToolErrorCode, SchemaToolException } from './schema-tool.exception';

export interface GitSchemaVersion {
  commit: string;
  /** How a person names it in a message. */
  label: string;
  text: string;
}

export interface GitHistoryOptions {
  /** A commit-ish; default TW_SCHEMA_BASE, else `git merge-base HEAD origin/main`, else HEAD. */
  base?: string;
  /** Every earlier version reachable from the base (the *_TRANSITIVE levels), or only the base's. */
  transitive: boolean;
  /**
   * Baseline resets (schemas/baseline.yaml): only versions from commits that contain every one of these
   * commits are compared; the history before a reviewed break is dropped.
   */
  since?: readonly string[];
}

export interface GitHistory {
  /** The base commit-ish used, or null when the file is not in a git work tree with commits. */
  base: string | null;
  /** Oldest first; consecutive identical contents collapsed. */
  versions: GitSchemaVersion[];
}

/** The versions of `file` at the git base and, when transitive, every earlier committed version. */
export function gitSchemaHistory(file: string, options: GitHistoryOptions): GitHistory {
  const top = git(path.dirname(file), ['rev-parse', '--show-toplevel'])?.trim();
  if (!top) return { base: null, versions: [] };
  // Paths in pathspecs and `<commit>:<path>` are relative to the top of the work tree: run from there.
  const cwd = top;
  const relative = path.relative(top, fs.realpathSync(file)).split(path.sep).join('/');
  const base = resolveBase(cwd, options.base);
  if (base === null) return { base: null, versions: [] };

  const label = (commit: string): string => `its version from commit ${commit.slice(0, 7)}`;
  const starts = (options.since ?? []).map((since) => {
    const commit = git(cwd, ['rev-parse', '--verify', '--quiet', `${since}^{commit}`]);
    if (commit === null) {
      throw new SchemaToolException(
        SchemaToolErrorCode.GitFailed,
        `baseline reset "since: ${since}" for ${relative} is not a commit in this repository ` +
          '(was the branch rebased or squashed? name the commit that made the break)',
      );
    }
    return commit.trim();
  });
  // `merge-base --is-ancestor` exits 0 (empty output) when it is one, 1 (git() → null) when not.
  const afterResets = (commit: string): boolean =>
    starts.every((start) => git(cwd, ['merge-base', '--is-ancestor', start, commit]) !== null);
  if (!options.transitive) {
    if (!afterResets(base.commit)) return { base: base.name, versions: [] };
    const text = git(cwd, ['show', `${base.commit}:${relative}`]);
    return {
      base: base.name,
      versions: text === null ? [] : [{ commit: base.commit, label: label(base.commit), text }],
    };
  }

  const log = git(cwd, ['log', '--format=%H', base.commit, '--', relative]) ?? '';
  const commits = log
    .split('\n')
    .filter((line) => line.trim() !== '')
    .reverse();
  const versions: GitSchemaVersion[] = [];
  for (const commit of commits) {
    if (!afterResets(commit)) continue;
    const text = git(cwd, ['show', `${commit}:${relative}`]);
    if (text === null) continue; // deleted in that commit
    if (versions.length > 0 && versions[versions.length - 1].text === text) continue;
    versions.push({ commit, label: label(commit), text });
  }
  return { base: base.name, versions };
}

function resolveBase(cwd: string, requested: string | undefined): { name: string; commit: string } | null {
  const wanted = requested ?? process.env.TW_SCHEMA_BASE;
  if (wanted) {
    const commit = git(cwd, ['rev-parse', '--verify', '--quiet', `${wanted}^{commit}`]);
    if (commit === null) {
      throw new SchemaToolException(
        SchemaToolErrorCode.GitFailed,
        `git base "${wanted}" (TW_SCHEMA_BASE) is not a commit in this repository`,
      );
    }
    return { name: wanted, commit: commit.trim() };
  }
  const mergeBase = git(cwd, ['merge-base', 'HEAD', 'origin/main']);
  if (mergeBase !== null) return { name: 'merge-base with origin/main', commit: mergeBase.trim() };
  // No origin/main (a fresh clone of a fork, a local repository): compare with the last commit.
  const head = git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  return head === null ? null : { name: 'HEAD', commit: head.trim() };
}

/** The command's output, or null when git fails (not a repository, unknown revision, missing file). */
function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 << 20,
    });
  } catch {
    return null;
  }
}

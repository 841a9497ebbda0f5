// A throw-away git repository with a schemas folder, for tests of the check's git history.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ScratchRepo {
  root: string;
  schemasDir: string;
  generatedDir: string;
  /** Runs git in the repository (with a test identity); returns its trimmed output. */
  git(...args: string[]): string;
  remove(): void;
}

export function scratchRepo(prefix: string): ScratchRepo {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const schemasDir = path.join(root, 'schemas');
  fs.mkdirSync(path.join(schemasDir, 'avro'), { recursive: true });
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
  git('init', '--quiet');
  return {
    root,
    schemasDir,
    generatedDir: path.join(root, 'generated'),
    git,
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

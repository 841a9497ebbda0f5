// Local users for the demo and tests: a JSON file of usernames, scrypt password hashes, roles and
// workflows. Hash format: `scrypt$<N>$<r>$<p>$<salt base64>$<key base64>` (node:crypto scrypt, 64-byte key).
// Verification is constant time and always runs scrypt, so an unknown username takes as long as a wrong password.
import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { ConsoleErrorCode, ConsoleException } from '../ops-console.exception';
import { type ConsoleUser, isConsoleRole } from './console-user';

const KEY_LENGTH = 64;
const DEFAULT_COST = { N: 16_384, r: 8, p: 1 };

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error === null ? resolve(key) : reject(error),
    ),
  );
}

export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  readonly cost: { N: number; r: number; p: number };
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(hash: string): ParsedHash | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return undefined;
  return { cost: { N, r, p }, salt: Buffer.from(parts[4], 'base64'), key: Buffer.from(parts[5], 'base64') };
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (parsed === undefined || parsed.key.length !== KEY_LENGTH) return false;
  const key = await scryptAsync(password, parsed.salt, parsed.cost);
  return timingSafeEqual(key, parsed.key);
}

interface LocalUserEntry {
  readonly username: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly roles: readonly string[];
  readonly workflows: readonly string[];
}

// Compared against when the username is unknown, so timing does not tell which usernames exist.
const DUMMY_HASH = `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

export class LocalUsers {
  private readonly users: ReadonlyMap<string, LocalUserEntry>;

  constructor(entries: readonly LocalUserEntry[]) {
    this.users = new Map(entries.map((e) => [e.username, e]));
  }

  /** Reads and checks the file; every problem is named at once. */
  static load(path: string): LocalUsers {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConsoleException(
        ConsoleErrorCode.Misconfigured,
        `users file ${path} is not readable JSON`,
        [],
        {
          cause: error,
        },
      );
    }
    const problems = checkEntries(raw);
    if (problems.length > 0) {
      throw new ConsoleException(
        ConsoleErrorCode.Misconfigured,
        `users file ${path}: ${problems.join('; ')}`,
        problems.map((message) => ({ message })),
      );
    }
    return new LocalUsers(raw as LocalUserEntry[]);
  }

  async authenticate(username: string, password: string): Promise<ConsoleUser | undefined> {
    const entry = this.users.get(username);
    const ok = await verifyPassword(password, entry?.passwordHash ?? DUMMY_HASH);
    if (entry === undefined || !ok) return undefined;
    return {
      id: entry.username,
      name: entry.name,
      roles: entry.roles.filter(isConsoleRole),
      workflows: [...entry.workflows],
    };
  }
}

function checkEntries(raw: unknown): string[] {
  if (!Array.isArray(raw)) return ['the file must hold a JSON array of users'];
  const problems: string[] = [];
  const seen = new Set<string>();
  raw.forEach((entry: Record<string, unknown>, i) => {
    const at = `user ${i}`;
    if (typeof entry !== 'object' || entry === null) return problems.push(`${at} is not an object`);
    if (typeof entry.username !== 'string' || !/^[a-z0-9._-]{2,64}$/.test(entry.username)) {
      problems.push(`${at}: username must be 2-64 of a-z 0-9 . _ -`);
    } else if (seen.has(entry.username)) problems.push(`${at}: username ${entry.username} appears twice`);
    else seen.add(entry.username);
    if (typeof entry.name !== 'string' || entry.name.length === 0) problems.push(`${at}: name is missing`);
    if (typeof entry.passwordHash !== 'string' || parseHash(entry.passwordHash) === undefined) {
      problems.push(`${at}: passwordHash is not scrypt$N$r$p$salt$key`);
    }
    if (
      !Array.isArray(entry.roles) ||
      entry.roles.length === 0 ||
      !entry.roles.every((r) => isConsoleRole(String(r)))
    ) {
      problems.push(`${at}: roles must list business, engineer or auditor`);
    }
    if (!Array.isArray(entry.workflows) || !entry.workflows.every((w) => typeof w === 'string')) {
      problems.push(`${at}: workflows must be a list of workflow names (or "*")`);
    }
    return undefined;
  });
  return problems;
}

import { createHash } from 'node:crypto';

import type { OdooCommand } from '@tradewind/contracts';

import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import { BODY_FIELDS, bodyFieldOf, type WritableCommandType } from './command-type';
import { isExternalId, type OdooRef, parseRef } from './odoo-ref';

/** What every command carries besides its body. */
export interface CommandEnvelope {
  commandId: string;
  externalId: string;
  issuedBy: string;
  issuedAt: number;
}

/** Collects every problem of a command, so one rejection names them all. */
export class CommandProblems {
  readonly list: string[] = [];

  check(condition: boolean, problem: string): void {
    if (!condition) this.list.push(problem);
  }

  text(
    path: string,
    value: string | null | undefined,
    options: { required?: boolean; max?: number } = {},
  ): void {
    if (value === null || value === undefined) {
      if (options.required) this.list.push(`${path}: required`);
      return;
    }
    if (options.required && value.trim() === '') this.list.push(`${path}: must not be empty`);
    if (value.length > (options.max ?? 10_000))
      this.list.push(`${path}: longer than ${options.max ?? 10_000} characters`);
  }

  ref(path: string, value: string): OdooRef {
    const ref = parseRef(value);
    if (!ref) {
      this.list.push(
        `${path}: ${JSON.stringify(value)} is neither an Odoo id nor an external id (module.name)`,
      );
      return { kind: 'id', id: 0, text: value };
    }
    return ref;
  }

  quantity(path: string, value: number, options: { positive?: boolean } = {}): void {
    if (!Number.isFinite(value)) this.list.push(`${path}: ${value} is not a number`);
    else if (options.positive ? value <= 0 : value < 0) {
      this.list.push(`${path}: ${value} must be ${options.positive ? 'greater than 0' : '0 or more'}`);
    }
  }

  isoDate(path: string, value: string | null, options: { dateOnly?: boolean } = {}): void {
    if (value === null) return;
    const pattern = options.dateOnly
      ? /^\d{4}-\d{2}-\d{2}$/
      : /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
    if (!pattern.test(value) || Number.isNaN(Date.parse(value))) {
      this.list.push(
        `${path}: ${JSON.stringify(value)} is not an ISO ${options.dateOnly ? 'date' : 'date-time'}`,
      );
    }
  }
}

/**
 * A validated command. Subclasses are made only through their static `create(value)`, which checks the
 * envelope and the body and throws one OdooWriterException (InvalidCommand) listing every problem, so
 * code past the consumer edge never sees an invalid command (novu's BaseCommand.create()).
 */
export abstract class BaseWriterCommand<T extends WritableCommandType, B extends object> {
  abstract readonly type: T;

  protected constructor(
    readonly envelope: CommandEnvelope,
    readonly body: B,
  ) {}

  get commandId(): string {
    return this.envelope.commandId;
  }

  get externalId(): string {
    return this.envelope.externalId;
  }

  /**
   * SHA-256 (hex) of what the command asks Odoo to hold: type, target and body in canonical JSON. Not the
   * command id or the issue time: the same write issued twice hashes the same.
   */
  payloadHash(): string {
    return createHash('sha256')
      .update(canonicalJson({ type: this.type, externalId: this.externalId, body: this.body }))
      .digest('hex');
  }

  /** Checks the envelope and that `type`'s body, and no other, is set; returns the body. */
  protected static envelopeAndBody<F extends keyof OdooCommand>(
    value: OdooCommand,
    type: WritableCommandType,
    problems: CommandProblems,
  ): { envelope: CommandEnvelope; body: NonNullable<OdooCommand[F]> | undefined } {
    problems.text('commandId', value.commandId, { required: true, max: 200 });
    problems.check(
      isExternalId(value.externalId),
      `externalId: ${JSON.stringify(value.externalId)} is not an external id (module.name)`,
    );
    problems.check(value.type === (type as string), `type: ${JSON.stringify(value.type)} is not ${type}`);
    const field = bodyFieldOf(type);
    const body = value[field] as NonNullable<OdooCommand[F]> | null;
    problems.check(body !== null && body !== undefined, `${field}: required for type ${type}`);
    for (const other of BODY_FIELDS) {
      if (other !== field)
        problems.check(
          value[other] === null || value[other] === undefined,
          `${other}: must be null for type ${type}`,
        );
    }
    const envelope = {
      commandId: value.commandId,
      externalId: value.externalId,
      issuedBy: value.issuedBy,
      issuedAt: value.issuedAt,
    };
    return { envelope, body: body ?? undefined };
  }

  /** Throws the command's problems (a missing body is one of them). */
  protected static reject(problems: CommandProblems, value: OdooCommand): never {
    this.throwIfAny(problems, value);
    throw new OdooWriterException(OdooWriterErrorCode.InvalidCommand, `invalid command ${value.commandId}`);
  }

  protected static throwIfAny(problems: CommandProblems, value: OdooCommand): void {
    if (problems.list.length === 0) return;
    throw new OdooWriterException(
      OdooWriterErrorCode.InvalidCommand,
      `invalid ${value.type} command ${value.commandId} for ${value.externalId}: ${problems.list.join('; ')}`,
      {
        details: problems.list.map((problem) => ({
          code: OdooWriterErrorCode.InvalidCommand,
          message: problem,
          location: problem.split(':')[0],
        })),
      },
    );
  }
}

/** JSON with object keys sorted, so equal values hash equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
}

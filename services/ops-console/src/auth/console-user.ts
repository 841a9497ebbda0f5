// Who uses the console and what they may do. Roles come from the users file (local) or the ID token's
// roles claim (OIDC); workflows are a business user's domains (order, shipment, invoice, …, or `*`).
export enum ConsoleRole {
  /** Acts on the business exceptions of their workflows: correct, replay, discard, approve. */
  Business = 'business',
  /** The technical queue: re-drives dead letters, discards them. */
  Engineer = 'engineer',
  /** Reads everything, changes nothing. */
  Auditor = 'auditor',
}

const ROLES: ReadonlySet<string> = new Set(Object.values(ConsoleRole));

export function isConsoleRole(value: string): value is ConsoleRole {
  return ROLES.has(value);
}

export interface ConsoleUser {
  /** Stable subject: the local username, or `oidc:<sub>`. */
  readonly id: string;
  readonly name: string;
  readonly roles: readonly ConsoleRole[];
  readonly workflows: readonly string[];
}

export function hasRole(user: ConsoleUser, role: ConsoleRole): boolean {
  return user.roles.includes(role);
}

export function coversWorkflow(user: ConsoleUser, workflow: string): boolean {
  return user.workflows.includes('*') || user.workflows.includes(workflow);
}

// Who may do what to which exception, with the policy text that goes into ops.audit. Pure: the actions
// service asks before it changes anything, the pages ask to show only the buttons that would work.
import { assertUnreachable } from '@tradewind/contracts';

import { ConsoleRole, type ConsoleUser, coversWorkflow, hasRole } from '../auth/console-user';
import { TECHNICAL_WORKFLOW } from '../store/exceptions.repository';

export enum ConsoleAction {
  Assign = 'assign',
  Comment = 'comment',
  Tag = 'tag',
  Discard = 'discard',
  Correct = 'correct',
  Redrive = 'redrive',
  Approve = 'approve',
}

/** Workflows and document types that move money: discarding or correcting them needs a second person. */
export const MONEY_WORKFLOWS: ReadonlySet<string> = new Set([
  'invoice',
  'payment',
  'remittance',
  'credit-note',
]);

/** Document types the console can correct and replay (actions/sales-order.correction.ts). */
export const CORRECTABLE_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['sales-order']);

export interface PolicySubject {
  readonly kind: string;
  readonly workflow: string;
  readonly documentType: string | null;
}

export interface PolicyDecision {
  readonly allowed: boolean;
  /** A second person must approve before it takes effect. */
  readonly fourEyes: boolean;
  readonly policy: string;
}

export function isMoney(subject: PolicySubject): boolean {
  return (
    MONEY_WORKFLOWS.has(subject.workflow) ||
    (subject.documentType !== null && MONEY_WORKFLOWS.has(subject.documentType))
  );
}

const deny = (policy: string): PolicyDecision => ({ allowed: false, fourEyes: false, policy });

export function decide(user: ConsoleUser, action: ConsoleAction, subject: PolicySubject): PolicyDecision {
  if (hasRole(user, ConsoleRole.Auditor) && user.roles.length === 1) return deny('auditor: read only');
  const technical = subject.kind === 'dead_letter' || subject.workflow === TECHNICAL_WORKFLOW;
  const engineer = hasRole(user, ConsoleRole.Engineer);
  const business = hasRole(user, ConsoleRole.Business) && coversWorkflow(user, subject.workflow);
  const money = isMoney(subject);
  const allow = (policy: string, fourEyes = false): PolicyDecision => ({ allowed: true, fourEyes, policy });
  switch (action) {
    case ConsoleAction.Assign:
    case ConsoleAction.Comment:
    case ConsoleAction.Tag:
      if (technical ? engineer : business || engineer) {
        return allow(
          technical ? 'engineer: technical queue' : `business user of workflow ${subject.workflow}`,
        );
      }
      return deny(
        technical
          ? 'technical queue: integration engineers only'
          : `not a business user of workflow ${subject.workflow}`,
      );
    case ConsoleAction.Discard:
      if (technical)
        return engineer
          ? allow('engineer: technical queue')
          : deny('technical queue: integration engineers only');
      if (!business) return deny(`not a business user of workflow ${subject.workflow}`);
      return money
        ? allow(`four-eyes: ${subject.workflow} moves money; another business user approves`, true)
        : allow(`business user of workflow ${subject.workflow}`);
    case ConsoleAction.Correct:
      if (
        technical ||
        subject.documentType === null ||
        !CORRECTABLE_DOCUMENT_TYPES.has(subject.documentType)
      ) {
        return deny(`${subject.documentType ?? 'this record'} cannot be corrected in the console`);
      }
      if (!business) return deny(`not a business user of workflow ${subject.workflow}`);
      return money
        ? allow(`four-eyes: ${subject.workflow} moves money; another business user approves`, true)
        : allow(`business user of workflow ${subject.workflow}; replay through the normal path`);
    case ConsoleAction.Redrive:
      if (subject.kind !== 'dead_letter') return deny('only dead letters are re-driven');
      return engineer
        ? allow('engineer: re-drive to the original topic, consumers deduplicate (inbox)')
        : deny('re-drive: integration engineers only');
    case ConsoleAction.Approve:
      return business
        ? allow(`four-eyes approver of workflow ${subject.workflow}`)
        : deny(`not a business user of workflow ${subject.workflow}`);
    default:
      return assertUnreachable(action);
  }
}

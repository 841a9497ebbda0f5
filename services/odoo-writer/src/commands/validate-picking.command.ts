import { CommandType, type OdooCommand, type ValidatePicking } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import { isExternalId, type OdooRef } from './odoo-ref';

/** Validates a transfer, or every open transfer of a sale/purchase order; done transfers count as done. */
export class ValidatePickingCommand extends BaseWriterCommand<
  typeof CommandType.ValidatePicking,
  ValidatePicking
> {
  readonly type = CommandType.ValidatePicking;

  private constructor(
    envelope: CommandEnvelope,
    body: ValidatePicking,
    readonly target: { picking: OdooRef } | { orderExternalId: string },
  ) {
    super(envelope, body);
  }

  static create(value: OdooCommand): ValidatePickingCommand {
    const problems = new CommandProblems();
    const { envelope, body } = this.envelopeAndBody<'validatePicking'>(
      value,
      CommandType.ValidatePicking,
      problems,
    );
    if (!body) return this.reject(problems, value);
    problems.check(
      (body.pickingRef === null) !== (body.orderExternalId === null),
      'validatePicking: exactly one of pickingRef and orderExternalId must be set',
    );
    if (body.orderExternalId !== null) {
      problems.check(
        isExternalId(body.orderExternalId),
        `validatePicking.orderExternalId: ${JSON.stringify(body.orderExternalId)} is not an external id (module.name)`,
      );
    }
    if (body.moves !== null) {
      problems.check(
        body.orderExternalId !== null,
        'validatePicking.moves: shipped quantities validate the open transfer of an order (orderExternalId)',
      );
      body.moves.forEach((move, i) => {
        problems.check(move.sku.trim() !== '', `validatePicking.moves[${i}].sku is empty`);
        problems.check(
          Number.isFinite(move.quantity) && move.quantity > 0,
          `validatePicking.moves[${i}].quantity must be above 0, got ${move.quantity}`,
        );
      });
    }
    const target =
      body.pickingRef !== null
        ? { picking: problems.ref('validatePicking.pickingRef', body.pickingRef) }
        : { orderExternalId: body.orderExternalId ?? '' };
    this.throwIfAny(problems, value);
    return new ValidatePickingCommand(envelope, body, target);
  }
}

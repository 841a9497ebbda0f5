import { CommandType, type CreateVendorBill, type OdooCommand } from '@tradewind/contracts';

import { BaseWriterCommand, type CommandEnvelope, CommandProblems } from './base.command';
import type { OdooRef } from './odoo-ref';

export interface VendorBillLineSpec {
  readonly purchaseLine: OdooRef;
  readonly product: OdooRef;
  readonly quantity: number;
  readonly priceUnit: number;
  readonly description: string | null;
}

/** Creates a vendor bill billing purchase order lines, named by the command's external id, and posts it. */
export class CreateVendorBillCommand extends BaseWriterCommand<
  typeof CommandType.CreateVendorBill,
  CreateVendorBill
> {
  readonly type = CommandType.CreateVendorBill;

  private constructor(
    envelope: CommandEnvelope,
    body: CreateVendorBill,
    readonly vendor: OdooRef,
    readonly lines: readonly VendorBillLineSpec[],
  ) {
    super(envelope, body);
  }

  static create(value: OdooCommand): CreateVendorBillCommand {
    const problems = new CommandProblems();
    const { envelope, body } = this.envelopeAndBody<'createVendorBill'>(
      value,
      CommandType.CreateVendorBill,
      problems,
    );
    if (!body) return this.reject(problems, value);
    const vendor = problems.ref('createVendorBill.partnerRef', body.partnerRef);
    problems.text('createVendorBill.vendorInvoiceNumber', body.vendorInvoiceNumber, {
      required: true,
      max: 64,
    });
    problems.isoDate('createVendorBill.invoiceDate', body.invoiceDate, { dateOnly: true });
    problems.isoDate('createVendorBill.dueDate', body.dueDate, { dateOnly: true });
    problems.check(
      body.currency === null || /^[A-Z]{3}$/.test(body.currency),
      `createVendorBill.currency: ${JSON.stringify(body.currency)} is not an ISO 4217 code`,
    );
    problems.check(body.lines.length > 0, 'createVendorBill.lines: at least one line');
    problems.check(body.lines.length <= 1000, 'createVendorBill.lines: more than 1000 lines');
    const lines = body.lines.map((line, index) => {
      const path = `createVendorBill.lines[${index}]`;
      const purchaseLine = problems.ref(`${path}.purchaseLineRef`, line.purchaseLineRef);
      problems.check(
        purchaseLine.kind === 'id',
        `${path}.purchaseLineRef: an Odoo id (purchase order lines have no external ids)`,
      );
      const product = problems.ref(`${path}.productRef`, line.productRef);
      problems.quantity(`${path}.quantity`, line.quantity, { positive: true });
      problems.quantity(`${path}.priceUnit`, line.priceUnit);
      problems.text(`${path}.description`, line.description, { max: 1000 });
      return {
        purchaseLine,
        product,
        quantity: line.quantity,
        priceUnit: line.priceUnit,
        description: line.description,
      };
    });
    this.throwIfAny(problems, value);
    return new CreateVendorBillCommand(envelope, body, vendor, lines);
  }
}

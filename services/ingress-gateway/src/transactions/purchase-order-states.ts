// purchasing.state → what a supplier can read of its purchase orders (GET /v1/purchase-orders/{poNumber}):
// the latest state of each order, upserted by its updatedAt (a redelivery or an older record changes nothing).
import { Controller, Get, Header, Inject, Injectable, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type PurchaseOrderState, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import { printable } from '@tradewind/partner-documents';
import { schemaOf } from '@tradewind/persistence';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';

import { PartnerAuthService } from '../auth/partner-auth.service';
import { authorizeRead } from '../documents/submission-policy';
import { exchangeOf } from '../exchange/exchange';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { PARTNER_CATALOG } from '../gateway.tokens';
import { ApiProblem, ApiSignedRequest } from '../openapi/openapi';

@Injectable()
export class PurchaseOrderStates {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private get table(): string {
    return `"${schemaOf(this.dataSource)}".purchase_order_state`;
  }

  @KafkaHandler(TOPICS.purchasingState, { settings: 'purchasingStates' })
  async onState(record: ConsumedRecord<PurchaseOrderState>): Promise<void> {
    const state = record.value;
    await this.dataSource.query(
      `INSERT INTO ${this.table} AS current (purchase_order_id, supplier_id, po_number, updated_at, state)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (purchase_order_id) DO UPDATE SET supplier_id = EXCLUDED.supplier_id,
         po_number = EXCLUDED.po_number, updated_at = EXCLUDED.updated_at, state = EXCLUDED.state
       WHERE current.updated_at <= EXCLUDED.updated_at`,
      [
        state.purchaseOrderId,
        state.supplierId,
        state.poNumber,
        new Date(state.updatedAt),
        JSON.stringify(view(state)),
      ],
    );
  }

  async find(supplierId: string, poNumber: string): Promise<unknown> {
    const rows = await this.dataSource.query<{ state: unknown }[]>(
      `SELECT state FROM ${this.table} WHERE supplier_id = $1 AND po_number = $2
        ORDER BY updated_at DESC LIMIT 1`,
      [supplierId, poNumber],
    );
    return rows[0]?.state;
  }
}

function view(state: PurchaseOrderState): unknown {
  return {
    poNumber: state.poNumber,
    revision: state.revision,
    status: state.status,
    currency: state.currency,
    lines: state.lines,
    trace: state.trace.map((t) => ({ ...t, at: new Date(t.at).toISOString() })),
    updatedAt: new Date(state.updatedAt).toISOString(),
  };
}

@ApiTags('purchase-orders')
@Controller('v1')
export class PurchaseOrdersController {
  constructor(
    @Inject(PartnerAuthService) private readonly auth: PartnerAuthService,
    @Inject(PARTNER_CATALOG) private readonly catalog: PartnerCatalog,
    @Inject(PurchaseOrderStates) private readonly states: PurchaseOrderStates,
  ) {}

  @Get('purchase-orders/:poNumber')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'One of our purchase orders to the calling supplier, with its status trace',
    description:
      'sent → acknowledged / changed / rejected → shipped → received, each step with its time, revision and ' +
      "document. Only the caller's own orders: any other number answers 404.",
  })
  @ApiParam({ name: 'poNumber', description: 'Our PO number (BEG03 of the 850)' })
  @ApiSignedRequest()
  @ApiResponse({ status: 200, description: 'The purchase order as the platform last saw it' })
  @ApiProblem(404, "Unknown, or another supplier's, purchase order")
  async purchaseOrder(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('poNumber') poNumber: string,
  ): Promise<unknown> {
    const exchange = exchangeOf(req);
    exchange.route = 'GET /v1/purchase-orders/:poNumber';
    exchange.action = 'purchase-order.read';
    const call = await this.auth.authenticate(req, res);
    authorizeRead(this.catalog, call.partner);
    const found = poNumber.length <= 64 ? await this.states.find(call.partner.id, poNumber) : undefined;
    if (found === undefined) {
      exchange.outcome = 'denied';
      exchange.policy = 'scope:transactions:read:own';
      exchange.reason = `purchase order ${printable(poNumber)} of ${call.partner.id} does not exist`;
      throw new GatewayException(
        GatewayErrorCode.TransactionNotFound,
        `There is no purchase order ${printable(poNumber)} for partner ${call.partner.id}.`,
        { policy: 'scope:transactions:read:own' },
      );
    }
    return found;
  }
}

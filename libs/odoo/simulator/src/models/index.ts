// Every simulated model, registered once.
import { ModelRegistry } from '../orm/model.types';
import {
  accountMove,
  accountMoveLine,
  accountPayment,
  accountPaymentRegister,
  accountTax,
  resCurrency,
} from './account.models';
import { irModelData, resPartner, resUsers } from './base.models';
import { productPricelist, productPricelistItem, productProduct } from './product.models';
import { purchaseOrder, purchaseOrderLine } from './purchase.models';
import { saleOrder, saleOrderLine } from './sale.models';
import { stockLocation, stockMove, stockPicking, stockQuant, stockWarehouse } from './stock.models';

export function createModelRegistry(): ModelRegistry {
  return new ModelRegistry().register(
    resUsers,
    resPartner,
    irModelData,
    resCurrency,
    accountTax,
    productProduct,
    productPricelist,
    productPricelistItem,
    stockWarehouse,
    stockLocation,
    stockQuant,
    stockPicking,
    stockMove,
    saleOrder,
    saleOrderLine,
    purchaseOrder,
    purchaseOrderLine,
    accountMove,
    accountMoveLine,
    accountPayment,
    accountPaymentRegister,
  );
}

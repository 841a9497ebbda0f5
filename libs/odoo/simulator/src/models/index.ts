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
import { stockBackorderConfirmation } from './stock-backorder.models';
import { productSupplierinfo } from './supplierinfo.models';
import { uomUom } from './uom.models';

export function createModelRegistry(): ModelRegistry {
  return new ModelRegistry().register(
    resUsers,
    resPartner,
    irModelData,
    uomUom,
    resCurrency,
    accountTax,
    productProduct,
    productSupplierinfo,
    productPricelist,
    productPricelistItem,
    stockWarehouse,
    stockLocation,
    stockQuant,
    stockPicking,
    stockMove,
    stockBackorderConfirmation,
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

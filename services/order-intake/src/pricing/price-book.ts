/** Our selling price of one product, as Odoo has it. */
export interface ProductPrice {
  readonly sku: string;
  readonly productId: number;
  /** The product's external id (module.name) when Odoo has one; commands reference products by it. */
  readonly externalId: string | undefined;
  readonly listPrice: number;
  /** From the company price list's rule for the product, when one applies. */
  readonly pricelistPrice: number | undefined;
  /** What a partner's price is checked against: the price list's price, else the list price. */
  readonly unitPrice: number;
}

/** Prices by canonical SKU. Implementations cache; a SKU that is not a product in Odoo maps to undefined. */
export interface PriceBook {
  prices(skus: readonly string[]): Promise<ReadonlyMap<string, ProductPrice | undefined>>;
}

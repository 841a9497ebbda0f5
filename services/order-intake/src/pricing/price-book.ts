/** Our selling price of one product on one price list, as Odoo has it. */
export interface ProductPrice {
  readonly sku: string;
  readonly productId: number;
  /** The product's external id (module.name) when Odoo has one; commands reference products by it. */
  readonly externalId: string | undefined;
  readonly listPrice: number;
  /** From the price list's rule for the product, when one applies. */
  readonly pricelistPrice: number | undefined;
  /** What a partner's price is checked against: the price list's price, else the list price. */
  readonly unitPrice: number;
}

/** The price list an order is priced with. */
export interface PricelistRef {
  readonly id: number;
  /** How commands name it: its external id when known, else the Odoo id as a decimal string. */
  readonly ref: string;
  /** True when it is the customer's own (property_product_pricelist), false for the company default. */
  readonly customerSpecific: boolean;
}

export interface PriceQuote {
  readonly pricelist: PricelistRef;
  /** By canonical SKU; undefined for a SKU that is not a product in Odoo. */
  readonly prices: ReadonlyMap<string, ProductPrice | undefined>;
}

/** Prices as Odoo would charge a customer. Implementations cache. */
export interface PriceBook {
  /**
   * Prices of `skus` on the customer's price list in Odoo, or on the company's default price list when
   * the customer (external id) has none or is unknown.
   */
  quote(customerExternalId: string | undefined, skus: readonly string[]): Promise<PriceQuote>;
}

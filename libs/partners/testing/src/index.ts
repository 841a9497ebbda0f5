// Test helpers that speak like partners: documents built from the reviewed examples and a signed client,
// and a partner's webhook endpoint that receives what we deliver.
export * from './partner-traffic';
export * from './shipment-traffic';
export * from './supplier-invoice-traffic';
export * from './supplier-traffic';
export * from './topic-collector';
export * from './webhook-receiver';

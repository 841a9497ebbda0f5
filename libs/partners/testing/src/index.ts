// Test helpers that speak like partners: documents built from the reviewed examples and a signed client.
export * from './partner-traffic';

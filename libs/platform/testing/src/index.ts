// Test helpers shared by every tier: where the real stack is, polling instead of sleeping, unique names.
export * from './eventually';
export * from './stack';
export * from './secured-registry';

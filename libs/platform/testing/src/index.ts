// Test helpers shared by every tier: where the real stack is, polling instead of sleeping, unique names.
export * from './eventually';
export * from './secured-registry';
export * from './service-process';
export * from './sftp-server';
export * from './stack';

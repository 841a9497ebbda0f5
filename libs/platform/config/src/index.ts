// Environment parsing and validation at start-up; the only reader of process.env.
export * from './config.exception';
export * from './define-config';
export * from './load-config';
export * from './platform.config';
export * from './render-config-table';
export * from './validators';

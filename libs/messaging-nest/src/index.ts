// NestJS adapter over @tradewind/messaging: declare handlers, lifecycle, health.
export {};

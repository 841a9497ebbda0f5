/** The partner API version served by this gateway's routes (path prefix `/v1`). */
export const API_VERSION = 'v1';

export const transactionLink = (trackingId: string): string => `/${API_VERSION}/transactions/${trackingId}`;
export const batchLink = (batchId: string): string => `/${API_VERSION}/batches/${batchId}`;

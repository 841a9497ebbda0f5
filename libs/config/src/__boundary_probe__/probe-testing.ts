import { uniqueName } from '@tradewind/testing';
export const x = uniqueName('a');

import { x } from '../../../../services/order-intake/src/main';
export const y = x;

export { RequestBatcher } from './request-batcher';

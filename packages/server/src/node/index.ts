export {
  type NodeHandlerOptions,
  type NodeRequestOptions,
  type SendNodeResponseOptions,
  sendNodeResponse,
  toNodeHandler,
  toWebRequest,
} from './node.ts';
export { RequestError } from './request-error.ts';

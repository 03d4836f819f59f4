export {
  type NodeHandlerOptions,
  type NodeRequestOptions,
  sendNodeResponse,
  toNodeHandler,
  toWebRequest,
} from './node.ts';
export { RequestError } from './request-error.ts';

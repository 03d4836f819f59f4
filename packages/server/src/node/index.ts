export { sendNodeResponse, toNodeHandler, toWebRequest } from './node.ts';

// The regression matrix (`npm run matrix`): the fork's request variants × models against a gateway, fetch only.
export * from './types';
export * from './payloads';
export {
  CORE_VARIANT_KEYS,
  DEFAULT_LIVE_MODELS,
  MATRIX_VARIANTS,
  parseList,
  selectVariants,
} from './variants';
export { assembleReply, hasMeaningfulError, parseSse } from './reply';
export type { AssembledReply, ReplyToolCall } from './reply';
export {
  evaluateReply,
  isUnsupportedCombination,
  jsonObjectIn,
  structuredSatisfied,
  truncatedByMaxTokens,
} from './evaluate';
export type { Verdict } from './evaluate';
export { MATRIX_USER_AGENT, matrixTotals, runCell, runMatrix } from './runner';
export type { MatrixOptions } from './runner';
export { formatCell, formatMatrix, MATRIX_TITLE } from './table';
export {
  freeLoopbackPort,
  ROOT_PASSWORD,
  ROOT_USERNAME,
  SELF_HOST_CHANNELS,
  startSelfHostedGateway,
} from './self-host';
export type { SelfHostChannel, SelfHostedGateway, SelfHostOptions } from './self-host';

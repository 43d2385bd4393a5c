import { randomBytes } from 'node:crypto';

/**
 * Makes the ids of a Responses answer: `resp_…`, `msg_…`, `fc_…`, `rs_…`, `ctc_…`, `ig_…` (48 hex digits, as
 * OpenAI's).
 */
export type ResponsesIdSource = (prefix: 'resp' | 'msg' | 'fc' | 'rs' | 'ctc' | 'ig') => string;

export const randomResponsesId: ResponsesIdSource = (prefix) =>
  `${prefix}_${randomBytes(24).toString('hex')}`;

/** The upstream's id when it already is a Responses id, else a fresh `resp_…` (chat/message ids are not). */
export function responseIdFor(upstreamId: string | undefined, ids: ResponsesIdSource): string {
  return upstreamId !== undefined && upstreamId.startsWith('resp_') ? upstreamId : ids('resp');
}

import type { ErrorCode } from '../../shared/errors.ts'

/** Codes the extension itself gives a failure that never reached the daemon's vocabulary. */
export type ClientErrorCode =
  | 'unreachable' // the daemon did not answer
  | 'bad_response' // it answered something this extension does not understand
  | 'no_answer' // the background did not answer a page
  | 'internal' // an error without a code, caught by the background
  | 'locked' // the organisation's policy fixes this setting
  | 'oauth_window'
  | 'oauth_no_code'
  | `oauth_${string}` // the provider's OAuth `error` parameter
  | 'sign_in_window'

/** Every code a failure can carry in the extension: the daemon's (shared/errors.ts) or its own. */
export type AnyErrorCode = ErrorCode | ClientErrorCode

/**
 * A code read from the daemon's error body: the wire keeps it an open string so an older extension
 * can show a newer daemon's errors; its message is shown as it is and it matches no branch here.
 */
export const daemonCode = (code: string): ErrorCode => code as ErrorCode

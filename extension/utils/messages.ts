import { browser } from '#imports'
import { CHANNEL, unwrap, type AnswerOf, type ArgsOf, type Envelope, type Kind } from './protocol.ts'

export * from './protocol.ts'

/** Sends one request to the background and returns its answer, or throws a RequestError. */
export async function ask<K extends Kind>(kind: K, ...args: ArgsOf<K> extends void ? [] : [ArgsOf<K>]): Promise<AnswerOf<K>> {
  const envelope: Envelope<K> = { channel: CHANNEL, kind, args: args[0] as ArgsOf<K> }
  return unwrap(await browser.runtime.sendMessage(envelope))
}

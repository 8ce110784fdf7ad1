import { browser } from '#imports'
import { isEnvelope, type Envelope, type Kind, type Protocol, type Reply } from './protocol.ts'
import type { DaemonClient } from './daemon-client.ts'
import { chooseHuntressAccount, connectHuntress } from './oauth.ts'
import { employeeCheck } from './check.ts'
import { checkNow, drawBadge, publish, refresh } from './refresh.ts'
import { daemonUrl, identity, lastCheck, oauthOutcome, onboardingOpened, pairingToken } from './storage.ts'

type Handlers = { [K in Kind]: (args: Protocol[K][0]) => Promise<Protocol[K][1]> }

/** What each request from a page does. The daemon enforces roles; the background only relays. */
export function createHandlers(client: DaemonClient): Handlers {
  return {
    overview: async () => ({
      daemonUrl: await daemonUrl.getValue(),
      identity: await identity.getValue(),
      check: await lastCheck.getValue(),
      oauth: await oauthOutcome.getValue(),
    }),
    pair: async ({ daemonUrl: url, token }) => {
      const previous = { url: await daemonUrl.getValue(), token: await pairingToken.getValue() }
      await daemonUrl.setValue(url.trim().replace(/\/+$/, ''))
      await pairingToken.setValue(token.trim())
      await identity.setValue(null)
      try {
        const me = await client.me()
        await identity.setValue(me)
        if (previous.token !== token.trim()) await onboardingOpened.setValue(false)
        await refresh(client)
        return me
      } catch (error) {
        await daemonUrl.setValue(previous.url)
        await pairingToken.setValue(previous.token)
        throw error
      }
    },
    unpair: async () => {
      await pairingToken.setValue(null)
      await identity.setValue(null)
      await lastCheck.setValue(null)
      await drawBadge(await checkNow(client))
    },
    refresh: () => refresh(client),
    recheck: async () => {
      const trainings = await client.recheck()
      await publish(employeeCheck(trainings))
      return trainings
    },
    connections: () => client.connections(),
    connectKnowBe4: (body) => client.connectKnowBe4(body),
    renewKnowBe4: ({ connectionId, body }) => client.renewKnowBe4(connectionId, body),
    connectHuntress: () => connectHuntress(client),
    chooseHuntressAccount: ({ accountId }) => chooseHuntressAccount(client, accountId),
    campaigns: ({ connectionId }) => client.campaigns(connectionId),
    syncConnection: ({ connectionId }) => client.syncConnection(connectionId),
    syncAll: () => client.syncAll(),
    trainings: () => client.trainings(),
    putTraining: ({ training, body }) => client.putTraining(training, body),
    personnel: (query) => client.personnel(query),
    reset: ({ email, training }) => client.reset(email, training),
  }
}

async function handle(handlers: Handlers, envelope: Envelope): Promise<Reply<unknown>> {
  try {
    const handler = handlers[envelope.kind] as (args: unknown) => Promise<unknown>
    return { ok: true, value: await handler(envelope.args) }
  } catch (error) {
    const { code = 'internal', message = String(error) } = error as { code?: string; message?: string }
    return { ok: false, error: { code, message } }
  }
}

/** Answers the pages' requests; messages from anything but this extension are ignored. */
export function registerService(handlers: Handlers): void {
  browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse: (reply: Reply<unknown>) => void) => {
    if (sender.id !== browser.runtime.id || !isEnvelope(message)) return false
    void handle(handlers, message).then(sendResponse)
    return true
  })
}

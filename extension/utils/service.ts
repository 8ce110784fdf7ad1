import { browser } from '#imports'
import { isEnvelope, RequestError, type Envelope, type Kind, type Protocol, type Reply } from './protocol.ts'
import type { DaemonClient } from './daemon-client.ts'
import type { AnyErrorCode } from './error-codes.ts'
import { chooseOAuthAccount, connectOAuth } from './oauth.ts'
import { providerList } from './provider-list.ts'
import { employeeCheck } from './check.ts'
import { publish, refresh } from './refresh.ts'
import { checkDaemonUrl } from './settings.ts'
import { forget, keepToken, OIDC_REDIRECT_PATH, signIn, signOut } from './sign-in.ts'
import {
  currentSettings,
  daemonUrl,
  identity,
  knownProviders,
  lastCheck,
  oauthOutcome,
  pairingToken,
  signedOutReason,
  signInOutcome,
  tokenId,
} from './storage.ts'

type Handlers = { [K in Kind]: (args: Protocol[K][0]) => Promise<Protocol[K][1]> }

/** What each request from a page does. The daemon enforces roles; the background only relays. */
export function createHandlers(client: DaemonClient): Handlers {
  return {
    overview: async () => {
      const settings = await currentSettings()
      return {
        daemonUrl: settings.daemonUrl,
        identity: await identity.getValue(),
        check: await lastCheck.getValue(),
        oauth: await oauthOutcome.getValue(),
        settings,
        signIn: await signInOutcome.getValue(),
        signedOutReason: await signedOutReason.getValue(),
        signedInHere: (await tokenId.getValue()) !== null,
        redirectUri: browser.identity.getRedirectURL(OIDC_REDIRECT_PATH),
        providers: (await pairingToken.getValue()) === null ? [] : await providerList(client),
      }
    },
    // The fallback for automation: a token pasted with the daemon's address, checked before it is kept.
    pair: async ({ daemonUrl: url, token }) => {
      const settings = await currentSettings()
      if (!settings.allowTokenPaste)
        throw new RequestError('forbidden', 'Your organisation turned off pasting tokens: sign in with your company account.')
      const previous = { url: await daemonUrl.getValue(), token: await pairingToken.getValue(), id: await tokenId.getValue() }
      if (!settings.daemonUrlLocked) await daemonUrl.setValue(checkDaemonUrl(url))
      await pairingToken.setValue(token.trim())
      await tokenId.setValue(null)
      await knownProviders.setValue(null)
      try {
        return await keepToken(client, token.trim(), null, null)
      } catch (error) {
        await daemonUrl.setValue(previous.url)
        await pairingToken.setValue(previous.token)
        await tokenId.setValue(previous.id)
        throw error
      }
    },
    unpair: () => forget(null),
    setDaemonUrl: async ({ daemonUrl: url }) => {
      if ((await currentSettings()).daemonUrlLocked) throw new RequestError('locked', 'Your organisation sets the daemon address.')
      const next = checkDaemonUrl(url)
      if (next !== (await daemonUrl.getValue()) && (await pairingToken.getValue()) !== null) await forget(null)
      await daemonUrl.setValue(next)
    },
    authMethods: () => client.authMethods(),
    signIn: () => signIn(client),
    signOut: () => signOut(client),
    tokens: () => client.tokens(),
    revokeToken: async ({ id }) => {
      await client.revokeToken(id)
      // Revoking this browser's own token is signing out.
      if (id === (await tokenId.getValue())) await forget(null)
    },
    grants: () => client.grants(),
    putGrant: ({ email, role }) => client.putGrant(email, role),
    deleteGrant: async ({ email }) => {
      await client.deleteGrant(email)
    },
    refresh: () => refresh(client),
    recheck: async () => {
      const trainings = await client.recheck()
      await publish(employeeCheck(trainings))
      return trainings
    },
    connections: () => client.connections(),
    connect: ({ provider, fields, connectionId }) => {
      const body = { ...fields, provider }
      return connectionId === undefined ? client.connect(body) : client.renew(connectionId, body)
    },
    oauthStart: async ({ provider }) => {
      const name = (await providerList(client)).find((description) => description.id === provider)?.displayName ?? provider
      return connectOAuth(client, provider, name)
    },
    oauthChoose: ({ accountId }) => chooseOAuthAccount(client, accountId),
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
    const { code = 'internal', message = String(error) } = error as { code?: AnyErrorCode; message?: string }
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

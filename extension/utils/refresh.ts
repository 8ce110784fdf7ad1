import { browser } from '#imports'
import { badgeFor } from './badge.ts'
import { dueOf, type CheckResult, type LastKnown } from './check.ts'
import { DaemonError, type DaemonClient } from './daemon-client.ts'
import { identity, lastCheck, onboardingOpened, pairingToken, signedOutReason, tokenId } from './storage.ts'

const now = () => new Date().toISOString()

/** Asks the daemon what the paired person should see. Never throws: failures are a kind of result. */
export async function checkNow(client: DaemonClient): Promise<CheckResult> {
  if ((await pairingToken.getValue()) === null) return { kind: 'unpaired', at: now() }
  try {
    const me = (await identity.getValue()) ?? (await client.me())
    if (me.role === 'employee') return { kind: 'employee', at: now(), trainings: await client.myTrainings() }
    const connections = await client.connections()
    const needsReauth = connections.filter((connection) => connection.status === 'needs_reauth').length
    return { kind: 'staff', at: now(), role: me.role, needsReauth }
  } catch (error) {
    if (!(error instanceof DaemonError)) throw error
    if (error.status === 401) {
      await dropToken(error.message)
      return { kind: 'unauthorized', at: now(), message: error.message }
    }
    return { kind: 'unreachable', at: now(), message: error.message, lastKnown: lastKnownOf(await lastCheck.getValue()) }
  }
}

/** The employee's status as last answered, carried through failed checks so it stays on screen (marked stale). */
export function lastKnownOf(check: CheckResult | null): LastKnown | null {
  if (check?.kind === 'employee') return { at: check.at, trainings: check.trainings }
  if (check?.kind === 'unreachable') return check.lastKnown ?? null
  return null
}

/** An expired or revoked token (401): forget it, keep the daemon address, and say why on the sign-in screen. */
export async function dropToken(reason: string | null): Promise<void> {
  await pairingToken.setValue(null)
  await tokenId.setValue(null)
  await identity.setValue(null)
  await signedOutReason.setValue(reason)
}

/** Refreshes from the daemon, then updates the badge and tells the person about new due training. */
export async function refresh(client: DaemonClient): Promise<CheckResult> {
  const check = await checkNow(client)
  await publish(check)
  return check
}

/** Stores a result (from a refresh or a re-check), draws the badge and notifies when more is due. */
export async function publish(check: CheckResult): Promise<void> {
  const previous = await lastCheck.getValue()
  await lastCheck.setValue(check)
  await drawBadge(check)
  const due = dueOf(check)
  if (due === null || due === 0) return
  if (due > (dueOf(previous) ?? 0)) await notifyDue(due)
  if (!(await onboardingOpened.getValue())) {
    await onboardingOpened.setValue(true)
    await browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') })
  }
}

/** MV3 has `action`; Firefox's MV2 build has `browserAction`. */
function toolbarAction() {
  return browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction
}

export async function drawBadge(check: CheckResult | null): Promise<void> {
  const badge = badgeFor(check, Date.now())
  const action = toolbarAction()
  await action.setBadgeText({ text: badge.text })
  await action.setBadgeBackgroundColor({ color: badge.color })
  await action.setTitle({ title: badge.title })
}

async function notifyDue(due: number): Promise<void> {
  await browser.notifications
    .create('trainproof-due', {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: due === 1 ? 'A training is due' : `${due} trainings are due`,
      message: 'Open trainproof to see what to complete and where.',
    })
    .catch(() => undefined)
}

import { browser, defineBackground } from '#imports'
import { createDaemonClient } from '../utils/daemon-client.ts'
import { refresh } from '../utils/refresh.ts'
import { createHandlers, registerService } from '../utils/service.ts'
import { daemonUrl, pairingToken } from '../utils/storage.ts'

const ALARM = 'trainproof-refresh'

export default defineBackground(() => {
  const client = createDaemonClient({ baseUrl: () => daemonUrl.getValue(), token: () => pairingToken.getValue() })
  const refreshNow = () => refresh(client)
  registerService(createHandlers(client))
  // For the end-to-end tests: refresh without waiting for an alarm.
  Object.assign(globalThis, { trainproofRefresh: refreshNow })

  void browser.alarms.create(ALARM, { periodInMinutes: 30, delayInMinutes: 1 })
  browser.alarms.onAlarm.addListener((alarm) => void (alarm.name === ALARM && refreshNow()))
  browser.runtime.onStartup.addListener(() => void refreshNow())
  browser.notifications?.onClicked.addListener(() => void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') }))
  browser.runtime.onInstalled.addListener(async ({ reason }) => {
    await refreshNow()
    if (reason === 'install' && (await pairingToken.getValue()) === null) await browser.runtime.openOptionsPage()
  })
})

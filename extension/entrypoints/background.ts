import { browser, defineBackground } from '#imports'
import { createDaemonClient } from '../utils/daemon-client.ts'
import { refresh } from '../utils/refresh.ts'
import { createHandlers, registerService } from '../utils/service.ts'
import { currentSettings, pairingToken } from '../utils/storage.ts'

const ALARM = 'trainproof-refresh'

export default defineBackground(() => {
  const client = createDaemonClient({ baseUrl: async () => (await currentSettings()).daemonUrl, token: () => pairingToken.getValue() })
  const refreshNow = () => refresh(client)
  registerService(createHandlers(client))

  void browser.alarms.create(ALARM, { periodInMinutes: 30, delayInMinutes: 1 })
  browser.alarms.onAlarm.addListener((alarm) => void (alarm.name === ALARM && refreshNow()))
  browser.runtime.onStartup.addListener(() => void refreshNow())
  browser.notifications?.onClicked.addListener(() => void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') }))
  browser.runtime.onInstalled.addListener(async ({ reason }) => {
    await refreshNow()
    if (reason !== 'install' || (await pairingToken.getValue()) !== null) return
    // Deployed by policy: the first contact is the sign-in page; otherwise the options, to set the daemon up.
    if ((await currentSettings()).daemonUrlLocked) await browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') })
    else await browser.runtime.openOptionsPage()
  })
})

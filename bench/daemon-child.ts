/** The real daemon (startDaemon) on a prepared data dir, in its own process for the load test. */
import { loadConfig } from '../daemon/config.ts'
import { createLogger } from '../daemon/log.ts'
import { startDaemon } from '../daemon/server.ts'

const [dataDir = '', adminToken = ''] = process.argv.slice(2)
const started = performance.now()
const config = loadConfig({
  TRAINPROOF_PORT: '0',
  TRAINPROOF_DATA_DIR: dataDir,
  TRAINPROOF_ADMIN_TOKEN: adminToken,
  TRAINPROOF_SCHEDULER: '0',
  TRAINPROOF_LOG_LEVEL: 'silent',
})
const daemon = await startDaemon(config, { log: createLogger('silent') })
process.send?.({ url: daemon.url, startMs: performance.now() - started })
process.on('SIGTERM', () => void daemon.close().then(() => process.exit(0)))

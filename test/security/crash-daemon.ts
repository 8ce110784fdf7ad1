/**
 * The daemon exactly as `npm start` runs it (daemon/main.ts), except that provider pacing is off:
 * the crash test kills it dozens of times, and KnowBe4's real 4/s would make each sync take
 * seconds. Production configuration has no such switch; only this test entry does.
 */
import { loadConfig } from '../../daemon/config.ts'
import { startDaemon } from '../../daemon/server.ts'

process.umask(0o077)
const daemon = await startDaemon(loadConfig(), { tuning: { rateLimits: { knowbe4: [], huntress: [] } } })
process.stdout.write(`trainproof listening on ${daemon.url}\n`)

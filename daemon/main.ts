import { ConfigError, loadConfig } from './config.ts'
import { startDaemon } from './server.ts'
import { StoreError } from './store/store.ts'

/** `npm start`: the daemon in the foreground until SIGTERM/SIGINT. */
async function main(): Promise<void> {
  // Every file the daemon creates is private to its user: the db, its temp file and backups are
  // written with mode 0600, but backups are made by copyFile, which takes no mode (0644 otherwise).
  process.umask(0o077)
  const config = loadConfig()
  const daemon = await startDaemon(config)
  process.stdout.write(`trainproof listening on ${daemon.url}\n`)
  if (daemon.adminTokenFile) process.stdout.write(`An admin token was created in ${daemon.adminTokenFile} (readable by you only).\n`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`${signal}: stopping (a running sync is abandoned; nothing half-written)\n`)
    await daemon.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof StoreError || (error as Error)?.name === 'VaultError'
  process.stderr.write(`${known ? (error as Error).message : `trainproof failed to start: ${(error as Error)?.message ?? error}`}\n`)
  process.exit(1)
})

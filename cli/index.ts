import { main } from './main.ts'

/** The `trainproof` command (bin/trainproof.mjs loads this through tsx). */
process.exitCode = await main(process.argv.slice(2))

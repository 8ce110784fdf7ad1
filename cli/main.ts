import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { Email, ROLES, TrainingId, TRAINING_IDS, type Person, type Role } from '../shared/domain.ts'
import { IsoDate } from '../shared/api.ts'
import { ApiClient, CliError, clientSettings } from './client.ts'
import { processIo, type Io } from './io.ts'
import { formatStatus, statusReport } from './status.ts'
import { syncCommand } from './sync.ts'
import { createToken, listTokens, revokeToken } from './tokens.ts'

const parseDate = (value: string) => {
  if (!IsoDate.safeParse(value).success) throw new InvalidArgumentError('expected a date YYYY-MM-DD.')
  return value
}
const parseDays = (value: string) => {
  const days = Number(value)
  if (!Number.isInteger(days) || days < 1) throw new InvalidArgumentError('expected a whole number of days.')
  return days
}

/**
 * `trainproof …`: the daemon's API from a shell. Answers the exit code: 0 done, 1 failed
 * (the reason on stderr), 2 bad usage.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code = 0
  const client = async () => new ApiClient(await clientSettings(io.env))
  const program = new Command('trainproof')
    .description('Talk to a running trainproof daemon (TRAINPROOF_URL, TRAINPROOF_TOKEN or DATA_DIR/admin-token).')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError()

  program
    .command('status')
    .description('connections, and how many people have each status per training')
    .option('--json', 'print the report as JSON')
    .action(async (options: { json?: boolean }) => {
      const report = await statusReport(await client())
      io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report))
    })

  program
    .command('sync')
    .description('sync every connection (or one) with the provider, with a progress bar')
    .option('--connection <id>', 'only this connection')
    .action(async (options: { connection?: string }) => {
      code = await syncCommand(await client(), io, options.connection)
    })

  program
    .command('reset')
    .description("clear a person's compliance for one training (they must complete it again)")
    .argument('<email>', "the person's e-mail")
    .argument('<training>', `one of ${TRAINING_IDS.join(', ')}`)
    .action(async (emailText: string, trainingText: string) => {
      const email = Email.safeParse(emailText)
      const training = TrainingId.safeParse(trainingText)
      if (!email.success) throw new CliError(`Not an e-mail: ${emailText}`, 2)
      if (!training.success) throw new CliError(`Unknown training ${trainingText}: one of ${TRAINING_IDS.join(', ')}.`, 2)
      const api = await client()
      const person = await api.json<Person>('POST', `/personnel/${encodeURIComponent(email.data)}/reset`, { training: training.data })
      io.stdout.write(`${person.email}: ${training.data} reset, now ${person.trainings[training.data].status}.\n`)
    })

  program
    .command('evidence')
    .description('download the evidence pack (zip) of an audit window')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (UTC)', parseDate)
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (UTC)', parseDate)
    .option('-o, --output <file>', 'where to write it (default trainproof-evidence-FROM-TO.zip)')
    .action(async (options: { from: string; to: string; output?: string }) => {
      if (options.to < options.from) throw new CliError('--to is before --from.', 2)
      const file = options.output ?? `trainproof-evidence-${options.from}-${options.to}.zip`
      const bytes = await (await client()).download(`/evidence?from=${options.from}&to=${options.to}`, file)
      io.stdout.write(`Wrote ${file} (${bytes} bytes). Its manifest.json lists the SHA-256 of every file.\n`)
    })

  const tokens = program.command('tokens').description('API tokens: list, create, revoke')
  tokens
    .command('list')
    .description('every live token (never the token itself)')
    .action(async () => {
      code = await listTokens(await client(), io)
    })
  tokens
    .command('create')
    .description('issue a token; it is printed once, on stdout')
    .addOption(new Option('--role <role>', 'its role').choices(ROLES).makeOptionMandatory())
    .option('--email <email>', "the person's e-mail (required for employee)")
    .option('--label <label>', 'a name to recognise it by')
    .option('--expires-in-days <days>', 'lifetime in days', parseDays)
    .action(async (options: { role: Role; email?: string; label?: string; expiresInDays?: number }) => {
      code = await createToken(await client(), io, options)
    })
  tokens
    .command('revoke')
    .description('revoke a token by id; it stops working at once')
    .argument('<id>', 'the token id (see: trainproof tokens list)')
    .action(async (id: string) => {
      code = await revokeToken(await client(), io, id)
    })

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return code
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    if (error instanceof CliError) {
      io.stderr.write(`trainproof: ${error.message}\n`)
      return error.exitCode
    }
    io.stderr.write(`trainproof: unexpected error: ${(error as Error)?.message ?? String(error)}\n`)
    return 1
  }
}

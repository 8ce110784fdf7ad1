import type { Readable } from 'node:stream'
import type { Logger } from '../log.ts'
import type { ProviderRegistry } from '../providers/registry.ts'
import type { CertificateStore } from '../certificates/store.ts'
import type { Db } from '../store/schema.ts'
import { recordCertificate } from './certificate.ts'
import { readmeText } from './readme.ts'
import {
  AUDIT_COLUMNS,
  auditRows,
  COMPLETION_COLUMNS,
  completionRows,
  compliantAsOf,
  coveredRecords,
  HASH_COLUMNS,
  hashRows,
  PEOPLE_COLUMNS,
  peopleRows,
  type Window,
} from './rows.ts'
import { csvStream, HashingZip } from './zip.ts'

export type PackDeps = { providers: ProviderRegistry; certificates: CertificateStore; log: Logger; version: string }

/** A path segment from an e-mail: kept as it is, but never a separator or a control character. */
const safeSegment = (text: string) => text.replace(/[^\w.@+-]/g, '_')

/**
 * The evidence pack of a window (api.md "The evidence pack"), as a zip stream. Files go in one
 * at a time, each hashed on its way through; manifest.json, which lists them, goes last.
 * `signal` stops the work when the client goes away. `state` is the db the pack shows: a snapshot
 * (snapshot.ts), since the pack is read over seconds to minutes while changes go on.
 */
export function evidencePack(deps: PackDeps, state: Promise<Db>, window: Window, generatedAt: Date, signal?: AbortSignal): Readable {
  const zip = new HashingZip(generatedAt)
  const stop = new AbortController()
  signal?.addEventListener('abort', () => stop.abort(signal.reason), { once: true })
  zip.output.once('close', () => stop.abort(new Error('the evidence pack was abandoned')))
  const build = async () => {
    const db = await state
    await zip.add('people.csv', csvStream(PEOPLE_COLUMNS, peopleRows(db, deps.providers, window)))
    await zip.add('completions.csv', csvStream(COMPLETION_COLUMNS, completionRows(db, deps.providers, window)))
    await zip.add('evidence-hashes.csv', csvStream(HASH_COLUMNS, hashRows(db, window)))
    await zip.add('audit.csv', csvStream(AUDIT_COLUMNS, auditRows(db, window)))
    await zip.addBuffer('README.txt', Buffer.from(readmeText(window, generatedAt.toISOString(), deps.version)))
    for (const { person, training } of coveredRecords(db)) {
      stop.signal.throwIfAborted()
      const record = compliantAsOf(db, person, training, window.to)
      if (!record) continue
      const pdf = await recordCertificate(deps, db, person, training, record)
      // PDFs are compressed already.
      await zip.addBuffer(`certificates/${safeSegment(person.email)}/${training}.pdf`, Buffer.from(pdf), false)
    }
    const manifest = { from: window.from, to: window.to, generatedAt: generatedAt.toISOString(), version: deps.version, files: zip.files }
    zip.finish('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`))
  }
  build().catch((error: unknown) => {
    if (!stop.signal.aborted) deps.log.error('evidence pack failed', { error })
    zip.destroy(error instanceof Error ? error : new Error(String(error)))
  })
  return zip.output
}

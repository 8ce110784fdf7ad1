import type { Readable } from 'node:stream'
import type { ComplianceHistory, EvidenceQuery } from '../../shared/api.ts'
import type { TrainingId } from '../../shared/domain.ts'
import { invalidRequest } from '../errors.ts'
import { complianceHistory } from '../evidence/history.ts'
import { evidencePack } from '../evidence/pack.ts'
import { packSnapshot } from '../evidence/snapshot.ts'
import type { Deps } from './deps.ts'

/** What an auditor takes away: the evidence pack of a window and the compliance history. */
export function createEvidenceService({
  store,
  providers,
  certificates,
  log,
  version,
  now,
}: Pick<Deps, 'store' | 'providers' | 'certificates' | 'log' | 'version' | 'now'>) {
  return {
    /** The zip of an audit window, streamed; stops when `signal` aborts (the client went away). */
    pack(window: EvidenceQuery, signal?: AbortSignal): Readable {
      if (window.to < window.from) throw invalidRequest(`to (${window.to}) is before from (${window.from}).`)
      // Asked now, so the pack shows the state as of this request (changes asked later wait for the copy).
      const state = store.exclusive(packSnapshot)
      return evidencePack({ providers, certificates, log, version }, state, window, now(), signal)
    },
    history: (training: TrainingId): ComplianceHistory => complianceHistory(store.data, training, now()),
  }
}

export type EvidenceService = ReturnType<typeof createEvidenceService>

import { TRAINING_IDS, TRAINING_NAMES, type ProviderId, type TrainingId } from '../../shared/constants.ts'
import type { Connection, SyncRun, TrainingStatus } from '../../shared/domain.ts'

export const TRAININGS: readonly { id: TrainingId; name: string }[] = TRAINING_IDS.map((id) => ({ id, name: TRAINING_NAMES[id] }))

export const trainingName = (id: TrainingId) => TRAININGS.find((item) => item.id === id)?.name ?? id

export { STATUS_LABELS, campaignStatusLabel, statusLabel } from '../../shared/status-words.ts'

export const CONNECTION_LABELS: Record<Connection['status'], string> = {
  connected: 'Connected',
  needs_reauth: 'Needs sign-in',
  error: 'Last sync failed',
}

/** `1/2` when a person is enrolled in something; empty when there is nothing to count. */
export function progressText(training: Pick<TrainingStatus, 'completed' | 'required'>): string {
  return training.required === 0 ? '' : `${training.completed}/${training.required}`
}

export { isDue } from '../../shared/constants.ts'

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago"; "never" for null. */
export function timeAgo(iso: string | null, now: number): string {
  if (iso === null) return 'never'
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (seconds < 60) return 'just now'
  const unit = (value: number, name: string) => `${value} ${name}${value === 1 ? '' : 's'} ago`
  if (seconds < 3600) return unit(Math.floor(seconds / 60), 'minute')
  if (seconds < 86_400) return unit(Math.floor(seconds / 3600), 'hour')
  return unit(Math.floor(seconds / 86_400), 'day')
}

/** One sentence about a finished sync, for the admin who pressed "Sync now": what changed, when the daemon says. */
export function syncSummary(run: SyncRun, label: string): string {
  if (!run.ok) return `${label} sync failed: ${run.error ?? 'no reason given'} Nothing was changed.`
  if (run.changes) return `${label} synced: ${changesText(run.changes)}.`
  const ms = Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt))
  const duration = ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
  return `${label} synced (${duration}, ${run.requests} request${run.requests === 1 ? '' : 's'}).`
}

/** "3 people became compliant, 1 is newly due"; "no one's status changed". */
export function changesText({ newlyCompliant, newlyDue }: { newlyCompliant: number; newlyDue: number }): string {
  const parts: string[] = []
  if (newlyCompliant > 0) parts.push(`${newlyCompliant} ${newlyCompliant === 1 ? 'person' : 'people'} became compliant`)
  if (newlyDue > 0) parts.push(`${newlyDue} ${newlyDue === 1 ? 'is' : 'are'} newly due`)
  return parts.length > 0 ? parts.join(', ') : "no one's status changed"
}

/** The provider most of the due trainings use, else the first one configured. */
export function mainProvider(provider: Record<TrainingId, ProviderId | null>, due: readonly TrainingId[]): ProviderId | null {
  const counts = new Map<ProviderId, number>()
  for (const id of due) {
    const which = provider[id]
    if (which) counts.set(which, (counts.get(which) ?? 0) + 1)
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]
  return best?.[0] ?? TRAININGS.map(({ id }) => provider[id]).find((which) => which !== null) ?? null
}

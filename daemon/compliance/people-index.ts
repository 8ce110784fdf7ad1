import { STATUSES, TRAINING_IDS, type Status, type TrainingId } from '../../shared/constants.ts'
import type { Db, StoredPerson } from '../store/schema.ts'
import { ChangeFeed, type ChangeSource } from './change-feed.ts'
import { currentRecord, isConfigured } from './views.ts'

export type PeopleQuery = { training?: TrainingId; status?: Status; limit?: number; offset?: number }

const T = TRAINING_IDS.length
const code = Object.fromEntries(STATUSES.map((status, index) => [status, index])) as Record<Status, number>

/** A person's status for one training as `trainingStatus` decides it, without building the view. */
export function statusOf(db: Db, person: StoredPerson, training: TrainingId): Status {
  const record = currentRecord(db, person, training)
  if (record) return record.status
  return isConfigured(db, training) ? 'not_enrolled' : 'not_configured'
}

/** What every status depends on besides the person: which connection each training reads, and whether it is configured. */
function configKey(db: Db): string {
  return TRAINING_IDS.map((id) => `${db.trainings[id].connectionId}|${isConfigured(db, id)}`).join(',')
}

/** Where `rank` would go in an ascending array. */
function lowerBound(sorted: readonly number[], rank: number): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((sorted[mid] as number) < rank) low = mid + 1
    else high = mid
  }
  return low
}

function insert(sorted: number[], rank: number): void {
  const at = lowerBound(sorted, rank)
  if (sorted[at] !== rank) sorted.splice(at, 0, rank)
}

function remove(sorted: number[], rank: number): void {
  const at = lowerBound(sorted, rank)
  if (sorted[at] === rank) sorted.splice(at, 1)
}

type Built = {
  /** Everybody's e-mail in code-unit order (as `Array.prototype.sort` orders them); a rank is an index here. */
  emails: string[]
  rank: Map<string, number>
  /** Status codes, `T` per person in rank order. */
  codes: Uint8Array
  /** Per training and status, the ranks holding it, ascending (= e-mail order). */
  byTraining: number[][][]
  /** Per status, the ranks holding it in at least one training. */
  byAny: number[][]
  configKey: string
}

/**
 * The index behind `GET /personnel`: everybody in e-mail order and, per training × status (and per
 * status in any training), the people holding it, in the same order, so that a filtered page is a
 * slice instead of a scan of everyone. Kept current lazily on read: after a change that names its
 * people (`ChangeScope`) only those people move between sets; a new or removed person, a change
 * to what decides statuses (a training's connection or selection), or a change of unknown extent
 * rebuilds it (~0.1–0.3 s at 100,000 people).
 */
export class PeopleIndex {
  private readonly feed: ChangeFeed
  private built: Built | null = null
  /** How often it was rebuilt from scratch (tests and the bench read it). */
  rebuilds = 0

  constructor(private readonly source: ChangeSource) {
    this.feed = new ChangeFeed(source)
  }

  /** The e-mails of one page of `GET /personnel`, in e-mail order. */
  page({ training, status, limit, offset = 0 }: PeopleQuery): string[] {
    const built = this.current()
    const end = limit === undefined ? undefined : offset + limit
    if (status === undefined) return built.emails.slice(offset, end)
    const ranks = training ? built.byTraining[TRAINING_IDS.indexOf(training)]![code[status]]! : built.byAny[code[status]]!
    return ranks.slice(offset, end).map((rank) => built.emails[rank]!)
  }

  /** How many people a filter matches. */
  count({ training, status }: Omit<PeopleQuery, 'limit' | 'offset'>): number {
    const built = this.current()
    if (status === undefined) return built.emails.length
    return (training ? built.byTraining[TRAINING_IDS.indexOf(training)]![code[status]]! : built.byAny[code[status]]!).length
  }

  private current(): Built {
    const db = this.source.data
    const changes = this.feed.take()
    if (this.built && changes === null) return this.built
    if (!this.built || !changes || changes.all || configKey(db) !== this.built.configKey || !this.patch(this.built, db, changes.people)) {
      this.built = this.build(db)
    }
    return this.built
  }

  private build(db: Db): Built {
    this.rebuilds++
    const emails = [...db.people.keys()].sort()
    const rank = new Map<string, number>()
    const codes = new Uint8Array(emails.length * T)
    const byTraining = TRAINING_IDS.map(() => STATUSES.map((): number[] => []))
    const byAny = STATUSES.map((): number[] => [])
    const seen = new Uint8Array(STATUSES.length)
    for (let r = 0; r < emails.length; r++) {
      const email = emails[r]!
      rank.set(email, r)
      const person = db.people.get(email)!
      seen.fill(0)
      for (let t = 0; t < T; t++) {
        const c = code[statusOf(db, person, TRAINING_IDS[t]!)]
        codes[r * T + t] = c
        byTraining[t]![c]!.push(r)
        if (seen[c] === 0) {
          seen[c] = 1
          byAny[c]!.push(r)
        }
      }
    }
    return { emails, rank, codes, byTraining, byAny, configKey: configKey(db) }
  }

  /** Moves the named people between sets; false when only a rebuild can do (someone new or gone, or too many). */
  private patch(built: Built, db: Db, people: ReadonlySet<string>): boolean {
    if (people.size > 64 && people.size * 16 > built.emails.length) return false
    for (const email of people) if (!built.rank.has(email) || !db.people.get(email)) return false
    for (const email of people) {
      const r = built.rank.get(email)!
      const person = db.people.get(email)!
      const before = new Set<number>()
      const after = new Set<number>()
      for (let t = 0; t < T; t++) {
        const old = built.codes[r * T + t]!
        const now = code[statusOf(db, person, TRAINING_IDS[t]!)]
        before.add(old)
        after.add(now)
        if (old === now) continue
        built.codes[r * T + t] = now
        remove(built.byTraining[t]![old]!, r)
        insert(built.byTraining[t]![now]!, r)
      }
      for (const c of before) if (!after.has(c)) remove(built.byAny[c]!, r)
      for (const c of after) if (!before.has(c)) insert(built.byAny[c]!, r)
    }
    return true
  }
}

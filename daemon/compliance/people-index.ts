import { STATUSES, TRAINING_IDS, type Status, type TrainingId } from '../../shared/constants.ts'
import type { Db, StoredPerson } from '../store/schema.ts'
import { ChangeFeed, type ChangeSource } from './change-feed.ts'
import { orderEmails, type EmailOrder } from './email-order.ts'
import { isConfigured } from './views.ts'

export type PeopleQuery = { training?: TrainingId; status?: Status; limit?: number; offset?: number }

const T = TRAINING_IDS.length
const S = STATUSES.length
const code = Object.fromEntries(STATUSES.map((status, index) => [status, index])) as Record<Status, number>
const NOT_ENROLLED = code.not_enrolled
const NOT_CONFIGURED = code.not_configured

/**
 * Everybody in the store's own order: the e-mails, and the person at an index of that list (the one
 * place here that knows how `Db.people` is held).
 */
export function peopleInOrder(db: Db): { emails: string[]; personAt: (index: number) => StoredPerson } {
  const emails = [...db.people.keys()]
  const people = [...db.people.values()]
  return { emails, personAt: (index) => people[index]! }
}

const personOf = (db: Db, email: string): StoredPerson | undefined => db.people.get(email)

/**
 * A person's status code per training as `currentRecord` decides it (views.ts), with each training's
 * connection and selection read once rather than once a person.
 */
type StatusCoder = (person: StoredPerson, training: number) => number

function statusCoder(db: Db): StatusCoder {
  const connection = TRAINING_IDS.map((id) => db.trainings[id].connectionId)
  const configured = TRAINING_IDS.map((id) => isConfigured(db, id))
  return (person, t) => {
    const record = person.records[TRAINING_IDS[t]!]
    if (record?.sticky) return code[record.status]
    if (!configured[t]) return NOT_CONFIGURED
    return record && record.connectionId === connection[t] ? code[record.status] : NOT_ENROLLED
  }
}

/** What every status depends on besides the person: which connection each training reads, and whether it is configured. */
function configKey(db: Db): string {
  return TRAINING_IDS.map((id) => `${db.trainings[id].connectionId}|${isConfigured(db, id)}`).join(',')
}

/** Where `value` would go in an ascending array. */
function lowerBound<V>(sorted: readonly V[], value: V): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((sorted[mid] as V) < value) low = mid + 1
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
  order: EmailOrder
  /** Status codes, `T` per person in rank order. */
  codes: Uint8Array
  /** Per training and status, the ranks holding it, ascending (= e-mail order). */
  byTraining: number[][][]
  /** Per status, the ranks holding it in at least one training. */
  byAny: number[][]
  configKey: string
}

/**
 * A rebuild under way: first the status codes of everyone in the store's order (`coded` so far:
 * reading people where they lie in memory is about twice as fast as in e-mail order), then the
 * codes in rank order and the lists, rank by rank (`listed` so far), so every list stays ascending.
 */
type Rebuild = Built & {
  personAt: (index: number) => StoredPerson
  statusCode: StatusCoder
  stored: Uint8Array
  coded: number
  listed: number
}

function startRebuild(db: Db, previous: EmailOrder | null): Rebuild {
  const { emails, personAt } = peopleInOrder(db)
  const order = orderEmails(emails, previous)
  return {
    order,
    codes: new Uint8Array(order.emails.length * T),
    byTraining: TRAINING_IDS.map(() => STATUSES.map((): number[] => [])),
    byAny: STATUSES.map((): number[] => []),
    configKey: configKey(db),
    personAt,
    statusCode: statusCoder(db),
    stored: new Uint8Array(order.emails.length * T),
    coded: 0,
    listed: 0,
  }
}

/** The next `size` people's codes, or (once all are coded) the next `2 × size` ranks' list entries (a lighter step); true when done. */
function advance(rebuild: Rebuild, size: number): boolean {
  const count = rebuild.order.emails.length
  if (rebuild.coded < count) {
    const { personAt, statusCode, stored } = rebuild
    const end = Math.min(count, rebuild.coded + size)
    for (let index = rebuild.coded; index < end; index++) {
      const person = personAt(index)
      for (let t = 0; t < T; t++) stored[index * T + t] = statusCode(person, t)
    }
    rebuild.coded = end
    return false
  }
  const { order, codes, byTraining, byAny, stored } = rebuild
  const end = Math.min(count, rebuild.listed + size * 2)
  for (let rank = rebuild.listed; rank < end; rank++) {
    const at = order.storedAt[rank]! * T
    let seen = 0
    for (let t = 0; t < T; t++) {
      const c = stored[at + t]!
      codes[rank * T + t] = c
      byTraining[t]![c]!.push(rank)
      seen |= 1 << c
    }
    for (let c = 0; c < S; c++) if (seen & (1 << c)) byAny[c]!.push(rank)
  }
  rebuild.listed = end
  return end === count
}

/** Past this many people named by the changes since the last look, a rebuild is cheaper than moving each one. */
const PATCH_AT_MOST = 64

/** People per slice of a rebuild in the background (~5–15 ms at 100,000 people on a 2-core box). */
const SLICE = 8_192

/**
 * The index behind `GET /personnel`: everybody in e-mail order and, per training × status (and per
 * status in any training), the people holding it, in the same order, so that a filtered page is a
 * slice instead of a scan of everyone.
 *
 * After a change that names a few people (`ChangeScope`) only those people move between sets.
 * Anything else (a sync naming 'all', a training's connection or selection changed, someone new or
 * gone) needs a rebuild: linear passes over the people, reusing the sorted e-mail order when the
 * people are the same (`orderEmails`). Once the index has been read, a rebuild runs in the
 * background in slices of `slice` people with the event loop served between them; a read that
 * comes before it is done finishes it there and then, so every answer reflects every change
 * before it.
 */
export class PeopleIndex {
  private readonly feed: ChangeFeed
  private built: Built | null = null
  /** `built` is out of date beyond patching: a rebuild is due (and `rebuild` may hold its progress). */
  private stale = true
  private rebuild: Rebuild | null = null
  private scheduled = false
  /** How often it was rebuilt from scratch (tests and the bench read it). */
  rebuilds = 0

  constructor(
    private readonly source: ChangeSource,
    private readonly slice = SLICE,
  ) {
    this.feed = new ChangeFeed(source)
    source.onChange?.(() => this.schedule())
  }

  /** The e-mails of one page of `GET /personnel`, in e-mail order. */
  page({ training, status, limit, offset = 0 }: PeopleQuery): string[] {
    const built = this.current()
    const emails = built.order.emails
    const end = limit === undefined ? undefined : offset + limit
    if (status === undefined) return emails.slice(offset, end)
    return this.ranks(built, training, status)
      .slice(offset, end)
      .map((rank) => emails[rank]!)
  }

  /** How many people a filter matches. */
  count({ training, status }: Omit<PeopleQuery, 'limit' | 'offset'>): number {
    const built = this.current()
    return status === undefined ? built.order.emails.length : this.ranks(built, training, status).length
  }

  /** Whether background work is due or under way (the bench waits for it). */
  get busy(): boolean {
    return this.scheduled
  }

  private ranks(built: Built, training: TrainingId | undefined, status: Status): number[] {
    return training ? built.byTraining[TRAINING_IDS.indexOf(training)]![code[status]]! : built.byAny[code[status]]!
  }

  private current(): Built {
    this.refresh()
    if (!this.stale) return this.built!
    const rebuild = this.rebuild ?? startRebuild(this.source.data, this.built?.order ?? null)
    while (!advance(rebuild, Number.POSITIVE_INFINITY));
    return this.finish(rebuild)
  }

  /** Takes the changes since the last look: patches a few named people, or marks a rebuild due (dropping one under way). */
  private refresh(): void {
    const changes = this.feed.take()
    if (changes === null) return
    const db = this.source.data
    this.rebuild = null
    if (this.stale || !this.built || changes.all || configKey(db) !== this.built.configKey || !this.patch(this.built, db, changes.people)) {
      this.stale = true
    }
  }

  private finish(rebuild: Rebuild): Built {
    const { order, codes, byTraining, byAny, configKey } = rebuild
    this.built = { order, codes, byTraining, byAny, configKey }
    this.rebuild = null
    this.stale = false
    this.rebuilds++
    return this.built
  }

  /** After a store change, once the index has been read: the next step of keeping it current, between other work. */
  private schedule(): void {
    if (this.scheduled || this.built === null) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.step()
    })
  }

  private step(): void {
    this.refresh()
    if (!this.stale) return
    if (this.rebuild === null) this.rebuild = startRebuild(this.source.data, this.built?.order ?? null)
    else if (advance(this.rebuild, this.slice)) return void this.finish(this.rebuild)
    this.schedule()
  }

  /** Moves the named people between sets; false when only a rebuild can do (someone new or gone, or too many). */
  private patch(built: Built, db: Db, people: ReadonlySet<string>): boolean {
    if (people.size > PATCH_AT_MOST) return false
    const emails = built.order.emails
    const ranks: number[] = []
    for (const email of people) {
      const rank = lowerBound(emails, email)
      if (emails[rank] !== email || personOf(db, email) === undefined) return false
      ranks.push(rank)
    }
    const statusCode = statusCoder(db)
    for (const rank of ranks) this.move(built, rank, personOf(db, emails[rank]!)!, statusCode)
    return true
  }

  private move(built: Built, rank: number, person: StoredPerson, statusCode: StatusCoder): void {
    let before = 0
    let after = 0
    for (let t = 0; t < T; t++) {
      const old = built.codes[rank * T + t]!
      const now = statusCode(person, t)
      before |= 1 << old
      after |= 1 << now
      if (old === now) continue
      built.codes[rank * T + t] = now
      remove(built.byTraining[t]![old]!, rank)
      insert(built.byTraining[t]![now]!, rank)
    }
    for (let c = 0; c < S; c++) {
      const bit = 1 << c
      if (before & bit && !(after & bit)) remove(built.byAny[c]!, rank)
      if (after & bit && !(before & bit)) insert(built.byAny[c]!, rank)
    }
  }
}

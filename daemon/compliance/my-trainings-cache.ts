import type { MyTrainings } from '../../shared/domain.ts'
import type { Db } from '../store/schema.ts'
import { ChangeFeed, type ChangeSource } from './change-feed.ts'

/** What every answer depends on besides the person: the trainings' settings and the connections. */
function sharedKey(db: Db): string {
  return JSON.stringify([db.trainings, db.connections])
}

/**
 * `GET /me/trainings` answers, kept per person until their data changes: a change that names the
 * person (`ChangeScope.people`) drops their entry; one that names 'all', edits a connection or a
 * training's settings, or whose extent is unknown drops every entry. Bounded: past `max` entries
 * the oldest go first.
 */
export class MyTrainingsCache {
  private readonly feed: ChangeFeed
  private readonly entries = new Map<string, MyTrainings>()
  private key = ''
  /** Answers computed (misses), for tests and the bench. */
  computed = 0

  constructor(
    private readonly source: ChangeSource,
    private readonly compute: (db: Db, email: string) => MyTrainings,
    private readonly max = 20_000,
  ) {
    this.feed = new ChangeFeed(source)
  }

  get(email: string): MyTrainings {
    this.refresh()
    let answer = this.entries.get(email)
    if (answer === undefined) {
      answer = this.compute(this.source.data, email)
      this.computed++
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!)
      this.entries.set(email, answer)
    }
    return answer
  }

  private refresh(): void {
    const changes = this.feed.take()
    if (changes === null) return
    const key = sharedKey(this.source.data)
    if (changes.all || key !== this.key) this.entries.clear()
    else for (const email of changes.people) this.entries.delete(email)
    this.key = key
  }
}

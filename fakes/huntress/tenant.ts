export type AccountType = 'paid' | 'sandbox' | 'demo'
export type AssignmentStatus = 'draft' | 'staged' | 'launching' | 'in-progress' | 'completed' | 'canceled'
export type LearnerStatus = 'active' | 'inactive'

export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['draft', 'staged', 'launching', 'in-progress', 'completed', 'canceled']

export type FakeAccount = {
  id: string
  name: string
  status: string
  type: AccountType | (string & {})
  licenses: number
  createdAt: string
  updatedAt: string
}

export type FakeAssignment = {
  id: string
  accountId: string
  name: string
  /** Free text on purpose, so a test can serve a status the adapter has never seen. */
  status: AssignmentStatus | (string & {})
  startsAt: string | null
  endsAt: string | null
  createdAt: string
  updatedAt: string
}

export type FakeLearner = {
  id: string
  accountId: string
  firstName: string
  lastName: string
  email: string
  status: LearnerStatus
}

export type FakeActivity = {
  id: string
  assignmentId: string
  learnerId: string
  progress: number
  startedAt: string | null
  completedAt: string | null
  /** Where the learner id is served: `attributes.learnerId` (default) or only `relationships.learner`. */
  learnerIdIn: 'attributes' | 'relationship'
}

const EPOCH = '2025-01-01T00:00:00.000Z'

/**
 * The fake's data: accounts, assignments, learners, enrollments and activity. Plain maps and
 * arrays so a test can also poke at it directly; the helpers keep the indexes consistent.
 */
export class HuntressTenant {
  readonly accounts = new Map<string, FakeAccount>()
  readonly assignments = new Map<string, FakeAssignment>()
  readonly learners = new Map<string, FakeLearner>()
  /** Enrolled learner ids per assignment, in enrollment order (the order pages are served in). */
  readonly enrollments = new Map<string, string[]>()
  /** Activity rows per assignment, in the order they were recorded. */
  readonly activities = new Map<string, FakeActivity[]>()
  private readonly counters = new Map<string, number>()
  // Indexes, so seeding 100,000 learners stays linear.
  private readonly enrolledSets = new Map<string, Set<string>>()
  private readonly activityIndex = new Map<string, Map<string, FakeActivity>>()

  addAccount(input: Partial<Omit<FakeAccount, 'id'>> & { id?: string } = {}): FakeAccount {
    const account: FakeAccount = {
      id: input.id ?? this.nextId('acc'),
      name: input.name ?? 'Example Corp',
      status: input.status ?? 'active',
      type: input.type ?? 'paid',
      licenses: input.licenses ?? 50,
      createdAt: input.createdAt ?? EPOCH,
      updatedAt: input.updatedAt ?? EPOCH,
    }
    this.accounts.set(account.id, account)
    return account
  }

  addAssignment(accountId: string, input: Partial<Omit<FakeAssignment, 'id' | 'accountId'>> & { id?: string } = {}): FakeAssignment {
    this.requireAccount(accountId)
    const assignment: FakeAssignment = {
      id: input.id ?? this.nextId('asg'),
      accountId,
      name: input.name ?? 'Security Awareness',
      status: input.status ?? 'in-progress',
      startsAt: input.startsAt ?? EPOCH,
      endsAt: input.endsAt ?? null,
      createdAt: input.createdAt ?? EPOCH,
      updatedAt: input.updatedAt ?? EPOCH,
    }
    this.assignments.set(assignment.id, assignment)
    this.enrollments.set(assignment.id, [])
    this.activities.set(assignment.id, [])
    this.enrolledSets.set(assignment.id, new Set())
    this.activityIndex.set(assignment.id, new Map())
    return assignment
  }

  addLearner(accountId: string, input: Partial<Omit<FakeLearner, 'id' | 'accountId'>> & { email: string; id?: string }): FakeLearner {
    this.requireAccount(accountId)
    const learner: FakeLearner = {
      id: input.id ?? this.nextId('lrn'),
      accountId,
      firstName: input.firstName ?? input.email.split('@')[0] ?? '',
      lastName: input.lastName ?? '',
      email: input.email,
      status: input.status ?? 'active',
    }
    this.learners.set(learner.id, learner)
    return learner
  }

  /** Enrolls a learner; a second call for the same pair does nothing. */
  enroll(assignmentId: string, learnerId: string): void {
    const enrolled = this.enrolledIds(assignmentId)
    const set = this.enrolledSets.get(assignmentId) as Set<string>
    if (!this.learners.has(learnerId)) throw new Error(`fake: no learner ${learnerId}`)
    if (set.has(learnerId)) return
    set.add(learnerId)
    enrolled.push(learnerId)
  }

  /** Records progress; enrolls the learner first when needed. Returns the activity row. */
  recordActivity(
    assignmentId: string,
    learnerId: string,
    input: Partial<Omit<FakeActivity, 'id' | 'assignmentId' | 'learnerId'>> = {},
  ): FakeActivity {
    this.enroll(assignmentId, learnerId)
    const rows = this.activities.get(assignmentId) as FakeActivity[]
    const index = this.activityIndex.get(assignmentId) as Map<string, FakeActivity>
    const existing = index.get(learnerId)
    const row: FakeActivity = existing ?? {
      id: this.nextId('act'),
      assignmentId,
      learnerId,
      progress: 0,
      startedAt: EPOCH,
      completedAt: null,
      learnerIdIn: 'attributes',
    }
    Object.assign(row, input)
    if (!existing) {
      rows.push(row)
      index.set(learnerId, row)
    }
    return row
  }

  complete(assignmentId: string, learnerId: string, completedAt = '2025-02-01T10:00:00+00:00'): FakeActivity {
    return this.recordActivity(assignmentId, learnerId, { progress: 100, completedAt })
  }

  /**
   * Huntress gives a learner whose e-mail changed a new learner id with no history. The new
   * learner is enrolled where the old one was; the old one turns inactive unless told otherwise.
   */
  changeEmail(learnerId: string, email: string, options: { keepOldActive?: boolean } = {}): FakeLearner {
    const old = this.learners.get(learnerId)
    if (!old) throw new Error(`fake: no learner ${learnerId}`)
    const fresh = this.addLearner(old.accountId, { firstName: old.firstName, lastName: old.lastName, email })
    for (const [assignmentId, ids] of this.enrolledSets) if (ids.has(learnerId)) this.enroll(assignmentId, fresh.id)
    if (!options.keepOldActive) old.status = 'inactive'
    return fresh
  }

  setLearnerStatus(learnerId: string, status: LearnerStatus): void {
    const learner = this.learners.get(learnerId)
    if (!learner) throw new Error(`fake: no learner ${learnerId}`)
    learner.status = status
  }

  /** A deleted assignment leaves every list and 404s by id. */
  deleteAssignment(assignmentId: string): void {
    this.assignments.delete(assignmentId)
    this.enrollments.delete(assignmentId)
    this.activities.delete(assignmentId)
    this.enrolledSets.delete(assignmentId)
    this.activityIndex.delete(assignmentId)
  }

  assignmentsOf(accountId: string): FakeAssignment[] {
    return [...this.assignments.values()].filter((assignment) => assignment.accountId === accountId)
  }

  enrolledIds(assignmentId: string): string[] {
    const enrolled = this.enrollments.get(assignmentId)
    if (!enrolled) throw new Error(`fake: no assignment ${assignmentId}`)
    return enrolled
  }

  activityOf(assignmentId: string, learnerId: string): FakeActivity | undefined {
    return this.activityIndex.get(assignmentId)?.get(learnerId)
  }

  activeLearnerCount(accountId: string): number {
    let count = 0
    for (const learner of this.learners.values()) if (learner.accountId === accountId && learner.status === 'active') count++
    return count
  }

  nextId(prefix: string): string {
    const next = (this.counters.get(prefix) ?? 0) + 1
    this.counters.set(prefix, next)
    return `${prefix}_${next.toString(36)}`
  }

  private requireAccount(accountId: string): void {
    if (!this.accounts.has(accountId)) throw new Error(`fake: no account ${accountId}`)
  }
}

/**
 * The fake KnowBe4 tenant: one account with its users, training campaigns and enrollments, held in
 * memory and mutated by tests through typed helpers. Lists keep creation order, which is id order
 * because ids are handed out increasingly.
 */

export type UserStatus = 'active' | 'archived'
export type ContentType = 'Store Purchase' | 'Uploaded Policy'

export type FakeAccount = {
  name: string
  type: string
  domains: string[]
  /** Null leaves the field out, as trial accounts do. */
  subscriptionLevel: string | null
  numberOfSeats: number | null
}

export type FakeUser = {
  id: number
  email: string | null
  firstName: string
  lastName: string
  status: UserStatus
  aliases: string[]
  employeeNumber: string | null
  archivedAt: string | null
  groups: number[]
}

export type FakeContent = { contentType: ContentType; id: number; name: string }

export type FakeCampaign = {
  id: number
  name: string
  status: string
  content: FakeContent[]
  /** Serve `content` as an array of arrays, as one documentation sample does. */
  nestedContent: boolean
  allowMultipleEnrollments: boolean
  autoEnroll: boolean
  startDate: string
  endDate: string | null
  completionPercentage: number
}

export type FakeEnrollment = {
  id: number
  campaignId: number
  /** Null serves `user: null`. */
  userId: number | null
  contentId: number
  contentType: ContentType
  moduleName: string
  status: string
  enrollmentDate: string
  startDate: string | null
  completionDate: string | null
  timeSpent: number
}

export type UserInput = Partial<Omit<FakeUser, 'id'>> & { email: string | null; id?: number }
export type CampaignInput = Partial<Omit<FakeCampaign, 'id' | 'content'>> & {
  name: string
  id?: number
  /** Module names (store purchases) or full content items. Defaults to one module named like the campaign. */
  modules?: readonly (string | FakeContent)[]
}
export type EnrollInput = {
  campaign: number | FakeCampaign
  /** A user id, e-mail or the user, or null for a `user: null` row. */
  user: number | string | FakeUser | null
  /** Only these modules (by name); all of the campaign's modules by default. */
  modules?: readonly string[]
  status?: string
  /** Marks the rows completed (status `Passed` unless `status` says otherwise). */
  completedAt?: string
  enrolledAt?: string
}

const DEFAULT_TIME = '2026-01-05T09:00:00.000Z'
const DONE = new Set(['passed', 'completed'])

export class KnowBe4Tenant {
  account: FakeAccount = {
    name: 'Fake Tenant',
    type: 'paid',
    domains: ['example.com'],
    subscriptionLevel: 'Diamond',
    numberOfSeats: 0,
  }
  readonly users = new Map<number, FakeUser>()
  readonly campaigns = new Map<number, FakeCampaign>()
  readonly enrollments = new Map<number, FakeEnrollment>()
  private readonly byCampaign = new Map<number, FakeEnrollment[]>()
  private readonly byEmail = new Map<string, FakeUser>()
  /** Each enrollment's index in its campaign's list, so a cursor finds its place at once. */
  private readonly position = new Map<number, number>()
  private nextUserId = 1000
  private nextCampaignId = 100
  private nextContentId = 1
  private nextEnrollmentId = 500_000

  addUser(input: UserInput): FakeUser {
    const id = input.id ?? this.nextUserId++
    this.nextUserId = Math.max(this.nextUserId, id + 1)
    const local = input.email?.split('@')[0] ?? `user${id}`
    const user: FakeUser = {
      firstName: local,
      lastName: 'Example',
      status: 'active',
      aliases: [],
      employeeNumber: String(id),
      archivedAt: null,
      groups: [],
      ...input,
      id,
    }
    if (user.status === 'archived' && !user.archivedAt) user.archivedAt = DEFAULT_TIME
    this.users.set(id, user)
    if (user.email) this.byEmail.set(user.email.toLowerCase(), user)
    return user
  }

  user(ref: number | string | FakeUser): FakeUser {
    const found = typeof ref === 'object' ? ref : typeof ref === 'number' ? this.users.get(ref) : this.byEmail.get(ref.toLowerCase())
    if (!found) throw new Error(`fake KnowBe4: no user ${String(ref)}`)
    return found
  }

  archiveUser(ref: number | string | FakeUser, at = DEFAULT_TIME): FakeUser {
    const user = this.user(ref)
    user.status = 'archived'
    user.archivedAt = at
    return user
  }

  addCampaign(input: CampaignInput): FakeCampaign {
    const id = input.id ?? this.nextCampaignId++
    this.nextCampaignId = Math.max(this.nextCampaignId, id + 1)
    const { modules = [input.name], ...rest } = input
    const campaign: FakeCampaign = {
      status: 'In Progress',
      nestedContent: false,
      allowMultipleEnrollments: false,
      autoEnroll: true,
      startDate: DEFAULT_TIME,
      endDate: null,
      completionPercentage: 0,
      ...rest,
      id,
      content: modules.map((module) =>
        typeof module === 'string' ? { contentType: 'Store Purchase', id: this.nextContentId++, name: module } : module,
      ),
    }
    this.campaigns.set(id, campaign)
    this.byCampaign.set(id, this.byCampaign.get(id) ?? [])
    return campaign
  }

  campaign(ref: number | FakeCampaign): FakeCampaign {
    const found = typeof ref === 'object' ? ref : this.campaigns.get(ref)
    if (!found) throw new Error(`fake KnowBe4: no campaign ${String(ref)}`)
    return found
  }

  /** One enrollment row per module; calling it again for the same user is a re-enrolment. */
  enroll(input: EnrollInput): FakeEnrollment[] {
    const campaign = this.campaign(input.campaign)
    const userId = input.user === null ? null : this.user(input.user).id
    const content = input.modules ? input.modules.map((name) => this.module(campaign, name)) : campaign.content
    const status = input.status ?? (input.completedAt ? 'Passed' : 'Not Started')
    return content.map((item) =>
      this.addEnrollment({
        campaignId: campaign.id,
        userId,
        contentId: item.id,
        contentType: item.contentType,
        moduleName: item.name,
        status,
        enrollmentDate: input.enrolledAt ?? DEFAULT_TIME,
        startDate: input.completedAt ?? null,
        completionDate: input.completedAt ?? null,
        timeSpent: input.completedAt ? 600 : 0,
      }),
    )
  }

  /** Adds one raw row (odd shapes: a module not in the campaign, a done row without a date). */
  addEnrollment(row: Omit<FakeEnrollment, 'id'> & { id?: number }): FakeEnrollment {
    const id = row.id ?? this.nextEnrollmentId++
    this.nextEnrollmentId = Math.max(this.nextEnrollmentId, id + 1)
    const enrollment: FakeEnrollment = { ...row, id }
    this.enrollments.set(id, enrollment)
    const list = this.byCampaign.get(row.campaignId) ?? []
    this.position.set(id, list.length)
    list.push(enrollment)
    this.byCampaign.set(row.campaignId, list)
    return enrollment
  }

  complete(ref: number | FakeEnrollment, at = DEFAULT_TIME, status = 'Passed'): FakeEnrollment {
    const enrollment = typeof ref === 'object' ? ref : this.enrollments.get(ref)
    if (!enrollment) throw new Error(`fake KnowBe4: no enrollment ${String(ref)}`)
    enrollment.status = status
    enrollment.startDate ??= at
    enrollment.completionDate = DONE.has(status.toLowerCase()) ? at : null
    return enrollment
  }

  enrollmentsOf(campaignId: number): readonly FakeEnrollment[] {
    return this.byCampaign.get(campaignId) ?? []
  }

  /** Where an enrollment sits in `enrollmentsOf(its campaign)`. */
  positionOf(enrollmentId: number): number | undefined {
    return this.position.get(enrollmentId)
  }

  /** Seats default to the number of users, which sets the daily request budget. */
  seats(): number {
    return this.account.numberOfSeats || this.users.size
  }

  private module(campaign: FakeCampaign, name: string): FakeContent {
    const found = campaign.content.find((item) => item.name === name)
    if (!found) throw new Error(`fake KnowBe4: campaign ${campaign.id} has no module ${name}`)
    return found
  }
}

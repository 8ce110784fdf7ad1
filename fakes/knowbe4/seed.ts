import type { FakeCampaign, FakeUser, KnowBe4Tenant } from './model.ts'

type HasTenant = { tenant: KnowBe4Tenant }

export type WorkedExample = {
  users: Record<'astronaut' | 'wizard' | 'hero' | 'ninja', FakeUser>
  campaigns: Record<'a' | 'b' | 'c', FakeCampaign>
  /** The campaigns the Security Awareness training selects (A and B). */
  selected: FakeCampaign[]
}

const DONE_AT = '2026-02-10T14:30:00.000Z'

/**
 * product.md's worked example. Campaign A has two modules, so the wizard's unfinished A is one
 * module passed and one not; every other enrolment is a single module.
 */
export function seedWorkedExample(fake: HasTenant, domain = 'example.com'): WorkedExample {
  const tenant = fake.tenant
  tenant.account = { ...tenant.account, name: 'Worked Example Ltd', domains: [domain] }
  const user = (name: string) => tenant.addUser({ email: `${name}@${domain}`, firstName: cap(name), lastName: 'Example' })
  const users = { astronaut: user('astronaut'), wizard: user('wizard'), hero: user('hero'), ninja: user('ninja') }
  const campaigns = {
    a: tenant.addCampaign({ name: 'Campaign A', status: 'In Progress', modules: ['Phishing Basics', 'Password Hygiene'] }),
    b: tenant.addCampaign({ name: 'Campaign B', status: 'Completed', modules: ['Social Engineering'] }),
    c: tenant.addCampaign({ name: 'Campaign C', status: 'Closed', modules: ['Physical Security'] }),
  }
  const done = { completedAt: DONE_AT }
  tenant.enroll({ campaign: campaigns.a, user: users.astronaut, ...done })
  tenant.enroll({ campaign: campaigns.b, user: users.astronaut, ...done })
  tenant.enroll({ campaign: campaigns.c, user: users.astronaut, ...done })

  const [, wizardSecond] = tenant.enroll({ campaign: campaigns.a, user: users.wizard })
  if (wizardSecond) tenant.complete(wizardSecond, DONE_AT)
  tenant.enroll({ campaign: campaigns.b, user: users.wizard, ...done })
  tenant.enroll({ campaign: campaigns.c, user: users.wizard, status: 'In Progress' })

  tenant.enroll({ campaign: campaigns.a, user: users.hero, ...done })
  tenant.enroll({ campaign: campaigns.c, user: users.hero, ...done })

  tenant.enroll({ campaign: campaigns.b, user: users.ninja, status: 'Past Due' })
  tenant.enroll({ campaign: campaigns.c, user: users.ninja })
  return { users, campaigns, selected: [campaigns.a, campaigns.b] }
}

export type LargeTenantOptions = {
  users: number
  campaigns: number
  modulesPerCampaign?: number
  /** Share of active users enrolled in each campaign (default 1). */
  enrolledShare?: number
  /** Share of enrollments completed (default 0.8). */
  completedShare?: number
  /** Share of users archived (default 0): they keep their enrollments, as in KnowBe4. */
  archivedShare?: number
  /** PRNG seed, for the same tenant every run. */
  seed?: number
  domain?: string
}

export type LargeTenant = { users: number; campaigns: FakeCampaign[]; enrollments: number }

/**
 * A generated tenant for tests, the benchmark and the demo. Built in one pass with shared date
 * strings, so 100,000 users and a few campaigns take well under a second or two.
 */
export function seedLargeTenant(fake: HasTenant, options: LargeTenantOptions): LargeTenant {
  const tenant = fake.tenant
  const random = mulberry32(options.seed ?? 1)
  const domain = options.domain ?? 'bench.example'
  const { enrolledShare = 1, completedShare = 0.8, archivedShare = 0, modulesPerCampaign = 1 } = options
  const dates = Array.from({ length: 28 }, (_, day) => new Date(Date.UTC(2026, 1, day + 1, 12)).toISOString())

  const users: FakeUser[] = []
  for (let index = 0; index < options.users; index++) {
    const archived = random() < archivedShare
    const number = String(index + 1).padStart(6, '0')
    users.push(
      tenant.addUser({
        email: `user${number}@${domain}`,
        firstName: 'User',
        lastName: number,
        status: archived ? 'archived' : 'active',
      }),
    )
  }
  const campaigns: FakeCampaign[] = []
  let enrollments = 0
  for (let index = 0; index < options.campaigns; index++) {
    const modules = Array.from({ length: modulesPerCampaign }, (_, module) => `Module ${index + 1}.${module + 1}`)
    const campaign = tenant.addCampaign({ name: `Campaign ${index + 1}`, modules })
    campaigns.push(campaign)
    for (const user of users) {
      if (random() >= enrolledShare) continue
      for (const item of campaign.content) {
        const done = random() < completedShare
        const date = dates[Math.floor(random() * dates.length)] as string
        tenant.addEnrollment({
          campaignId: campaign.id,
          userId: user.id,
          contentId: item.id,
          contentType: item.contentType,
          moduleName: item.name,
          status: done ? 'Passed' : 'Not Started',
          enrollmentDate: dates[0] as string,
          startDate: done ? date : null,
          completionDate: done ? date : null,
          timeSpent: done ? 900 : 0,
        })
        enrollments++
      }
    }
  }
  return { users: users.length, campaigns, enrollments }
}

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

/** A small seeded PRNG: the same seed gives the same tenant. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

import type { HuntressFake } from './index.ts'
import type { AssignmentStatus, FakeAccount, FakeAssignment, FakeLearner } from './tenant.ts'

export type WorkedExample = {
  account: FakeAccount
  sandbox: FakeAccount
  /** A and B are the ones to select for Security Awareness; C is not selected. */
  assignments: { a: FakeAssignment; b: FakeAssignment; c: FakeAssignment }
  learners: Record<'astronaut' | 'wizard' | 'hero' | 'ninja', FakeLearner>
}

/**
 * The four-person example of product.md. "Enrolled, not completed" alternates between a started
 * activity row and no row at all (never started), so both shapes are exercised.
 */
export function seedWorkedExample(fake: HuntressFake, domain = 'example.com'): WorkedExample {
  const { tenant } = fake
  const account = tenant.addAccount({ name: 'Example Corp', type: 'paid', licenses: 10 })
  const sandbox = tenant.addAccount({ name: 'Example Corp Sandbox', type: 'sandbox', licenses: 5 })
  const assignments = {
    a: tenant.addAssignment(account.id, { name: 'Campaign A', status: 'in-progress' }),
    b: tenant.addAssignment(account.id, { name: 'Campaign B', status: 'completed' }),
    c: tenant.addAssignment(account.id, { name: 'Campaign C', status: 'in-progress' }),
  }
  const person = (name: string) =>
    // Capitalised as a person's name is in Huntress (the KnowBe4 fake seeds the same people so).
    tenant.addLearner(account.id, {
      firstName: name.charAt(0).toUpperCase() + name.slice(1),
      lastName: 'Example',
      email: `${name}@${domain}`,
    })
  const learners = { astronaut: person('astronaut'), wizard: person('wizard'), hero: person('hero'), ninja: person('ninja') }
  const { a, b, c } = assignments
  const done = (assignment: FakeAssignment, learner: FakeLearner, day: number) =>
    tenant.complete(assignment.id, learner.id, `2025-03-${String(day).padStart(2, '0')}T09:30:00+02:00`)

  done(a, learners.astronaut, 3)
  done(b, learners.astronaut, 4)
  done(c, learners.astronaut, 5)
  tenant.recordActivity(a.id, learners.wizard.id, { progress: 40 })
  done(b, learners.wizard, 6)
  tenant.enroll(c.id, learners.wizard.id)
  done(a, learners.hero, 7)
  done(c, learners.hero, 8)
  tenant.enroll(b.id, learners.ninja.id)
  tenant.recordActivity(c.id, learners.ninja.id, { progress: 10 })
  return { account, sandbox, assignments, learners }
}

export type LargeTenantOptions = {
  learners: number
  /** Assignments, every learner enrolled in each (default 1). */
  assignments?: number
  status?: AssignmentStatus
  /** Every n-th learner is inactive (default 50; 0 for none). */
  inactiveEvery?: number
}

export type LargeTenant = {
  account: FakeAccount
  assignments: FakeAssignment[]
  /** Per assignment: enrolled active learners, and those of them who completed. */
  expected: { activeEnrolled: number; completed: number }
}

/**
 * A tenant of `learners` people (`learner<i>@example.com`), linear time: 100,000 learners in a
 * fraction of a second. Learner i completes when i % 3 !== 0, has started when i % 3 === 0 and i
 * is even, and never started otherwise.
 */
export function seedLargeTenant(fake: HuntressFake, options: LargeTenantOptions): LargeTenant {
  const { tenant } = fake
  const account = tenant.addAccount({ name: 'Large Corp', licenses: options.learners })
  const assignments = Array.from({ length: options.assignments ?? 1 }, (_, index) =>
    tenant.addAssignment(account.id, { name: `Assignment ${index + 1}`, status: options.status ?? 'in-progress' }),
  )
  const inactiveEvery = options.inactiveEvery ?? 50
  const expected = { activeEnrolled: 0, completed: 0 }
  for (let i = 1; i <= options.learners; i++) {
    const active = inactiveEvery === 0 || i % inactiveEvery !== 0
    const learner = tenant.addLearner(account.id, {
      firstName: 'Learner',
      lastName: String(i),
      email: `learner${i}@example.com`,
      status: active ? 'active' : 'inactive',
    })
    if (active) expected.activeEnrolled++
    if (active && i % 3 !== 0) expected.completed++
    for (const assignment of assignments) {
      if (i % 3 !== 0) tenant.complete(assignment.id, learner.id, '2025-04-01T12:00:00Z')
      else if (i % 2 === 0) tenant.recordActivity(assignment.id, learner.id, { progress: 50 })
      else tenant.enroll(assignment.id, learner.id)
    }
  }
  return { account, assignments, expected }
}

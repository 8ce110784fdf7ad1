/** KnowBe4's fake speaks the shared fault vocabulary (fakes/kit), in KnowBe4's error format. */
import type { FaultDialect } from '../kit/faults.ts'

export { FaultQueue, type Fault as FakeFault, type FaultOptions } from '../kit/faults.ts'

/** How the KnowBe4 Reporting API says things: `{"message": …}` bodies. */
export const KNOWBE4_DIALECT: FaultDialect = {
  error: (_status, message) => JSON.stringify({ message: message ?? 'Fault injected' }),
  rateLimited: JSON.stringify({ message: 'Too many requests were submitted' }),
  malformed: '[{"enrollment_id": 1, "status": ',
  badShape: { data: 'not a list', name: 42 },
}

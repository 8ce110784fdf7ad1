import { describe, expect, it } from 'vitest'
import { orderEmails, type EmailOrder } from '../../../daemon/compliance/email-order.ts'

const list = (count: number, seed: number) => Array.from({ length: count }, (_, n) => `u${(n * seed) % 97}-${n}@example.com`)

/** The order is right when `emails` is `stored` sorted and each rank points back at its own e-mail. */
function expectConsistent(order: EmailOrder, stored: readonly string[]): void {
  expect(order.emails).toEqual([...stored].sort())
  expect(Array.from(order.storedAt, (at) => stored[at])).toEqual(order.emails)
}

describe('orderEmails', () => {
  it('sorts everybody in code-unit order the first time', () => {
    const stored = [...list(40, 13), 'Zed@example.com', 'ábc@example.com', 'a@example.com']
    expectConsistent(orderEmails(stored, null), stored)
  })

  it('keeps the sorted list when the same people come in the same order', () => {
    const stored = list(40, 13)
    const first = orderEmails(stored, null)
    const again = orderEmails([...stored], first)
    expect(again.emails).toBe(first.emails)
    expectConsistent(again, stored)
  })

  it('follows people who left anywhere and joined at the end', () => {
    const stored = list(40, 13)
    const first = orderEmails(stored, null)
    const next = [...stored.filter((_, n) => n % 9 !== 4), 'a-new@example.com', 'zz-new@example.com', 'm-new@example.com']
    expectConsistent(orderEmails(next, first), next)
  })

  it('stays right when the store order was shuffled or replaced', () => {
    const stored = list(40, 13)
    const first = orderEmails(stored, null)
    const reversed = [...stored].reverse()
    expectConsistent(orderEmails(reversed, first), reversed)
    const rotated = [...stored.slice(30), ...stored.slice(0, 30)]
    expectConsistent(orderEmails(rotated, first), rotated)
    const other = list(25, 7)
    expectConsistent(orderEmails(other, first), other)
    expectConsistent(orderEmails([], first), [])
  })
})

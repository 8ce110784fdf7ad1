/**
 * Everybody's e-mail in code-unit order (as `Array.prototype.sort` orders them), and where each one
 * sits in the store's own order, so that a rebuild reads people by position instead of hashing
 * every e-mail again.
 */
export type EmailOrder = {
  /** The e-mails in the store's own order (insertion order) when this order was made. */
  readonly stored: readonly string[]
  /** The same e-mails sorted; a rank is an index here. */
  readonly emails: readonly string[]
  /** For each rank, the index of that e-mail in `stored`. */
  readonly storedAt: Int32Array
}

/** Past this share of new people a full sort is cheaper than sorting the newcomers and merging. */
const MERGE_AT_MOST = 0.25

/**
 * The sorted order of `stored`, reusing `previous` where it can: the same people in the same store
 * order (a sync that changed statuses only) cost one comparison a person; people removed, or added
 * at the end of the store's order (how a JavaScript object or Map grows), cost one walk plus a sort
 * of the newcomers. Anything else sorts everyone.
 */
export function orderEmails(stored: readonly string[], previous: EmailOrder | null): EmailOrder {
  if (previous === null) return sortAll(stored)
  if (sameList(stored, previous.stored)) return { ...previous, stored }
  const walk = walkKept(stored, previous)
  if (walk.firstAdded === -1 || stored.length - walk.firstAdded > stored.length * MERGE_AT_MOST) return sortAll(stored)
  return merge(stored, previous, walk.storedAtOldRank, walk.firstAdded)
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function sortAll(stored: readonly string[]): EmailOrder {
  const emails = [...stored].sort()
  const at = new Map<string, number>()
  for (let i = 0; i < stored.length; i++) at.set(stored[i]!, i)
  const storedAt = new Int32Array(emails.length)
  for (let rank = 0; rank < emails.length; rank++) storedAt[rank] = at.get(emails[rank]!)!
  return { stored, emails, storedAt }
}

/**
 * Matches the new store order against the old one, assuming people only leave or join at the end:
 * for each old rank, its new index (-1: gone), and the index from which the rest are newcomers
 * (-1 when the walk cannot tell, i.e. nothing of the old order was kept).
 */
function walkKept(stored: readonly string[], previous: EmailOrder): { storedAtOldRank: Int32Array; firstAdded: number } {
  const old = previous.stored
  const oldRankAt = new Int32Array(old.length)
  for (let rank = 0; rank < old.length; rank++) oldRankAt[previous.storedAt[rank]!] = rank
  const storedAtOldRank = new Int32Array(old.length).fill(-1)
  let i = 0
  let kept = 0
  for (let j = 0; j < old.length && i < stored.length; j++) {
    if (stored[i] !== old[j]) continue
    storedAtOldRank[oldRankAt[j]!] = i++
    kept++
  }
  return { storedAtOldRank, firstAdded: kept === 0 ? -1 : i }
}

/** The kept people in their old sorted order, merged with the newcomers sorted among themselves. */
function merge(stored: readonly string[], previous: EmailOrder, storedAtOldRank: Int32Array, firstAdded: number): EmailOrder {
  const added = Array.from({ length: stored.length - firstAdded }, (_, k) => firstAdded + k)
  added.sort((a, b) => (stored[a]! < stored[b]! ? -1 : stored[a]! > stored[b]! ? 1 : 0))
  const emails: string[] = []
  const storedAt = new Int32Array(stored.length)
  let next = 0
  const push = (index: number) => {
    storedAt[emails.length] = index
    emails.push(stored[index]!)
  }
  for (let rank = 0; rank < storedAtOldRank.length; rank++) {
    const index = storedAtOldRank[rank]!
    if (index === -1) continue
    const email = previous.emails[rank]!
    while (next < added.length && stored[added[next]!]! < email) push(added[next++]!)
    push(index)
  }
  while (next < added.length) push(added[next++]!)
  return { stored, emails, storedAt }
}

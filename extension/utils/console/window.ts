/**
 * Which rows of a long list to draw: those in view plus a margin on each side. Rows have one fixed
 * height, so this is arithmetic — no measuring, no library.
 */
export type Slice = { first: number; last: number; offset: number; total: number }

export function visibleSlice(input: { count: number; rowHeight: number; scrollTop: number; viewport: number; overscan?: number }): Slice {
  const { count, rowHeight, viewport } = input
  const overscan = input.overscan ?? 8
  const total = count * rowHeight
  const scrollTop = Math.max(0, Math.min(input.scrollTop, Math.max(0, total - viewport)))
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan)
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan)
  return { first, last, offset: first * rowHeight, total }
}

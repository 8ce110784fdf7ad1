import type { Context } from 'hono'
import { JSON_API } from './faults.ts'

export const DEFAULT_PAGE_SIZE = 25
export const MAX_PAGE_SIZE = 100

export class PageError extends Error {}

/**
 * One page of `items` as a JSON:API document, laravel-json-api style: `page[number]` (1-based)
 * and `page[size]` (clamped to 100, never rejected for being large); a page past the end is empty.
 */
export function paginate<T>(c: Context, items: readonly T[], toResource: (item: T) => object): Response {
  const number = readPositive(c.req.query('page[number]'), 1, 'page[number]')
  const perPage = Math.min(MAX_PAGE_SIZE, readPositive(c.req.query('page[size]'), DEFAULT_PAGE_SIZE, 'page[size]'))
  const total = items.length
  const lastPage = Math.max(1, Math.ceil(total / perPage))
  const start = (number - 1) * perPage
  const data = items.slice(start, start + perPage).map(toResource)
  const page = {
    currentPage: number,
    from: data.length ? start + 1 : null,
    lastPage,
    perPage,
    to: data.length ? start + data.length : null,
    total,
  }
  const body = { data, meta: { page }, links: links(c.req.url, number, lastPage, perPage) }
  return new Response(JSON.stringify(body), { headers: { 'content-type': JSON_API } })
}

function links(requestUrl: string, number: number, lastPage: number, perPage: number): Record<string, string> {
  const at = (page: number) => {
    const url = new URL(requestUrl)
    url.searchParams.set('page[number]', String(page))
    url.searchParams.set('page[size]', String(perPage))
    return url.toString()
  }
  const result: Record<string, string> = { first: at(1), last: at(lastPage) }
  if (number > 1) result.prev = at(Math.min(number - 1, lastPage))
  if (number < lastPage) result.next = at(number + 1)
  return result
}

function readPositive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new PageError(`${name} must be a positive integer.`)
  return Number(value)
}

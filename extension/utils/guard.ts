/**
 * Small hand-written checks of the daemon's answers. The daemon validates with zod; the extension
 * only needs to know an answer has the shape it reads, and zod would be most of its bundle.
 * A guard never changes the value; unknown fields pass, so a newer daemon still works.
 * Declared as `Guard<SharedType>`, a guard must check at least what the shared type promises.
 */
export type Guard<T> = (value: unknown) => value is T
export type Infer<G> = G extends Guard<infer T> ? T : never

/** Marks a field that may be absent (the object's type gets `key?:`). */
type OptionalGuard<T> = Guard<T | undefined> & { optional: true }

export const unknown: Guard<unknown> = (_value): _value is unknown => true
export const string: Guard<string> = (value): value is string => typeof value === 'string'
export const boolean: Guard<boolean> = (value): value is boolean => typeof value === 'boolean'
export const number: Guard<number> = (value): value is number => typeof value === 'number' && Number.isFinite(value)

export const nonNegative: Guard<number> = (value): value is number => number(value) && value >= 0

/** An integer in [min, max]. */
export const int =
  (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Guard<number> =>
  (value): value is number =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max

/** A non-negative integer (counts). */
export const count = int(0)

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/
/** An ISO 8601 date-time with a zone, as the daemon writes times. */
export const isoTime: Guard<string> = (value): value is string => typeof value === 'string' && ISO_TIME.test(value)
/** A calendar day, YYYY-MM-DD. */
export const isoDate: Guard<string> = (value): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)

export const literal =
  <const T extends string | number | boolean>(expected: T): Guard<T> =>
  (value): value is T =>
    value === expected

export const oneOf =
  <const T extends readonly string[]>(values: T): Guard<T[number]> =>
  (value): value is T[number] =>
    typeof value === 'string' && values.includes(value)

export const nullable =
  <T>(guard: Guard<T>): Guard<T | null> =>
  (value): value is T | null =>
    value === null || guard(value)

export const optional = <T>(guard: Guard<T>): OptionalGuard<T> =>
  Object.assign((value: unknown): value is T | undefined => value === undefined || guard(value), { optional: true as const })

export const array =
  <T>(guard: Guard<T>): Guard<T[]> =>
  (value): value is T[] =>
    Array.isArray(value) && value.every(guard)

export const union =
  <T extends readonly Guard<unknown>[]>(...guards: T): Guard<Infer<T[number]>> =>
  (value): value is Infer<T[number]> =>
    guards.some((guard) => guard(value))

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

type Shape = Record<string, Guard<unknown>>
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S]
type Flatten<T> = { [K in keyof T]: T[K] }
export type ObjectOf<S extends Shape> = Flatten<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>

export const object =
  <S extends Shape>(shape: S): Guard<ObjectOf<S>> =>
  (value): value is ObjectOf<S> =>
    isPlainObject(value) && Object.entries(shape).every(([key, guard]) => guard(value[key]))

/** An object with an entry for every one of `keys` (more keys may follow from a newer daemon). */
export const record =
  <const K extends string, T>(keys: readonly K[], guard: Guard<T>): Guard<Record<K, T>> =>
  (value): value is Record<K, T> =>
    isPlainObject(value) && keys.every((key) => guard(value[key]))

/** Any plain object whose values all pass `guard`. */
export const dictionary =
  <T>(guard: Guard<T>): Guard<Record<string, T>> =>
  (value): value is Record<string, T> =>
    isPlainObject(value) && Object.values(value).every(guard)

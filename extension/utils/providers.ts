import type { ProviderDescription } from '../../shared/api.ts'

// The page side of provider descriptions: the list a page got with its overview, so any
// component can name a provider, and the connect form's logic (pure: no browser APIs here).
let known: readonly ProviderDescription[] = []

export function setKnownProviders(list: readonly ProviderDescription[]): void {
  known = list
}

export function knownProviderList(): readonly ProviderDescription[] {
  return known
}

export function describeProvider(id: string): ProviderDescription | null {
  return known.find((description) => description.id === id) ?? null
}

/** "KnowBe4" for `knowbe4`; the id itself for a provider this page has no description of. */
export function providerName(id: string): string {
  return describeProvider(id)?.displayName ?? id
}

/** The connect form's starting values: each select's first option, everything else empty. */
export function initialFields(description: ProviderDescription): Record<string, string> {
  if (description.connect.kind !== 'token') return {}
  return Object.fromEntries(
    description.connect.fields.map((field) => [field.name, field.type === 'select' ? (field.options?.[0]?.value ?? '') : '']),
  )
}

/**
 * What a connect form sends for these values: trimmed, empty optional fields left out. Throws a
 * sentence naming the first required field left empty.
 */
export function connectFields(description: ProviderDescription, values: Record<string, string>): Record<string, string> {
  if (description.connect.kind !== 'token') return {}
  const fields: Record<string, string> = {}
  for (const field of description.connect.fields) {
    const value = (values[field.name] ?? '').trim()
    if (value === '' && field.required) throw new Error(`Fill in “${field.label}” first.`)
    if (value !== '') fields[field.name] = value
  }
  return fields
}

import type { ProviderId } from '../../shared/domain.ts'
import { describeProvider, providerName } from '../utils/providers.ts'

/** The provider's colours as CSS variables (`--brand`, `--brand-dark`), from its description. */
function brandStyle(provider: ProviderId | null): Record<string, string> | undefined {
  const brand = provider === null ? null : describeProvider(provider)?.brand
  return brand ? { '--brand': brand.color, '--brand-dark': brand.darkColor } : undefined
}

/** The provider's name as a coloured word mark (no logos: text and colour only). */
export function ProviderMark({ provider }: { provider: ProviderId | null }) {
  if (provider === null) return <span class="brand">your training provider</span>
  return (
    <span class="brand" style={brandStyle(provider)} data-provider={provider}>
      {providerName(provider)}
    </span>
  )
}

/** A strip in the provider's colour (the accent colour without one). */
export function BrandBar({ provider }: { provider: ProviderId | null }) {
  return <div class="brand-bar" style={brandStyle(provider)} />
}

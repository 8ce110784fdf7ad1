import type { ProviderId } from '../../shared/domain.ts'
import { PROVIDER_NAMES } from '../utils/format.ts'

/** The provider's name as a coloured word mark (no logos: text and colour only). */
export function ProviderMark({ provider }: { provider: ProviderId | null }) {
  if (provider === null) return <span class="brand">your training provider</span>
  return (
    <span class={`brand ${provider}`} data-provider={provider}>
      {PROVIDER_NAMES[provider]}
    </span>
  )
}

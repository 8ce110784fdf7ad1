import type { ComponentChildren } from 'preact'

/** A message for people: errors are announced to screen readers, the rest politely. */
export function Notice({
  tone = 'info',
  children,
  testId,
}: {
  tone?: 'info' | 'ok' | 'error' | 'warn'
  children: ComponentChildren
  testId?: string
}) {
  const role = tone === 'error' || tone === 'warn' ? 'alert' : 'status'
  return (
    <div class={`notice ${tone}`} role={role} data-testid={testId}>
      {children}
    </div>
  )
}

import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'

/**
 * An inline confirmation for something that cannot be undone. Cancel has the focus, so Enter
 * or Space pressed by habit does nothing harmful; Escape cancels too.
 */
export function ConfirmDialog({
  question,
  confirmLabel,
  busy = false,
  error = null,
  onConfirm,
  onCancel,
  testId,
  children,
}: {
  question: string
  confirmLabel: string
  busy?: boolean
  error?: string | null
  onConfirm: () => void
  onCancel: () => void
  testId?: string
  children?: ComponentChildren
}) {
  const cancel = useRef<HTMLButtonElement>(null)
  useEffect(() => cancel.current?.focus(), [])
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') onCancel()
  }
  const id = `confirm-${testId ?? 'question'}`
  return (
    <div class="notice warn" role="alertdialog" aria-labelledby={id} data-testid={testId} onKeyDown={onKey}>
      <p id={id}>{question}</p>
      {children}
      {error && <p role="alert">{error}</p>}
      <div class="row">
        <button ref={cancel} type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
      </div>
    </div>
  )
}

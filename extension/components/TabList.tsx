import { useRef } from 'preact/hooks'

type Tab<Id extends string> = { readonly id: Id; readonly label: string }

/**
 * An ARIA tab list: one tab in the focus order, arrow keys move between tabs. The panel it
 * controls is `panel-<id>`, labelled by `tab-<id>`.
 */
export function TabList<Id extends string>({
  label,
  tabs,
  current,
  onSelect,
}: {
  label: string
  tabs: readonly Tab<Id>[]
  current: Id
  onSelect: (id: Id) => void
}) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([])
  const onKey = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (step === 0) return
    const next = (index + step + tabs.length) % tabs.length
    onSelect(tabs[next]!.id)
    buttons.current[next]?.focus()
  }
  return (
    <div role="tablist" aria-label={label}>
      {tabs.map((item, index) => (
        <button
          key={item.id}
          ref={(element) => {
            buttons.current[index] = element
          }}
          role="tab"
          type="button"
          id={`tab-${item.id}`}
          aria-selected={current === item.id}
          aria-controls={`panel-${item.id}`}
          tabIndex={current === item.id ? 0 : -1}
          onClick={() => onSelect(item.id)}
          onKeyDown={(event) => onKey(event, index)}
        >
          {item.label}
        </button>
      ))}
    </div>
  )
}

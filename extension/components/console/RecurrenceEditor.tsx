import { useState } from 'preact/hooks'
import { trainingName } from '../../utils/format.ts'
import type { ConsoleApi } from '../../utils/console-api.ts'
import type { Recurrence, RecurrencePreview, TrainingSettings } from '../../utils/console-schemas.ts'
import { daysIn, describeRule, monthName, splitResets } from '../../utils/console/recurrence.ts'
import { useAction } from '../../utils/use-request.ts'
import { ConfirmDialog } from '../ConfirmDialog.tsx'
import { Notice } from '../Notice.tsx'

const SHOWN = 8
const day = (iso: string) => iso.slice(0, 10)

function PreviewList({ preview }: { preview: RecurrencePreview }) {
  const { atOnce, later } = splitResets(preview, Date.now())
  return (
    <div class="stack" data-testid="recurrence-preview">
      <p>
        <strong>{atOnce.length.toLocaleString('en-GB')}</strong> {atOnce.length === 1 ? 'person is' : 'people are'} reset as soon as this is
        saved; <strong>{later.length.toLocaleString('en-GB')}</strong> more within a year.
      </p>
      {later.length > 0 && (
        <ul class="plain compact">
          {later.slice(0, SHOWN).map((reset) => (
            <li key={reset.email}>
              {day(reset.at)} · {reset.email}
            </li>
          ))}
          {later.length > SHOWN && <li class="muted">… and {later.length - SHOWN} more</li>}
        </ul>
      )}
    </div>
  )
}

/** One training's retraining rule: edit it, preview who it resets, and confirm before a rule resets anyone at once. */
export function RecurrenceEditor({
  api,
  config,
  readOnly,
  onSaved,
}: {
  api: ConsoleApi
  config: TrainingSettings
  readOnly: boolean
  onSaved: () => void
}) {
  const initial = config.recurrence ?? { kind: 'none' }
  const [kind, setKind] = useState<Recurrence['kind']>(initial.kind)
  const [months, setMonths] = useState(initial.kind === 'rolling' ? initial.months : 12)
  const [month, setMonth] = useState(initial.kind === 'fixed' ? initial.month : 1)
  const [dayOfMonth, setDay] = useState(initial.kind === 'fixed' ? initial.day : 1)
  const [graceDays, setGrace] = useState(config.graceDays ?? 30)
  const [preview, setPreview] = useState<RecurrencePreview | null>(null)
  const [confirming, setConfirming] = useState<number | null>(null)
  const action = useAction()
  const name = trainingName(config.id)
  const rule: Recurrence =
    kind === 'rolling' ? { kind, months } : kind === 'fixed' ? { kind, month, day: Math.min(dayOfMonth, daysIn(month)) } : { kind: 'none' }
  const edited = () => {
    setPreview(null)
    setConfirming(null)
    action.reset()
  }
  const save = () =>
    action.run(async () => {
      await api.putRecurrence(config.id, config, rule, graceDays)
      setConfirming(null)
      onSaved()
      return `Saved the retraining rule of ${name}.`
    })
  const previewThenSave = () =>
    action.run(async () => {
      const answer = rule.kind === 'none' ? { resets: [] } : await api.previewRecurrence(config.id, rule)
      setPreview(answer)
      const atOnce = splitResets(answer, Date.now()).atOnce.length
      if (atOnce > 0) {
        setConfirming(atOnce)
        return null
      }
      await api.putRecurrence(config.id, config, rule, graceDays)
      onSaved()
      return `Saved the retraining rule of ${name}.`
    })
  const showPreview = () =>
    action.run(async () => {
      setPreview(rule.kind === 'none' ? { resets: [] } : await api.previewRecurrence(config.id, rule))
      return null
    })
  return (
    <form
      class="card stack"
      data-training={config.id}
      aria-label={`Retraining of ${name}`}
      onSubmit={(event) => {
        event.preventDefault()
        void previewThenSave()
      }}
    >
      <h3>{name}</h3>
      <div class="row">
        <label class="field">
          <span>Retraining</span>
          <select
            value={kind}
            disabled={readOnly}
            onChange={(event) => {
              setKind(event.currentTarget.value as Recurrence['kind'])
              edited()
            }}
          >
            <option value="none">None</option>
            <option value="rolling">Months after completion</option>
            <option value="fixed">A fixed date each year</option>
          </select>
        </label>
        {kind === 'rolling' && (
          <label class="field">
            <span>Months</span>
            <input
              type="number"
              min={1}
              max={120}
              value={months}
              disabled={readOnly}
              onInput={(event) => {
                setMonths(Math.max(1, Number(event.currentTarget.value) || 1))
                edited()
              }}
            />
          </label>
        )}
        {kind === 'fixed' && (
          <>
            <label class="field">
              <span>Month</span>
              <select
                value={month}
                disabled={readOnly}
                onChange={(event) => {
                  setMonth(Number(event.currentTarget.value))
                  edited()
                }}
              >
                {Array.from({ length: 12 }, (_, index) => (
                  <option key={index} value={index + 1}>
                    {monthName(index + 1)}
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              <span>Day</span>
              <input
                type="number"
                min={1}
                max={daysIn(month)}
                value={dayOfMonth}
                disabled={readOnly}
                onInput={(event) => {
                  setDay(Number(event.currentTarget.value) || 1)
                  edited()
                }}
              />
            </label>
          </>
        )}
        <label class="field">
          <span>Days to retake</span>
          <input
            type="number"
            min={0}
            max={365}
            value={graceDays}
            disabled={readOnly}
            onInput={(event) => {
              setGrace(Math.max(0, Number(event.currentTarget.value) || 0))
              edited()
            }}
          />
        </label>
      </div>
      <p class="muted">{describeRule(rule)}</p>
      {preview && <PreviewList preview={preview} />}
      {confirming !== null && (
        <ConfirmDialog
          testId="confirm-recurrence"
          question={`This rule resets ${confirming.toLocaleString('en-GB')} ${confirming === 1 ? 'person' : 'people'} of ${name} as soon as it is saved. They will have ${graceDays} days to retake it. Save it?`}
          confirmLabel="Save and reset them"
          busy={action.busy}
          onConfirm={() => void save()}
          onCancel={() => setConfirming(null)}
        />
      )}
      {action.done && (
        <Notice tone="ok" testId="recurrence-result">
          {action.done}
        </Notice>
      )}
      {action.error && (
        <Notice tone="error" testId="recurrence-result">
          {action.error}
        </Notice>
      )}
      {!readOnly && (
        <div class="row">
          <button type="button" onClick={() => void showPreview()} disabled={action.busy}>
            Preview
          </button>
          <button type="submit" class="primary" disabled={action.busy || confirming !== null}>
            Save rule
          </button>
        </div>
      )}
    </form>
  )
}

import { useState } from 'preact/hooks'
import type { Person, Status, TrainingId } from '../../shared/domain.ts'
import { STATUS_LABELS, TRAININGS, progressText, trainingName } from '../utils/format.ts'
import { ask } from '../utils/messages.ts'
import { useAction, useRequest } from '../utils/use-request.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { Notice } from './Notice.tsx'
import { StatusPill } from './StatusPill.tsx'
import { TrainingFilter } from './TrainingFilter.tsx'

const PAGE = 200
type Target = { email: string; training: TrainingId }

/** Cancel has the focus: a reset can't be undone. */
function ConfirmReset({ target, onDone, onCancel }: { target: Target; onDone: (person: Person) => void; onCancel: () => void }) {
  const action = useAction()
  const reset = () =>
    action.run(async () => {
      onDone(await ask('reset', target))
      return null
    })
  return (
    <ConfirmDialog
      testId="confirm-reset"
      question={`Reset ${trainingName(target.training)} for ${target.email}? Their completion stops counting and the next sync evaluates them again.`}
      confirmLabel="Reset"
      busy={action.busy}
      error={action.error}
      onConfirm={() => void reset()}
      onCancel={onCancel}
    />
  )
}

function PersonRow({ person, readOnly, onReset }: { person: Person; readOnly: boolean; onReset: (target: Target) => void }) {
  const shown = TRAININGS.filter(({ id }) => person.trainings[id]?.status !== 'not_configured')
  return (
    <li class="card" data-testid="person" data-email={person.email}>
      <div>
        <strong>{person.name}</strong> <small>{person.email}</small>
      </div>
      {shown.length === 0 && <small>No training is configured.</small>}
      <table class="person-trainings">
        <tbody>
          {shown.map(({ id, name }) => {
            const training = person.trainings[id]!
            return (
              <tr key={id} data-training={id}>
                <td>{name}</td>
                <td>
                  <StatusPill status={training.status} completed={training.completed} />
                </td>
                <td data-testid="progress">{progressText(training)}</td>
                <td class="end">
                  {training.status === 'compliant' && (
                    <button
                      type="button"
                      disabled={readOnly}
                      onClick={() => onReset({ email: person.email, training: id })}
                      aria-label={`Reset ${name} for ${person.email}`}
                    >
                      Reset
                    </button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </li>
  )
}

/** Everybody with their status and progress; a filter; reset (with a confirmation) per training. */
export function PeoplePanel({ readOnly }: { readOnly: boolean }) {
  const [text, setText] = useState('')
  const [training, setTraining] = useState<TrainingId | ''>('')
  const [status, setStatus] = useState<Status | ''>('')
  const [limit, setLimit] = useState(PAGE)
  const [confirming, setConfirming] = useState<Target | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const people = useRequest(
    () => ask('personnel', { ...(training ? { training } : {}), ...(status ? { status } : {}), limit }),
    [training, status, limit],
  )
  const needle = text.trim().toLowerCase()
  const shown = (people.value ?? []).filter(
    (person) => !needle || person.email.includes(needle) || person.name.toLowerCase().includes(needle),
  )
  const done = (person: Person) => {
    setNotice(`${trainingName(confirming!.training)} was reset for ${person.email}.`)
    setConfirming(null)
    void people.reload()
  }
  return (
    <div class="stack">
      <search class="row">
        <label class="field" style="flex:1">
          <span>Filter people</span>
          <input type="search" placeholder="Name or e-mail" value={text} onInput={(event) => setText(event.currentTarget.value)} />
        </label>
        <TrainingFilter value={training} onChange={setTraining} />
        <label class="field">
          <span>Status</span>
          <select value={status} onChange={(event) => setStatus(event.currentTarget.value as Status | '')}>
            <option value="">Any</option>
            {(['non_compliant', 'not_enrolled', 'compliant'] as const).map((item) => (
              <option key={item} value={item}>
                {STATUS_LABELS[item]}
              </option>
            ))}
          </select>
        </label>
      </search>
      {notice && (
        <Notice tone="ok" testId="reset-result">
          {notice}
        </Notice>
      )}
      {confirming && (
        <ConfirmReset
          key={`${confirming.email}/${confirming.training}`}
          target={confirming}
          onDone={done}
          onCancel={() => setConfirming(null)}
        />
      )}
      {people.error && <Notice tone="error">{people.error}</Notice>}
      {people.value && shown.length === 0 && <p class="muted">Nobody matches.</p>}
      <ul class="plain" aria-busy={people.loading}>
        {shown.map((person) => (
          <PersonRow
            key={person.email}
            person={person}
            readOnly={readOnly}
            onReset={(target) => {
              setNotice(null)
              setConfirming(target)
            }}
          />
        ))}
      </ul>
      {people.value?.length === limit && (
        <button type="button" onClick={() => setLimit(limit + PAGE)}>
          Show more people
        </button>
      )}
    </div>
  )
}

import type { Window } from './rows.ts'

/** README.txt of the evidence pack: for the auditor who opens it. */
export function readmeText({ from, to }: Window, generatedAt: string, version: string): string {
  return `trainproof evidence pack
========================

Audit window: ${from} to ${to} (UTC days, both included).
Made at ${generatedAt} by trainproof ${version}.

Statuses are as of the end of ${to} (UTC): a person counts as compliant for a training when
they became compliant on or before that day. Someone who became compliant later shows
non_compliant, with the campaigns they had finished by then.

Files
-----
manifest.json   The window, when and by which trainproof version this pack was made, and
                every other file of the pack with its size in bytes and its SHA-256.
people.csv      One row per person and configured training: status as of ${to}, when the person
                became compliant (compliant_at, empty when not), the training provider, the
                connection it was read from, and progress (completed of required campaigns).
completions.csv One row per completed module behind each compliant record (its first
                completion): campaign and module names, completion time, and the provider's
                own enrollment or activity id (external_id) to look it up at the provider.
evidence-hashes.csv
                For each record compliant as of ${to}: the SHA-256 of its evidence rows, fixed
                when the person became compliant; the certificate prints the same hash. It does
                not change when the provider later loses or edits those rows.
audit.csv       Every event of trainproof's audit log inside the window, oldest first: when,
                who (token label or "scheduler"), what, and the details as JSON.
certificates/   certificates/<email>/<training>.pdf: the certificate of completion of each
                person compliant as of ${to}, as trainproof serves it; it ends with the SHA-256
                of the evidence rows it lists, and may carry the provider's own certificate.
README.txt      This file.

CSV files are RFC 4180, UTF-8, one record per line.

Checking the pack
-----------------
Every file of the pack but manifest.json itself is listed in manifest.json with its SHA-256. To check them, unzip the pack and run, in the unzipped folder:

  Linux:   sha256sum people.csv            (compare with manifest.json)
  macOS:   shasum -a 256 people.csv
  Windows: certutil -hashfile people.csv SHA256

or check them all at once (needs Node.js):

  node -e "const m=require('./manifest.json');const c=require('crypto'),f=require('fs');for(const x of m.files)console.log(c.createHash('sha256').update(f.readFileSync(x.path)).digest('hex')===x.sha256?'ok  ':'BAD ',x.path)"

A file whose hash differs from the manifest was changed after trainproof made the pack.
`
}

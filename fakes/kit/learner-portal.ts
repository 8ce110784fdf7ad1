/**
 * The sandbox tenants' stand-in for a provider's learner portal: where the extension's "Go to
 * KnowBe4/Huntress" sends an employee in the demo, instead of the real site.
 */
export function learnerPortalPage(provider: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${provider} sandbox — learner portal</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}h1{font-size:1.4rem}.note{background:#fff1dc;padding:.75rem 1rem;border-radius:8px}</style>
</head><body>
<h1>${provider} sandbox — learner portal</h1>
<p class="note">This page stands in for ${provider}'s training site in the trainproof demo. Nothing here is real.</p>
<p>In a real organisation this is where you sign in with your work e-mail and finish the modules your
organisation assigned. Then press <strong>I finished — check again</strong> in trainproof.</p>
</body></html>`
}

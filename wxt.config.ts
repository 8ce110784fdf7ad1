import preact from '@preact/preset-vite'
import { defineConfig } from 'wxt'

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  imports: false,
  webExt: { disabled: true },
  manifest: {
    name: 'trainproof',
    description: 'Shows which security-awareness trainings are due, and lets admins prove compliance.',
    permissions: ['storage', 'alarms'],
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
  },
  vite: () => ({ plugins: [preact()] }),
})

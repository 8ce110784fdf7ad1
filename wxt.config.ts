import preact from '@preact/preset-vite'
import { defineConfig } from 'wxt'
import { EXTENSION_KEY, GECKO_ID } from './extension/utils/extension-key.ts'

/**
 * The console's chart library in a chunk of its own, so the bundle-size benchmark can tell it
 * apart. Pages only: the background is one IIFE file, which takes no chunks.
 */
const chartChunk = {
  name: 'trainproof-chart-chunk',
  outputOptions: (options: { format?: string; codeSplitting?: unknown }) =>
    options.format === 'iife' ? null : { ...options, codeSplitting: { groups: [{ name: 'uplot', test: /node_modules[\\/]uplot[\\/]/ }] } },
}

export default defineConfig({
  srcDir: 'extension',
  // The end-to-end tests build into a directory of their own, so parallel test files don't collide.
  outDir: process.env.TRAINPROOF_EXT_OUT_DIR ?? '.output',
  publicDir: 'extension/public',
  imports: false,
  webExt: { disabled: true },
  manifest: ({ browser }) => ({
    name: 'trainproof',
    description: 'Shows which security-awareness trainings are due, and lets admins prove compliance.',
    permissions: ['storage', 'alarms', 'notifications', 'identity'],
    // Loopback only: a daemon elsewhere is reached over https:// with CORS, which the daemon grants
    // to extension origins, so no "read all your data on all websites" permission is needed.
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    action: { default_title: 'trainproof' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: GECKO_ID, strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
          },
        }
      : // Chrome/Edge read the organisation's managed configuration against this schema (Firefox: policies.json "3rdparty").
        { key: EXTENSION_KEY, storage: { managed_schema: 'managed_schema.json' } }),
  }),
  vite: () => ({
    plugins: [preact(), chartChunk],
  }),
})

#!/usr/bin/env node
// Node 20 cannot run TypeScript by itself: load the CLI through tsx (a dependency), scoped to this import.
import { tsImport } from 'tsx/esm/api'

await tsImport('../cli/index.ts', import.meta.url)

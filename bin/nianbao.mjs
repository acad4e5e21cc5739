#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so no build step stands between a clone and `nianbao`.
import { register } from 'tsx/esm/api';

register();
await import('../shared/local/cli.ts');

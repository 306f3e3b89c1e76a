#!/usr/bin/env node
// The `prospector` command. The product is TypeScript run through tsx's loader, so there is
// no build step between a clone and a working command.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');

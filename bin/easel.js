#!/usr/bin/env node
// The published entry point: the compiled CLI lives in dist/ (`npm run build`).
import { main } from '../dist/src/cli/main.js';

await main(process.argv);

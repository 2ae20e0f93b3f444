import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// This file compiles to dist/src/shared/paths.js; the package root is three folders up.
const here = dirname(fileURLToPath(import.meta.url));

/** The package root (where package.json and bin/ live). */
export const PACKAGE_ROOT = join(here, '..', '..', '..');

/** The `easel` executable script, for spawning our own subcommands. */
export const EASEL_BIN = join(PACKAGE_ROOT, 'bin', 'easel.js');

// The `easel` command line. bin/easel.js runs `main`; everything else in this folder is private.
export { main } from './main.js';

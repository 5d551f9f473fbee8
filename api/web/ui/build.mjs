// Bundles the page for the server's jar: `node build.mjs OUTDIR` writes index.html, style.css,
// app.js (the page) and arrowhttp-client.js (the client alone, an ES module for other pages).
// Everything the page needs is in those files: no CDN at run time.
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const outdir = process.argv[2];
if (!outdir) throw new Error('Usage: node build.mjs OUTDIR');
await mkdir(outdir, { recursive: true });

const common = { bundle: true, format: 'esm', target: 'es2022', minify: true, sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/main.js'], outfile: join(outdir, 'app.js') });
await build({ ...common, entryPoints: ['../client/src/index.js'], outfile: join(outdir, 'arrowhttp-client.js') });
for (const file of ['index.html', 'style.css']) await copyFile(join('src', file), join(outdir, file));

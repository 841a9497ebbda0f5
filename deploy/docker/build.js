// Build stage of deploy/docker/Dockerfile: compiles the TypeScript of services/, libs/, tools/schemas/ and tools/odoo/
// to CommonJS next to where it was (same layout under OUT), with the very transform that
// `node -r @swc-node/register` applies in development (swc-node's own tsconfig -> swc mapping: legacy
// decorators with metadata, class fields, and `@tradewind/*` path aliases rewritten to relative requires).
// Keeping the layout keeps every `__dirname`-relative lookup working (schemas/, config/ seed files).
// Usage: node deploy/docker/build.js <out-dir>
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const { transformSync } = require('@swc-node/core');
const {
  readDefaultTsConfig,
  tsCompilerOptionsToSwcConfig,
} = require('@swc-node/register/read-default-tsconfig');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist', 'image'));
// Code the image runs, and the data files it reads at run time.
const SOURCES = ['services', 'libs', 'tools/schemas', 'tools/odoo'];
const DATA = ['schemas', 'config'];
// Tests never ship; neither do declaration files.
const SKIP = /(\.spec|\.itest|\.e2e)\.ts$|\.d\.ts$/;

function walk(dir, visit) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(full, visit);
    } else if (entry.isFile()) visit(full);
  }
}

function main() {
  const options = readDefaultTsConfig(path.join(ROOT, 'tsconfig.json'));
  options.module = ts.ModuleKind.CommonJS;
  let compiled = 0;
  let copied = 0;
  for (const top of SOURCES) {
    const dir = path.join(ROOT, top);
    if (!fs.existsSync(dir)) continue;
    walk(dir, (file) => {
      const rel = path.relative(ROOT, file);
      if (SKIP.test(file)) return;
      const target = path.join(OUT, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (!file.endsWith('.ts')) {
        // project.json, README.md and the like: harmless, and JSON/YAML next to code may be read at run time.
        fs.copyFileSync(file, target);
        copied += 1;
        return;
      }
      const js = target.replace(/\.ts$/, '.js');
      const { code, map } = transformSync(fs.readFileSync(file, 'utf8'), file, {
        ...tsCompilerOptionsToSwcConfig(options, file),
        sourcemap: true,
      });
      if (/require\("@tradewind\//.test(code)) {
        throw new Error(`${rel}: a @tradewind/* import was not rewritten to a relative path`);
      }
      fs.writeFileSync(js, `${code}\n//# sourceMappingURL=${path.basename(js)}.map\n`);
      if (map) fs.writeFileSync(`${js}.map`, map);
      compiled += 1;
    });
  }
  for (const top of DATA) {
    const dir = path.join(ROOT, top);
    if (fs.existsSync(dir)) fs.cpSync(dir, path.join(OUT, top), { recursive: true });
  }
  console.log(`build: ${compiled} TypeScript files compiled, ${copied} files copied into ${OUT}`);
}

main();

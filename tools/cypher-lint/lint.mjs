#!/usr/bin/env node
// Lints Cypher statements with Neo4j's own front end (@neo4j-cypher/language-support).
//
// Input (JSON, from the file named as the first argument, else from stdin):
//   {"schema": {labels, relationshipTypes, propertyKeys, graphSchema}, "statements": {name: cypher}}
// or just {name: cypher}. `python -m tracker.stores.neo4j_cypher` prints LMT's registry in
// this form.
//
// Output (JSON on stdout): {"checked": N, "failures": {name: [diagnostic, ...]}}.
// Exit status: 0 when no statement has a diagnostic, 1 when some have, 2 on bad input.
//
// Every diagnostic counts (errors and warnings alike: with the schema given, a warning is a
// misspelt label, property or an impossible pattern) except "Parameter $x is not defined.",
// which only says that the linter was not given parameter values; the package's own
// isNotParamError tells them apart.
//
// Functions and procedures are checked against Neo4j's built-in ones as listed in the
// package's captured database schema (testData.mockSchema, taken from a real server), with
// APOC and other plugins left out since Neo4j community ships none: a misspelt function is
// a diagnostic too.
import { readFileSync } from 'node:fs';
import {
  isNotParamError,
  lintCypherQuery,
  testData,
} from '@neo4j-cypher/language-support';

function builtIns(registry) {
  const kept = {};
  for (const [version, entries] of Object.entries(registry ?? {})) {
    kept[version] = Object.fromEntries(
      Object.entries(entries).filter(
        ([name, entry]) => entry.isBuiltIn !== false && !name.startsWith('apoc.'),
      ),
    );
  }
  return kept;
}

function readInput() {
  const text = readFileSync(process.argv[2] ?? 0, 'utf8');
  const parsed = JSON.parse(text);
  if (parsed && typeof parsed.statements === 'object') {
    return { schema: parsed.schema ?? {}, statements: parsed.statements };
  }
  return { schema: {}, statements: parsed };
}

let input;
try {
  input = readInput();
} catch (error) {
  console.error(`cypher-lint: unreadable input: ${error.message}`);
  process.exit(2);
}

const dbSchema = {
  ...input.schema,
  functions: builtIns(testData.mockSchema.functions),
  procedures: builtIns(testData.mockSchema.procedures),
  defaultLanguage: 'CYPHER 5',
};

const failures = {};
let checked = 0;
for (const [name, statement] of Object.entries(input.statements)) {
  checked += 1;
  const { diagnostics } = lintCypherQuery(statement, dbSchema);
  const kept = diagnostics.filter(isNotParamError).map((d) => ({
    severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : String(d.severity),
    message: d.message,
    offsets: d.offsets,
    text: statement.slice(d.offsets.start, d.offsets.end),
  }));
  if (kept.length > 0) failures[name] = kept;
}

console.log(JSON.stringify({ checked, failures }, null, 2));
process.exit(Object.keys(failures).length > 0 ? 1 : 0);

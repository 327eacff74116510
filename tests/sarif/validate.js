#!/usr/bin/env node
// validate.js - checks dffix's SARIF output against the SARIF 2.1.0 JSON
// schema (draft-04, as shipped in @microsoft/jest-sarif) and a few rules the
// schema cannot express: every ruleIndex names the rule with that id, and
// every region is well ordered.
//
// Usage: node validate.js SCHEMA FILE.sarif...   (prints "N passed, M failed")
// Module lookup: NODE_PATH must include the folder run.sh installed into.
'use strict';

const fs = require('fs');
const AjvDraft04 = require('ajv-draft-04');
const addFormats = require('ajv-formats');

function semanticErrors(log) {
	const errors = [];
	for (const [r, run] of (log.runs || []).entries()) {
		const rules = (run.tool && run.tool.driver && run.tool.driver.rules) || [];
		const ids = new Set();
		for (const rule of rules) {
			if (ids.has(rule.id)) errors.push(`runs[${r}]: rule ${rule.id} listed twice`);
			ids.add(rule.id);
		}
		for (const [i, res] of (run.results || []).entries()) {
			const where = `runs[${r}].results[${i}]`;
			if (res.ruleIndex !== undefined && (!rules[res.ruleIndex] || rules[res.ruleIndex].id !== res.ruleId))
				errors.push(`${where}: ruleIndex ${res.ruleIndex} is not rule ${res.ruleId}`);
			if (!ids.has(res.ruleId)) errors.push(`${where}: ruleId ${res.ruleId} is not in the rule list`);
			for (const loc of res.locations || []) {
				const g = loc.physicalLocation && loc.physicalLocation.region;
				if (!g) continue;
				if (g.endLine < g.startLine || (g.endLine === g.startLine && g.endColumn < g.startColumn))
					errors.push(`${where}: region ends before it starts`);
			}
		}
	}
	return errors;
}

function main() {
	const [schemaPath, ...files] = process.argv.slice(2);
	if (!schemaPath || files.length === 0) {
		process.stderr.write('usage: validate.js SCHEMA FILE.sarif...\n');
		process.exit(2);
	}
	const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
	// The schema's "language" pattern has a stray ']' that only non-unicode
	// regular expressions accept.
	const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
	addFormats(ajv);
	const validate = ajv.compile(schema);
	let passed = 0, failed = 0;
	for (const file of files) {
		let log;
		try {
			log = JSON.parse(fs.readFileSync(file, 'utf8'));
		} catch (e) {
			console.log(`FAIL ${file}: not JSON: ${e.message}`);
			failed++;
			continue;
		}
		const errors = [];
		if (!validate(log))
			for (const e of validate.errors) errors.push(`${e.instancePath || '/'} ${e.message}`);
		errors.push(...semanticErrors(log));
		if (errors.length) {
			console.log(`FAIL ${file}`);
			for (const e of errors.slice(0, 20)) console.log(`  ${e}`);
			failed++;
		} else {
			passed++;
		}
	}
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main();

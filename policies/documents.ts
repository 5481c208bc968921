/**
 * Turning YAML text into objects with their file and line: multi-document files (`---`), `kind:
 * List` wrappers and files that are not Kubernetes objects at all (values files, kustomizations)
 * are all found in real repositories. Pure: text in, objects out; the CLI does the reading.
 */
import yaml from 'js-yaml';
import { arr, isRecord } from './objects.ts';
import type { K8sObject, SourcedObject } from './types.ts';

export interface ParseProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Config-tool documents that look like objects but are never applied to a cluster. */
const NOT_APPLIED = /^(kustomize\.config\.k8s\.io|config\.kubernetes\.io|kpt\.dev)\//;

function isK8sObject(v: unknown): v is K8sObject {
  return isRecord(v) && typeof v['apiVersion'] === 'string' && typeof v['kind'] === 'string' && !NOT_APPLIED.test(v['apiVersion']);
}

/** Splits on `---` lines, keeping each document's text and 1-based first line. */
function splitDocuments(text: string): { text: string; line: number }[] {
  const lines = text.split('\n');
  const docs: { text: string; line: number }[] = [];
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^---(\s|$)/.test(lines[i]!)) {
      if (i > start) docs.push({ text: lines.slice(start, i).join('\n'), line: start + 1 });
      start = i + 1;
    }
  }
  return docs;
}

export function parseDocuments(text: string, file: string): { objects: SourcedObject[]; problems: ParseProblem[] } {
  const objects: SourcedObject[] = [];
  const problems: ParseProblem[] = [];
  for (const doc of splitDocuments(text)) {
    let data: unknown;
    try {
      data = yaml.load(doc.text, { filename: file, schema: yaml.CORE_SCHEMA });
    } catch (e) {
      const mark = e instanceof yaml.YAMLException ? e.mark : undefined;
      problems.push({ file, line: doc.line + (mark?.line ?? 0), message: `not valid YAML: ${e instanceof yaml.YAMLException ? e.reason : String(e)}` });
      continue;
    }
    if (isK8sObject(data) && data.kind === 'List') {
      // Items of a List have no text of their own here; they point at the List's first line.
      for (const item of arr(data['items'])) if (isK8sObject(item)) objects.push({ object: item, file, line: doc.line });
    } else if (isK8sObject(data)) {
      objects.push({ object: data, file, line: doc.line, text: doc.text });
    }
  }
  return { objects, problems };
}

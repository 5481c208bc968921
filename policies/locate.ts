/**
 * Finding the line of a field inside a YAML document, for `file:line` in text output and SARIF
 * regions. js-yaml does not keep positions, so this walks the block-style text by indentation; for
 * flow style or anything unusual it stops at the deepest line it could find, which is still the
 * right object and usually the right block.
 */

type Segment = { readonly key: string } | { readonly index: number };

function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return out;
    if (m[1]) out.push({ key: m[1] });
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push({ index: Number(idx[1]) });
  }
  return out;
}

const KEY = /^((?:\s*-\s+)*\s*)("[^"]*"|'[^']*'|[^\s#'"-][^:#]*?|-[^\s:][^:#]*?):(?:\s|$)/;

function keyAt(line: string): { col: number; key: string } | undefined {
  const m = KEY.exec(line);
  if (!m) return undefined;
  const raw = m[2]!;
  return { col: m[1]!.length, key: /^["']/.test(raw) ? raw.slice(1, -1) : raw };
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function isContent(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('#');
}

/**
 * 0-based index of the line holding `path` in `text` (or its lines, when a caller looks up many
 * paths in one document), or of its deepest found ancestor (the document's first content line
 * when nothing matched).
 */
export function locateLine(text: string | readonly string[], path: string): number {
  const lines = typeof text === 'string' ? text.split('\n') : text;
  let start = 0;
  let end = lines.length;
  let col = -1;
  let found = lines.findIndex((l) => isContent(l) && !l.startsWith('---'));
  if (found < 0) found = 0;
  let includeStart = true;
  for (const seg of parsePath(path)) {
    if ('key' in seg) {
      let childCol: number | undefined;
      let hit = -1;
      for (let i = includeStart ? start : start + 1; i < end; i++) {
        if (!isContent(lines[i]!)) continue;
        const k = keyAt(lines[i]!);
        if (!k || k.col <= col) continue;
        childCol ??= k.col;
        if (k.col === childCol && k.key === seg.key) {
          hit = i;
          break;
        }
      }
      if (hit < 0) return found;
      const c = keyAt(lines[hit]!)!.col;
      let stop = hit + 1;
      while (stop < end) {
        const l = lines[stop]!;
        if (isContent(l)) {
          const ind = indentOf(l);
          if (ind < c || (ind === c && !l.trimStart().startsWith('-'))) break;
        }
        stop++;
      }
      found = hit;
      start = hit;
      end = stop;
      col = c;
      includeStart = false;
    } else {
      let dash: number | undefined;
      let count = -1;
      let hit = -1;
      let next = end;
      for (let i = includeStart ? start : start + 1; i < end; i++) {
        const l = lines[i]!;
        if (!isContent(l) || !/^\s*-(\s|$)/.test(l)) continue;
        dash ??= indentOf(l);
        if (indentOf(l) !== dash) continue;
        if (hit >= 0) {
          next = i;
          break;
        }
        if (++count === seg.index) hit = i;
      }
      if (hit < 0) return found;
      found = hit;
      start = hit;
      end = next;
      col = dash!;
      includeStart = true;
    }
  }
  return found;
}

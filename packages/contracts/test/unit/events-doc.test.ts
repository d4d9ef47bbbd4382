import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EVENT_NAMES, renderEventsDoc } from '@runfleet/contracts';

const DOC_PATH = path.join(__dirname, '../../../../docs/events.md');

describe('docs/events.md', () => {
  it('matches what the contracts render', () => {
    const committed = readFileSync(DOC_PATH, 'utf8');
    if (committed !== renderEventsDoc()) {
      throw new Error('docs/events.md is stale: run node scripts/generate-events-doc.js');
    }
  });

  it('lists every event with a payload section', () => {
    const doc = renderEventsDoc();
    for (const name of EVENT_NAMES) expect(doc).toContain(`\n### ${name}\n`);
  });

  it('lists nested payload fields by dotted path with their types', () => {
    expect(renderEventsDoc()).toContain('| `usage.units` | decimal string ≥ 0 | yes |');
  });
});

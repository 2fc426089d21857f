// Rendering replies for Telegram: escaping and the message length limit.
import { describe, expect, it } from 'vitest';
import { TELEGRAM_TEXT_LIMIT, renderHtml } from '../../src/adapters/telegram/render.js';

describe('renderHtml', () => {
  it('escapes member text and keeps the layout', () => {
    expect(renderHtml({ title: 'Offer #1 <b>', text: 'a & b', fields: [{ name: 'Note', value: '<script>"x"' }], visibility: 'public', tone: 'info' })).toBe(
      '<b>Offer #1 &lt;b&gt;</b>\na &amp; b\n<b>Note:</b> &lt;script&gt;&quot;x&quot;',
    );
  });

  it('never exceeds Telegram’s limit and never cuts a tag or an entity', () => {
    const items = Array.from({ length: 400 }, (_, i) => `R&D kit number ${i}`).join(', ');
    const lines = Array.from({ length: 300 }, (_, i) => `#${i} Ann & Bob: gives 5 apple, wants 3 orange`).join('\n');
    const html = renderHtml({ title: 'Open offers', text: lines, fields: [{ name: 'Items', value: items }], visibility: 'public', tone: 'info' });
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(html.endsWith('\n…')).toBe(true);
    expect(html).not.toMatch(/&[a-z]*$/m); // no entity cut at a line end
    expect(html.match(/<b>/g)?.length).toBe(html.match(/<\/b>/g)?.length);
  });
});

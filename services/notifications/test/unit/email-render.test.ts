// Email templates (issue 17 item 5): every delivered kind renders a subject, a text and an HTML
// part in English, and nothing in an event's data becomes markup or a second header line.
import Handlebars from 'handlebars';
import { EVENT_EXAMPLES } from '@runfleet/contracts';
import { DELIVERED_EVENTS } from '../../src/domain/notification-kinds';
import { renderEmail, renderTitle } from '../../src/email/render';
import { EN } from '../../src/email/templates.en';

describe('email templates', () => {
  it('render every delivered kind with the fields of its example filled in', () => {
    for (const type of DELIVERED_EVENTS) {
      const data = EVENT_EXAMPLES[type] as Record<string, unknown>;
      const mail = renderEmail({ type, data, occurredAt: '2026-12-05T10:00:00.000Z', name: 'Acme', canUnsubscribe: true });
      expect(mail.subject.length).toBeGreaterThan(3);
      expect(mail.text).toContain('Hello Acme,');
      expect(mail.html).toContain('<p>Hello Acme,</p>');
      // a field the template names but the data lacks would leave a gap: "Job  completed"
      expect(`${mail.subject} ${mail.text}`).not.toMatch(/ {2}| \.|\(\)/);
    }
  });

  it("name only fields their event carries (strict Handlebars throws on any other)", () => {
    for (const type of DELIVERED_EVENTS) {
      const data = EVENT_EXAMPLES[type] as Record<string, unknown>;
      for (const part of ['subject', 'body'] as const) {
        expect(() => Handlebars.compile(EN[type][part], { strict: true })({ data })).not.toThrow();
      }
    }
  });

  it('an unknown language falls back to English', () => {
    const data = EVENT_EXAMPLES['job.failed'] as Record<string, unknown>;
    expect(renderEmail({ type: 'job.failed', data, occurredAt: '', name: 'A', language: 'xx', canUnsubscribe: true }).subject).toBe('Job render failed');
  });

  it('escapes data in the HTML part and keeps the subject on one line', () => {
    const data = { ...(EVENT_EXAMPLES['job.failed'] as Record<string, unknown>), type: 'x\r\nBcc: victim@example.com', message: '<script>alert(1)</script>' };
    const mail = renderEmail({ type: 'job.failed', data, occurredAt: '', name: '<b>Eve</b>', canUnsubscribe: false });
    expect(mail.subject).toBe('Job x Bcc: victim@example.com failed');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(mail.text).not.toContain('notification-preferences');
  });

  it('titles feed items with the subject', () => {
    expect(renderTitle('job.completed', EVENT_EXAMPLES['job.completed'] as Record<string, unknown>)).toBe('Job render completed');
  });
});
